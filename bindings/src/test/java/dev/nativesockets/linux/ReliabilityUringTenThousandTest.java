package dev.nativesockets.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.Socket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One thread, one {@link Uring}, 10,000 TCP connections held at once by a python3 client process
 * ({@code echo-clients.py}, as for the readiness loop): multishot accept, a multishot receive per
 * connection into one shared 1,024-buffer ring (which runs out and is re-armed), sends from a
 * per-connection staging buffer. Every byte comes back as sent; no descriptor is left behind.
 */
@Tag("reliability")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ReliabilityUringTenThousandTest {
    private static final int CONNECTIONS = 10_000;
    private static final int ROUNDS = 3;

    /** A connection: its socket and the bytes received but not yet sent back. */
    static final class Conn {
        final Socket socket;
        final UringBuffer out;
        int from, to;       // [from, to) awaits sending; a send in flight covers [from, sendingTo)
        int sendingTo = -1;

        Conn(Socket socket, UringBuffer out) {
            this.socket = socket;
            this.out = out;
        }
    }

    static final class Server implements UringHandler {
        final Uring ring;
        final Socket listener;
        final BufferRing buffers;
        Conn[] conns = new Conn[CONNECTIONS + 1];
        int accepted, open, peak, errors;
        long echoed;

        Server(Uring ring, Socket listener) throws IOException {
            this.ring = ring;
            this.listener = listener;
            this.buffers = ring.bufferRing(1024, 2048);
        }

        @Override
        public void onCompletion(UringCompletion c) {
            try {
                if (c.tag() == 0) {
                    if (c.result() >= 0) {
                        Conn conn = new Conn(c.takeAccepted(), ring.allocate(16 * 1024));
                        conns[++accepted] = conn;
                        peak = Math.max(peak, ++open);
                        ring.recvMultishot(conn.socket, buffers, accepted);
                    } else {
                        errors++;
                    }
                    if (!c.more()) {
                        ring.acceptMultishot(listener, 0);
                    }
                    return;
                }
                Conn conn = conns[(int) c.tag()];
                if (c.op() == UringOp.SEND) {
                    if (c.result() < 0) {
                        errors++;
                        return;
                    }
                    conn.from += c.result();
                    conn.sendingTo = -1;
                    if (conn.from == conn.to) {
                        conn.from = conn.to = 0;
                    }
                    flush(conn, c.tag());
                    return;
                }
                if (c.result() > 0) {
                    if (conn.to + c.result() > conn.out.size()) {
                        fail("staging overflow on connection " + c.tag());
                    }
                    MemorySegment.copy(c.bufferRing().segment(), c.bufferOffset(), conn.out.segment(), conn.to, c.result());
                    conn.to += c.result();
                    echoed += c.result();
                    flush(conn, c.tag());
                } else if (!c.more()) {
                    if (c.result() < 0) {
                        errors++;
                    }
                    conn.socket.close();
                    open--;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private void flush(Conn conn, long tag) throws IOException {
            if (conn.sendingTo < 0 && conn.from < conn.to && !conn.socket.isClosed()) {
                conn.sendingTo = conn.to;
                ring.send(conn.socket, conn.out, conn.from, conn.to - conn.from, tag);
            }
        }
    }

    static long myDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void oneRingEchoesEveryByteForTenThousandConnectionsOfAnotherProcess() throws Exception {
        UringTestSupport.assumeRing();
        Path script = Path.of(ReliabilityUringTenThousandTest.class.getResource("/dev/nativesockets/echo-clients.py").toURI());
        assumeTrue(Files.exists(script), "echo-clients.py is needed");
        System.gc();
        Thread.sleep(200);
        long before = myDescriptors();
        Server server;
        String output;
        int exit;
        long started = System.nanoTime();
        try (Socket listener = Socket.listen(new InetSocketAddress("127.0.0.1", 0), 4096);
             Uring ring = Uring.open(4096)) {
            server = new Server(ring, listener);
            ring.acceptMultishot(listener, 0);
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            Process client;
            try {
                client = new ProcessBuilder("python3", script.toString(), "127.0.0.1", String.valueOf(port),
                        String.valueOf(CONNECTIONS), String.valueOf(ROUNDS)).redirectErrorStream(true).start();
            } catch (IOException e) {
                assumeTrue(false, "python3 is needed for the client process: " + e);
                return;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (client.isAlive() || server.open > 0 || server.accepted == 0) {
                ring.await(1, Duration.ofMillis(200), server);
                if (System.nanoTime() > deadline) {
                    client.destroyForcibly();
                    fail("not done in 120 s: " + server.accepted + " accepted, " + server.open + " open, "
                            + server.echoed + " bytes; client: "
                            + new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            exit = client.waitFor();
            output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            System.out.println("ReliabilityUringTenThousandTest: " + output + "; server: peak " + server.peak
                    + " open, " + server.echoed + " bytes, " + server.errors + " errors, buffer shortages re-armed "
                    + server.buffers.shortages() + ", CQ overflow flushes " + ring.overflowFlushes() + ", "
                    + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s");
        }
        assertEquals(0, exit, output);
        assertTrue(output.startsWith("OK connections=" + CONNECTIONS), output);
        assertEquals(CONNECTIONS, server.accepted);
        assertEquals(CONNECTIONS, server.peak, "all connections open at once");
        assertEquals(0, server.errors);
        long clientBytes = Long.parseLong(output.substring(output.indexOf("bytes=") + 6).trim());
        assertEquals(clientBytes, server.echoed, "every byte the client got back was echoed once");
        long after = myDescriptors();
        for (int i = 0; i < 50 && after > before; i++) {
            System.gc();
            Thread.sleep(100);
            after = myDescriptors();
        }
        assertTrue(after <= before, "descriptors before " + before + ", after " + after);
    }
}
