package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One thread, one {@link Readiness} loop, 10,000 TCP connections held open at once by a client
 * process of its own ({@code echo-clients.py}, python3): every connection sends a message of its
 * own in each of three rounds and the client checks that every byte comes back as sent. The server
 * counts the peak of open connections and every byte it echoed; its descriptors are counted
 * before and after.
 */
@Tag("reliability")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ReliabilityTenThousandTest {
    private static final int CONNECTIONS = 10_000;
    private static final int ROUNDS = 3;

    /** A connection's echo that did not fit in the send buffer, kept until writable. */
    static final class Backlog {
        MemorySegment bytes;
        long from;
        long to;
    }

    /** The whole server: accepts, reads, echoes; runs on the thread that waits. */
    static final class EchoServer implements ReadyHandler {
        final Socket listener;
        final Readiness loop;
        final MemorySegment buf = Arena.ofAuto().allocate(64 * 1024);
        long echoed;
        int open;
        int peak;
        int accepted;
        int errors;

        EchoServer(Socket listener, Readiness loop) {
            this.listener = listener;
            this.loop = loop;
        }

        @Override
        public void ready(Registration r, int ops) throws IOException {
            if (r.socket() == listener) {
                Socket c;
                while ((c = listener.accept(true)) != null) {
                    loop.register(c, Readiness.READ, new Backlog());
                    accepted++;
                    peak = Math.max(peak, ++open);
                }
                return;
            }
            Socket c = r.socket();
            Backlog b = (Backlog) r.attachment();
            try {
                if (b.from < b.to) { // writable again: finish the old echo first
                    if (!flush(c, b)) {
                        return;
                    }
                    r.interest(Readiness.READ);
                }
                for (;;) {
                    int n = c.recv(buf);
                    if (n == Socket.WOULD_BLOCK) {
                        return;
                    }
                    if (n == 0) {
                        c.close(); // also ends the registration
                        open--;
                        return;
                    }
                    echoed += n;
                    int w = c.send(buf.asSlice(0, n));
                    int sent = w == Socket.WOULD_BLOCK ? 0 : w;
                    if (sent < n) {
                        b.bytes = Arena.ofAuto().allocate(n - sent);
                        b.bytes.copyFrom(buf.asSlice(sent, n - sent));
                        b.from = 0;
                        b.to = n - sent;
                        r.interest(Readiness.WRITE); // stop reading until the peer takes its echo
                        return;
                    }
                }
            } catch (IOException e) {
                errors++;
                c.close();
                open--;
            }
        }

        private static boolean flush(Socket c, Backlog b) throws IOException {
            int w = c.send(b.bytes.asSlice(b.from, b.to - b.from));
            if (w > 0) {
                b.from += w;
            }
            return b.from == b.to;
        }
    }

    private static boolean python3Runs() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void oneThreadEchoesEveryByteForTenThousandConnectionsOfAnotherProcess() throws Exception {
        assumeTrue(python3Runs(), "python3 is needed for the client process");
        Path script = script();
        int before = ReliabilityTestSupport.openDescriptors();
        long started = System.nanoTime();
        EchoServer server;
        String output;
        int exit;
        try (Socket listener = Socket.listen(new InetSocketAddress("127.0.0.1", 0), 4096);
                Readiness loop = Readiness.open()) {
            listener.setBlocking(false);
            loop.register(listener, Readiness.READ, "listener");
            server = new EchoServer(listener, loop);
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            Process client = new ProcessBuilder("python3", script.toString(), "127.0.0.1", String.valueOf(port),
                    String.valueOf(CONNECTIONS), String.valueOf(ROUNDS)).redirectErrorStream(true).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            Duration slice = Duration.ofMillis(200);
            // serve until the client is done and every one of its connections is closed
            while (client.isAlive() || loop.size() > 1) {
                loop.await(slice, server);
                if (System.nanoTime() > deadline) {
                    client.destroyForcibly();
                    fail("not done in 120 s: " + server.accepted + " accepted, " + server.open + " open, "
                            + server.echoed + " bytes echoed; client says: "
                            + new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            exit = client.waitFor();
            output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        System.out.println("ReliabilityTenThousandTest: " + output + "; server: peak " + server.peak + " open, "
                + server.echoed + " bytes echoed, " + server.errors + " errors, " + seconds + " s");
        assertEquals(0, exit, output);
        assertTrue(output.startsWith("OK connections=" + CONNECTIONS), output);
        assertEquals(CONNECTIONS, server.accepted);
        assertEquals(CONNECTIONS, server.peak, "all connections open at once");
        assertEquals(0, server.errors);
        assertEquals(0, server.open);
        long clientBytes = Long.parseLong(output.substring(output.indexOf("bytes=") + 6).trim());
        assertEquals(clientBytes, server.echoed, "every byte the client got back was echoed once");
        assertEquals(before, ReliabilityTestSupport.openDescriptors(), "descriptors before and after");
    }

    private static Path script() throws URISyntaxException {
        return Path.of(ReliabilityTenThousandTest.class.getResource("echo-clients.py").toURI());
    }
}
