package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 17's proof: a server with one virtual thread per connection, in a JVM whose scheduler has
 * one carrier and may not add any ({@code jdk.virtualThreadScheduler.parallelism=1},
 * {@code maxPoolSize=1}), holds 10,000 connections whose threads all sit in a blocking
 * {@code recv}, still accepts a new client and serves it at once, then echoes every one; its OS
 * thread count stays flat; and a JFR recording of the run has no {@code jdk.VirtualThreadPinned}
 * event with a frame of the library. The clients are in this JVM (the per-process descriptor
 * limit is 20,000 here).
 */
@Tag("reliability")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class VirtualThreadScaleTest {
    static final int CONNECTIONS = Integer.getInteger("vthread.connections", 10_000);

    @Test
    void tenThousandThreadsBlockedInRecvOnOneCarrierAreAllServed() throws Exception {
        Path dir = Files.createTempDirectory("ns-vthreads");
        Path jfr = dir.resolve("run.jfr");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Path.of(Socket.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + File.pathSeparator
                + Path.of(VirtualEchoChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1",
                "-XX:StartFlightRecording:filename=" + jfr + ",dumponexit=true,jdk.VirtualThreadPinned#threshold=0ms",
                "-cp", cp, VirtualEchoChild.class.getName())
                .redirectError(dir.resolve("child.err").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
        PrintStream cmd = new PrintStream(child.getOutputStream(), true);
        List<Socket> clients = new ArrayList<>(CONNECTIONS);
        try {
            String first = line(out);
            assertTrue(first.startsWith("PORT "), first + " / " + Files.readString(dir.resolve("child.err")));
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(first.substring(5)));
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket c = Socket.open(Domain.INET, Type.STREAM);
                clients.add(c);
                c.connect(server);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int accepted;
            do {
                cmd.println("count");
                accepted = Integer.parseInt(line(out).substring("ACCEPTED ".length()));
                if (accepted < CONNECTIONS) {
                    Thread.sleep(50);
                }
            } while (accepted < CONNECTIONS && System.nanoTime() < deadline);
            assertEquals(CONNECTIONS, accepted, "connections accepted while the others sit in recv");

            // every thread is in recv now; a new client is served at once
            try (Socket late = Socket.open(Domain.INET, Type.STREAM)) {
                late.connect(server);
                late.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(30));
                late.sendAll("new".getBytes());
                assertEquals("new", new String(Net.readN(late, 3)));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.get(i).send(new byte[] {(byte) i});
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket c = clients.get(i);
                c.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(30));
                assertEquals((byte) i, Net.readN(c, 1)[0], "echo of client " + i);
            }
            cmd.println("threads");
            String threads = line(out);
            long osThreads = Long.parseLong(threads.substring("THREADS ".length()));
            System.out.println("[vthreads] " + CONNECTIONS + " connections on one carrier; OS threads in the server: " + osThreads);
            assertTrue(osThreads < 100, "an OS thread per connection? " + threads);
        } finally {
            clients.forEach(Socket::close);
            cmd.close();
            child.waitFor(60, TimeUnit.SECONDS);
            child.destroyForcibly();
            out.close(); // the pipe now, not when a Cleaner gets to it during a later test
            child.getErrorStream().close();
        }
        List<String> pinnedInLibrary = new ArrayList<>();
        int pinned = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (!e.getEventType().getName().equals("jdk.VirtualThreadPinned")) {
                continue;
            }
            pinned++;
            if (e.getStackTrace() != null) {
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    if (f.getMethod().getType().getName().startsWith("dev.nativesockets")) {
                        pinnedInLibrary.add(e.toString());
                        break;
                    }
                }
            }
        }
        System.out.println("[vthreads] jdk.VirtualThreadPinned events: " + pinned + ", with a library frame: " + pinnedInLibrary.size());
        assertTrue(pinnedInLibrary.isEmpty(), "pinned in the library: " + pinnedInLibrary);
    }

    /** The server's next answer; the JVM's own log lines (JFR's start-up notes) are skipped. */
    private static String line(BufferedReader out) throws IOException {
        for (;;) {
            String l = out.readLine();
            if (l == null) {
                throw new IOException("the server process ended");
            }
            if (!l.startsWith("[")) {
                return l;
            }
        }
    }
}
