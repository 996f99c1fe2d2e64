package dev.nativesockets.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * What one idle registered connection costs the process beyond the kernel's own socket, at 10,000
 * connections: the same 10,000 accepted, non-blocking sockets are measured before and after they
 * are registered (read interest) with one readiness set, so that the socket objects themselves and
 * the kernel's sockets are in both readings and only the registration is in the difference.
 * Measured: Java heap used after a full GC (serial collector: exact live bytes), and native memory
 * from Native Memory Tracking (total committed less the Java heap; its "Other" category is where
 * {@code Unsafe.allocateMemory}, and so FFM arenas and direct buffers, live), and resident set size
 * as a cross-check. 2,000 connections are registered and cancelled first, so that the classes and
 * compiled code of the registration path are not counted as per-connection cost. The kernel's own
 * epoll entry (struct epitem, ~128 B of slab per registration) is kernel memory and is in none of
 * these.
 *
 * <p>The peers are {@code nsbench echo_loop --idle 1} in another process.
 *
 * <pre>java -XX:+UseSerialGC -XX:NativeMemoryTracking=summary --enable-native-access=ALL-UNNAMED -cp benchmarks.jar dev.nativesockets.bench.IdleCost IMPL NSBENCH</pre>
 */
final class IdleCost {
    private IdleCost() {}

    static final int N = 10_000;
    static final int WARM = 2_000;

    /** One implementation's registration: accept, then register and cancel, in the caller's order. */
    interface Subject extends AutoCloseable {
        int listen() throws IOException;

        void acceptOne() throws IOException;

        void register(int from, int to) throws IOException;

        void cancel(int from, int to) throws IOException;

        @Override
        void close() throws IOException;
    }

    static Subject subject(String impl) throws IOException {
        return switch (impl) {
            case "nio" -> new NioSubject();
            case "nativesockets" -> NsEchoServer.idleSubject();
            default -> throw new IllegalArgumentException(impl);
        };
    }

    /** Memory now: {heap used after GC, NMT committed total less Java heap, NMT Other committed, RSS}, bytes. */
    static long[] measure() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        String nmt = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[] {new String[] {"summary", "scale=KB"}}, new String[] {String[].class.getName()});
        long total = committed(nmt, "Total:");
        long javaHeap = committed(nmt, "Java Heap (");
        long other = committed(nmt, "Other (");
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        return new long[] {heap, (total - javaHeap) * 1024, other * 1024, rss};
    }

    private static long committed(String nmt, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "[^\\n]*?committed=(\\d+)KB").matcher(nmt);
        if (!m.find()) {
            throw new IllegalStateException("no '" + label + "' line in NMT output (is -XX:NativeMemoryTracking=summary on?):\n" + nmt);
        }
        return Long.parseLong(m.group(1));
    }

    public static void main(String[] args) throws Exception {
        String impl = args[0];
        String cBinary = args[1];
        try (Subject s = subject(impl)) {
            int port = s.listen();
            Process gen = new ProcessBuilder(cBinary, "echo_loop", "--port", Integer.toString(port), "--conns",
                    Integer.toString(N + WARM), "--idle", "1", "--placement", "none")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                for (int i = 0; i < N + WARM; i++) {
                    s.acceptOne();
                }
                BufferedReader out = new BufferedReader(new InputStreamReader(gen.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                if (line == null || !line.startsWith("connected")) {
                    throw new IOException("idle peers did not connect: " + line);
                }
                s.register(0, WARM);
                s.cancel(0, WARM);
                long[] before = measure();
                s.register(WARM, WARM + N);
                long[] after = measure();
                System.out.printf(Locale.ROOT, "idle %s %d %.1f %.1f %.1f %.1f%n", impl, N,
                        (after[0] - before[0]) / (double) N, (after[1] - before[1]) / (double) N,
                        (after[2] - before[2]) / (double) N, (after[3] - before[3]) / (double) N);
            } finally {
                gen.getOutputStream().close();
                if (!gen.waitFor(30, TimeUnit.SECONDS)) {
                    gen.destroyForcibly();
                }
            }
        }
    }

    /** Runs {@link #main} per implementation in fresh JVMs; the table for Compare. */
    static String run(String cBinary) throws IOException, InterruptedException {
        List<String> impls = new ArrayList<>();
        if (NsEchoServer.available()) {
            impls.add("nativesockets");
        }
        impls.add("nio");
        StringBuilder sb = new StringBuilder("Idle registered connection, cost to the process beyond the kernel's socket ("
                + N + " connections, registered for read vs the same sockets unregistered; serial GC, heap used after GC, NMT summary;"
                + " per connection). Native memory per registration can only be malloc'd, which NMT counts under Other for"
                + " Unsafe/FFM; NMT's total moves by ± a few hundred KB with JIT arenas and metaspace, and RSS with heap pages"
                + " touched, so both are shown as cross-checks only.\n\n"
                + "| impl | Java heap B | native B (NMT Other: FFM, Unsafe) | heap + native B | ≤ 256 B | cross-checks: NMT total excl. heap B, RSS B |\n"
                + "|---|---:|---:|---:|---|---|\n");
        for (String impl : impls) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-XX:NativeMemoryTracking=summary"));
            cmd.addAll(List.of(Compare.forkArgs()));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), IdleCost.class.getName(), impl, cBinary));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("IdleCost " + impl + " failed: " + out);
            }
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 7 && f[0].equals("idle")) {
                    double heap = Double.parseDouble(f[3]);
                    double nat = Double.parseDouble(f[5]);
                    sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %s | %.1f, %.1f |%n", impl, heap, nat, heap + nat,
                            impl.equals("nativesockets") ? (heap + nat <= 256 ? "met" : "MISSED") : "–",
                            Double.parseDouble(f[4]), Double.parseDouble(f[6])));
                }
            }
        }
        return sb.toString();
    }

    /** NIO: SocketChannels registered with one Selector; the epoll_ctl happens at the next select. */
    static final class NioSubject implements Subject {
        private final java.nio.channels.Selector selector = java.nio.channels.Selector.open();
        private java.nio.channels.ServerSocketChannel listener;
        private final List<java.nio.channels.SocketChannel> accepted = new ArrayList<>();
        private final List<java.nio.channels.SelectionKey> keys = new ArrayList<>(N + WARM); // sized up front: its growth is not the selector's cost

        NioSubject() throws IOException {}

        @Override
        public int listen() throws IOException {
            listener = java.nio.channels.ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 65535);
            return ((InetSocketAddress) listener.getLocalAddress()).getPort();
        }

        @Override
        public void acceptOne() throws IOException {
            java.nio.channels.SocketChannel ch = listener.accept();
            ch.configureBlocking(false);
            accepted.add(ch);
        }

        @Override
        public void register(int from, int to) throws IOException {
            for (int i = from; i < to; i++) {
                keys.add(accepted.get(i).register(selector, java.nio.channels.SelectionKey.OP_READ));
            }
            selector.selectNow();
        }

        @Override
        public void cancel(int from, int to) throws IOException {
            for (int i = from; i < to; i++) {
                keys.get(i).cancel();
            }
            selector.selectNow();
        }

        @Override
        public void close() throws IOException {
            for (java.nio.channels.SocketChannel ch : accepted) {
                ch.close();
            }
            listener.close();
            selector.close();
        }
    }
}
