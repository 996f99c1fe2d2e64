package dev.nativesockets.demo.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.demo.DemoProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A demo server at its descriptor limit ({@code prlimit --nofile}) meets {@code EMFILE} on accept:
 * it must pause accepting, say so once (not once per retry), keep serving, and accept again once
 * descriptors are free — not exit, as {@code vecho} did.
 */
@Timeout(180)
class AcceptBackOffTest {
    /** Enough for the JVM itself and a few dozen clients; the test opens more than that. */
    private static final int LIMIT = 96;
    private static final int CLIENTS = 150;

    @ParameterizedTest
    @ValueSource(strings = {"vecho", "echo"})
    void aServerOutOfDescriptorsBacksOffSaysSoOnceAndKeepsServing(String mode) throws Exception {
        DemoProcess.require("prlimit", "sets the server's descriptor limit");
        List<String> cmd = new ArrayList<>(List.of("prlimit", "--nofile=" + LIMIT + ":" + LIMIT, DemoProcess.java(),
                "-jar", System.getProperty("demo.server.jar"), mode, "--port", "0"));
        if (mode.equals("echo")) {
            cmd.addAll(List.of("--loop", "poll"));
        }
        try (DemoProcess server = DemoProcess.start(cmd.toArray(String[]::new))) {
            int port = server.awaitListening(Duration.ofSeconds(30));
            InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            List<Socket> clients = new ArrayList<>();
            try {
                // one client served before the limit: a server that is already running when it
                // runs out (its first echo also starts what the server needs to park virtual threads)
                Socket before = new Socket();
                before.connect(at, 30_000);
                before.setSoTimeout(30_000);
                clients.add(before);
                Thread.sleep(300);
                echo(before, "before the limit".getBytes());
                for (int i = 1; i < CLIENTS; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(at, 2_000); // queued in the backlog even when not accepted
                    } catch (IOException full) {
                        s.close();
                        break;
                    }
                    clients.add(s);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!log(server).contains("EMFILE") && System.nanoTime() - deadline < 0) {
                    Thread.sleep(50);
                }
                assertTrue(log(server).contains("EMFILE"), "never reached its limit with " + clients.size() + " clients\n" + server);
                Thread.sleep(1_500); // still at the limit: fifteen back-offs
                assertTrue(server.process.isAlive(), "the server exited at its descriptor limit\n" + server);
                try (Socket first = clients.get(0)) {
                    first.setSoTimeout(30_000);
                    echo(first, "served while at the limit".getBytes()); // accepted before the limit
                }
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
            // descriptors free again: a new client is accepted and echoed
            try (Socket fresh = new Socket()) {
                fresh.connect(at, 30_000);
                fresh.setSoTimeout(30_000);
                echo(fresh, "after the shortage".getBytes());
            }
            String log = log(server);
            long said = log.lines().filter(l -> l.contains("EMFILE")).count();
            assertTrue(said >= 1 && said <= 3, "EMFILE said " + said + " times, not once per episode:\n" + log);
            assertTrue(server.process.isAlive(), server::toString);
        }
    }

    private static String log(DemoProcess server) {
        return server.stdout() + server.stderr();
    }

    private static void echo(Socket s, byte[] data) throws Exception {
        s.getOutputStream().write(data);
        assertArrayEquals(data, s.getInputStream().readNBytes(data.length));
    }
}
