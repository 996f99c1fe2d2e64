package dev.nativesockets.demo.server;

import dev.nativesockets.demo.DemoProcess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code server-demo.jar echo} as a process, with JDK sockets as its clients; every test against
 * each loop: select(2), poll(2), and the platform's readiness set (epoll on Linux, kqueue on macOS).
 */
@Timeout(180)
class EchoServerTest {
    private DemoProcess server;
    private int port;

    /** The loops of this platform: select and poll everywhere, and epoll or kqueue. */
    static List<String> loops() {
        String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
        return os.contains("linux") ? List.of("select", "poll", "epoll", "uring") : List.of("select", "poll", "kqueue");
    }

    private void start(String loop) throws Exception {
        server = DemoProcess.server("echo", "--port", "0", "--loop", loop);
        port = server.awaitListening(Duration.ofSeconds(30));
        if (loop.equals("uring") && server.stderr().contains("--loop uring: io_uring unavailable")) {
            System.err.println("NOTE: io_uring unavailable here; the uring cases ran on the epoll fallback: " + server.stderr());
            return;
        }
        assertTrue(server.stderr().contains(loop.equals("select") ? "select(2)" : loop.equals("poll") ? "poll(2)"
                : loop.equals("uring") ? "io_uring (Uring)" : loop + " (Readiness)"), server::toString);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(30_000);
        return s;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Sends {@code data} from another thread while reading the echo; then half-closes and expects EOF. */
    static void verifiedEcho(Socket s, byte[] data) throws Exception {
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = s.getOutputStream();
                for (int off = 0; off < data.length; off += 10_000) {
                    out.write(data, off, Math.min(10_000, data.length - off));
                }
                s.shutdownOutput();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        byte[] back = s.getInputStream().readAllBytes();
        sent.get(30, TimeUnit.SECONDS);
        assertArrayEquals(data, back);
    }

    private static long lines(String log, String prefix) {
        return log.lines().filter(l -> l.startsWith(prefix)).count();
    }

    @ParameterizedTest
    @MethodSource("loops")
    void halfCloseGetsEverythingBackThenEndOfStream(String loop) throws Exception {
        start(loop);
        try (Socket s = connect()) {
            verifiedEcho(s, random(3_000_000, 1));
        }
        server.awaitStdout("disconnect ", 1, Duration.ofSeconds(20));
        String log = server.stdout();
        assertEquals(1, lines(log, "connect    127.0.0.1:"), log);
        assertTrue(log.contains("end of stream from peer, all 3000000 bytes echoed (0 clients)"), log);
    }

    @ParameterizedTest
    @MethodSource("loops")
    void aClientThatNeverReadsStallsNobodyElse(String loop) throws Exception {
        start(loop);
        try (Socket hog = connect()) {
            // the hog writes until every buffer on the way is full and its write blocks for good
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    OutputStream out = hog.getOutputStream();
                    byte[] junk = new byte[64 * 1024];
                    for (int i = 0; i < 1000; i++) {
                        out.write(junk);
                    }
                } catch (IOException expected) {
                    // reset by the test at the end
                }
            });
            writer.join(2000);
            assertTrue(writer.isAlive(), "the hog's writes should block: the server must stop reading it");
            for (int i = 0; i < 5; i++) {
                try (Socket s = connect()) {
                    verifiedEcho(s, random(500_000, i));
                }
            }
            hog.setSoLinger(true, 0);
        }
        server.awaitStdout("disconnect ", 6, Duration.ofSeconds(20));
        String log = server.stdout();
        assertEquals(6, lines(log, "connect    "), log);
        assertEquals(6, lines(log, "disconnect "), log);
        assertTrue(server.isAlive());
    }

    @ParameterizedTest
    @MethodSource("loops")
    void resetsAreLoggedAndSurvived(String loop) throws Exception {
        start(loop);
        for (int i = 0; i < 10; i++) {
            try (Socket s = connect()) {
                s.getOutputStream().write(random(200_000, i));
                if (i % 2 == 0) {
                    s.getInputStream().readNBytes(1000);
                }
                s.setSoLinger(true, 0);
            }
        }
        try (Socket s = connect()) {
            verifiedEcho(s, random(100_000, 99));
        }
        server.awaitStdout("disconnect ", 11, Duration.ofSeconds(20));
        String log = server.stdout();
        assertEquals(11, lines(log, "connect    "), log);
        assertEquals(11, lines(log, "disconnect "), log);
        assertTrue(log.contains("ECONNRESET"), log);
        assertFalse(server.stderr().contains("Exception"), server::toString);
    }

    /**
     * More connections than FD_SETSIZE: select(2) cannot watch the later ones, so that loop closes
     * them at once and goes on; poll and epoll/kqueue have no such limit and serve every one.
     */
    @ParameterizedTest
    @MethodSource("loops")
    void connectionsBeyondFdSetSize(String loop) throws Exception {
        start(loop);
        boolean select = loop.equals("select");
        int total = 1100; // more than FD_SETSIZE (1024) descriptors in the server
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < total; i++) {
                try {
                    clients.add(connect());
                } catch (java.net.SocketException e) {
                    boolean ownLimit = String.valueOf(e.getMessage()).contains("Too many open files");
                    if (ownLimit) {
                        System.err.println("SKIPPED: this test JVM cannot open " + total + " sockets: " + e.getMessage());
                    }
                    assumeTrue(!ownLimit, "this test JVM cannot open " + total + " sockets");
                    throw e;
                }
            }
            // each connection is logged as connect or rejected (or, if the server's descriptor limit
            // is at 1024 or below, refused by accept with EMFILE)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String log = server.stdout();
            while (lines(log, "connect    ") + lines(log, "rejected   ") < total && System.nanoTime() - deadline < 0) {
                if (log.contains("EMFILE")) {
                    break;
                }
                Thread.sleep(50);
                log = server.stdout();
            }
            if (log.contains("EMFILE")) {
                System.err.println("SKIPPED: the echo server's descriptor limit is below FD_SETSIZE here");
            }
            assumeTrue(!log.contains("EMFILE"), "the server's descriptor limit is below FD_SETSIZE here: cannot test");
            long rejected = lines(log, "rejected   ");
            assertEquals(total, lines(log, "connect    ") + rejected, log);
            Socket last = clients.get(total - 1);
            if (select) {
                assertTrue(rejected > 0, log);
                assertTrue(log.contains(">= FD_SETSIZE (1024)"), log);
                // a rejected connection is closed: its client reads end of stream
                assertEquals(-1, last.getInputStream().read());
            } else {
                assertEquals(0, rejected, log);
                // every connection is served, the last (descriptor > FD_SETSIZE in the server) and the first alike
                for (Socket s : List.of(clients.get(0), last)) {
                    s.getOutputStream().write(new byte[] {'z', 7});
                    assertEquals('z', s.getInputStream().read());
                    assertEquals(7, s.getInputStream().read());
                }
            }
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
        assertTrue(server.isAlive(), server::toString);
        try (Socket s = connect()) {
            verifiedEcho(s, random(100_000, 7));
        }
    }

    @ParameterizedTest
    @MethodSource("loops")
    void oneLinePerConnectAndDisconnect(String loop) throws Exception {
        start(loop);
        try (Socket a = connect(); Socket b = connect()) {
            a.getOutputStream().write('x');
            assertEquals('x', a.getInputStream().read());
            b.getOutputStream().write('y');
            assertEquals('y', b.getInputStream().read());
        }
        server.awaitStdout("disconnect ", 2, Duration.ofSeconds(20));
        List<String> lines = server.stdout().lines().toList();
        assertEquals(4, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches("connect    127\\.0\\.0\\.1:\\d+ \\(fd \\d+, 1 client\\)"), lines::toString);
        assertTrue(lines.get(1).matches("connect    127\\.0\\.0\\.1:\\d+ \\(fd \\d+, 2 clients\\)"), lines::toString);
        assertTrue(lines.get(3).startsWith("disconnect 127.0.0.1:"), lines::toString);
        assertTrue(lines.get(3).endsWith("(0 clients)"), lines::toString);
    }

    @Test
    void aLoopThePlatformLacksIsAUsageError() throws Exception {
        String other = loops().get(2).equals("epoll") ? "kqueue" : "epoll";
        try (DemoProcess p = DemoProcess.server("echo", "--port", "0", "--loop", other)) {
            assertEquals(2, p.exitCode(Duration.ofSeconds(30)), p::toString);
            assertTrue(p.stderr().contains("--loop " + other + " is not available on this platform"), p::toString);
        }
        try (DemoProcess p = DemoProcess.server("echo", "--port", "0", "--loop", "iouring")) {
            assertEquals(2, p.exitCode(Duration.ofSeconds(30)), p::toString);
            assertTrue(p.stderr().contains("--loop must be epoll, kqueue, poll, select or uring"), p::toString);
        }
    }

    /** Where io_uring is switched off, {@code --loop uring} says why in one line and serves on epoll. */
    @Test
    void uringFallsBackToEpollSayingWhy() throws Exception {
        java.nio.file.Path sysctl = java.nio.file.Path.of("/proc/sys/kernel/io_uring_disabled");
        assumeTrue(java.nio.file.Files.exists(sysctl), "no sysctl kernel.io_uring_disabled on this kernel");
        String old = java.nio.file.Files.readString(sysctl).strip();
        try {
            try {
                java.nio.file.Files.writeString(sysctl, "2");
            } catch (IOException e) {
                System.err.println("SKIPPED: cannot write kernel.io_uring_disabled: " + e);
                assumeTrue(false, "cannot write kernel.io_uring_disabled: " + e);
            }
            server = DemoProcess.server("echo", "--port", "0", "--loop", "uring");
            port = server.awaitListening(Duration.ofSeconds(30));
        } finally {
            java.nio.file.Files.writeString(sysctl, old);
        }
        String err = server.stderr();
        assertEquals(1, err.lines().filter(l -> l.contains("--loop uring:")).count(), err);
        assertTrue(err.contains("kernel.io_uring_disabled=2") && err.contains("using epoll instead"), err);
        assertTrue(err.contains("epoll (Readiness)"), err);
        try (Socket s = connect()) {
            verifiedEcho(s, random(100_000, 3));
        }
    }
}
