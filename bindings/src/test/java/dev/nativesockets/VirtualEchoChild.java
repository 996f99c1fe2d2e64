package dev.nativesockets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server of {@link VirtualThreadScaleTest}, in a JVM of its own (one carrier): a thread per
 * connection, written as plainly as the seed's server — accept, then recv and send back until the
 * peer closes. Commands on standard input: {@code count} (connections accepted), {@code threads}
 * (the process's OS threads), {@code memory} (direct memory reserved — the JVM counts native
 * segments there too — and resident size); end of input stops it.
 */
public final class VirtualEchoChild {
    private VirtualEchoChild() {}

    public static void main(String[] args) throws Exception {
        Socket listener = Socket.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        AtomicInteger accepted = new AtomicInteger();
        Thread.ofVirtual().start(() -> {
            try {
                for (;;) {
                    Socket c = listener.accept();
                    accepted.incrementAndGet();
                    Thread.ofVirtual().start(() -> echo(c));
                }
            } catch (IOException e) {
                System.out.println("ACCEPT FAILED " + e);
            }
        });
        System.out.println("PORT " + ((InetSocketAddress) listener.localAddress()).getPort());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line) {
                case "count" -> System.out.println("ACCEPTED " + accepted.get());
                case "threads" -> System.out.println("THREADS " + osThreads());
                case "memory" -> System.out.println("MEMORY direct=" + directBytes() + " rss=" + rssKb());
                default -> System.out.println("UNKNOWN " + line);
            }
        }
        System.exit(0);
    }

    private static void echo(Socket c) {
        try (c) {
            byte[] b = new byte[256];
            for (;;) {
                int n = c.recv(b);
                if (n <= 0) {
                    return;
                }
                for (int off = 0; off < n; ) { // what it received, with no copy
                    off += c.send(b, off, n - off, 0);
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static long directBytes() {
        for (java.lang.management.BufferPoolMXBean b : java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                return b.getMemoryUsed();
            }
        }
        return -1;
    }

    private static long rssKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (Files.exists(status)) {
            for (String l : Files.readAllLines(status)) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.substring(6).replace("kB", "").trim());
                }
            }
        }
        return -1;
    }

    /** Linux: the Threads line of /proc/self/status; elsewhere the JVM's live platform threads. */
    private static long osThreads() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (Files.exists(status)) {
            for (String l : Files.readAllLines(status)) {
                if (l.startsWith("Threads:")) {
                    return Long.parseLong(l.substring(8).trim());
                }
            }
        }
        return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
