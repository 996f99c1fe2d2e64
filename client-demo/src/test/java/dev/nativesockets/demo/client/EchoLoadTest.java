package dev.nativesockets.demo.client;

import dev.nativesockets.demo.DemoProcess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code client-demo.jar echo-load} against {@code server-demo.jar echo}, with misbehaving peers on the side. */
@Timeout(300)
class EchoLoadTest {
    static final Duration START = Duration.ofSeconds(30);

    private static long lines(String log, String prefix) {
        return log.lines().filter(l -> l.startsWith(prefix)).count();
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(60_000);
        return s;
    }

    /** A JDK client that sends {@code data}, half-closes, and checks that all of it comes back. */
    private static void halfCloser(int port, byte[] data) throws Exception {
        try (Socket s = connect(port)) {
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(data);
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = s.getInputStream().readAllBytes();
            sent.get(60, TimeUnit.SECONDS);
            assertArrayEquals(data, back);
        }
    }

    @Test
    void hundredVerifyingClientsWhileOthersResetHalfCloseAndNeverRead() throws Exception {
        try (DemoProcess server = DemoProcess.server("echo", "--port", "0")) {
            int port = server.awaitListening(START);
            AtomicBoolean loadRunning = new AtomicBoolean(true);
            ConcurrentLinkedQueue<Throwable> problems = new ConcurrentLinkedQueue<>();
            AtomicInteger sideConnections = new AtomicInteger();

            // never read: write until the server stops reading them, then sit there
            List<Socket> hogs = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Socket hog = connect(port);
                sideConnections.incrementAndGet();
                hogs.add(hog);
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        OutputStream out = hog.getOutputStream();
                        byte[] junk = new byte[64 * 1024];
                        while (true) {
                            out.write(junk);
                        }
                    } catch (IOException expected) {
                        // reset at the end of the test
                    }
                });
            }
            // reset mid-stream, over and over, while the load runs
            Thread resetter = Thread.ofPlatform().start(() -> {
                Random r = new Random(1);
                try {
                    while (loadRunning.get()) {
                        try (Socket s = connect(port)) {
                            sideConnections.incrementAndGet();
                            byte[] b = new byte[1 + r.nextInt(300_000)];
                            r.nextBytes(b);
                            s.getOutputStream().write(b);
                            s.getInputStream().readNBytes(r.nextInt(b.length));
                            s.setSoLinger(true, 0);
                        }
                    }
                } catch (Throwable t) {
                    problems.add(t);
                }
            });
            // half-close with all bytes echoed, over and over, while the load runs
            Thread halfClosers = Thread.ofPlatform().start(() -> {
                Random r = new Random(2);
                try {
                    while (loadRunning.get()) {
                        byte[] b = new byte[r.nextInt(500_000)];
                        r.nextBytes(b);
                        sideConnections.incrementAndGet();
                        halfCloser(port, b);
                    }
                } catch (Throwable t) {
                    problems.add(t);
                }
            });

            try (DemoProcess load = DemoProcess.client("echo-load", "--port", Integer.toString(port),
                    "--clients", "100", "--bytes", "1000000")) {
                assertEquals(0, load.exitCode(Duration.ofSeconds(240)), () -> load + "\nserver:\n" + server);
                assertTrue(Pattern.compile("^echo-load: 100/100 clients x 1000000 bytes to 127\\.0\\.0\\.1:" + port
                        + ": 100000000 bytes echoed and verified in [0-9.]+ s, [0-9.]+ MiB/s \\(connecting took [0-9.]+ s\\)$",
                        Pattern.MULTILINE)
                        .matcher(load.stdout()).find(), load::toString);
            } finally {
                loadRunning.set(false);
                resetter.join(60_000);
                halfClosers.join(60_000);
            }
            assertTrue(problems.isEmpty(), () -> problems + "\nserver:\n" + server);
            for (Socket hog : hogs) {
                hog.setSoLinger(true, 0);
                hog.close();
            }

            int connections = 100 + sideConnections.get();
            server.awaitStdout("disconnect ", connections, Duration.ofSeconds(30));
            String log = server.stdout();
            assertEquals(connections, lines(log, "connect    "), log);
            assertEquals(connections, lines(log, "disconnect "), log);
            assertTrue(log.contains("ECONNRESET"), log);
            assertTrue(server.isAlive(), server::toString);
            assertFalse(server.stderr().contains("Exception"), server::toString);
        }
    }

    @Test
    void echoLoadNoticesAServerThatGetsABytesWrong() throws Exception {
        try (DemoProcess py = FaultyEchoServer.start(12345)) {
            int port = py.awaitListening(START);
            try (DemoProcess load = DemoProcess.client("echo-load", "--port", Integer.toString(port),
                    "--clients", "1", "--bytes", "100000")) {
                assertEquals(1, load.exitCode(Duration.ofSeconds(60)), load::toString);
                assertTrue(load.stderr().contains("client 0: byte 12345: expected 0x"), load::toString);
                assertTrue(load.stdout().startsWith("echo-load: 0/1 clients"), load::toString);
            }
        }
    }
}
