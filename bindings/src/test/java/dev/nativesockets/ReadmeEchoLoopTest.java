package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's event-loop echo server: the method between the markers below is the README's code,
 * character for character ({@link #theReadmeShowsThisCode} checks), and it is run here against 200
 * clients at once, then stopped by closing its loop.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadmeEchoLoopTest {
    private static final Path BINDINGS = Path.of(System.getProperty("user.dir"));

    // README:begin
    /** Echoes every connection of {@code server} on the calling thread, until {@code loop} is closed. */
    static void echo(Socket server, Readiness loop) throws IOException {
        server.setBlocking(false);
        loop.register(server, Readiness.READ, null);
        MemorySegment buf = Arena.ofAuto().allocate(64 * 1024);
        ReadyHandler handler = (r, ops) -> {
            if (r.socket() == server) {                                // connections to accept
                for (Socket c; (c = server.accept(true)) != null; ) {  // non-blocking: null when none is left
                    loop.register(c, Readiness.READ, null);
                }
                return;
            }
            Socket c = r.socket();
            try {
                int n = c.recv(buf);
                if (n == 0) {
                    c.close();                                         // end of stream; closing also deregisters
                } else if (n > 0) {
                    c.send(buf.asSlice(0, n));                         // a short echo fits the send buffer
                }
            } catch (IOException e) {                                  // reset by the peer, ...
                c.close();
            }
        };
        while (true) {
            loop.await(null, handler);                                 // epoll_wait / kevent; nothing allocated per event
        }
    }
    // README:end

    @Test
    void theReadmeShowsThisCode() throws IOException {
        String source = Files.readString(BINDINGS.resolve("src/test/java/dev/nativesockets/ReadmeEchoLoopTest.java"));
        String block = source.substring(source.indexOf("// README:begin\n") + "// README:begin\n".length(),
                source.indexOf("    // README:end"));
        StringBuilder unindented = new StringBuilder();
        for (String line : block.split("\n", -1)) {
            unindented.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
        }
        String readme = Files.readString(BINDINGS.resolveSibling("README.md"), StandardCharsets.UTF_8);
        String code = unindented.toString().stripTrailing() + "\n";
        assertTrue(readme.contains(code), "README.md must show ReadmeEchoLoopTest.echo exactly:\n" + code);
    }

    @Test
    void echoesTwoHundredClientsThenStopsWhenTheLoopCloses() throws Exception {
        var before = ReliabilityTestSupport.descriptorTable();
        try (Socket server = Socket.listen(new InetSocketAddress("127.0.0.1", 0), 4096);
                Readiness loop = Readiness.open()) {
            Net.Blocked serving = Net.Blocked.start("echo", () -> {
                echo(server, loop);
                return null;
            });
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Socket c = Socket.open(Domain.INET, Type.STREAM);
                c.connect(server.localAddress());
                clients.add(c);
            }
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < clients.size(); i++) {
                    clients.get(i).send(("client " + i + " round " + round).getBytes(StandardCharsets.UTF_8));
                }
                for (int i = 0; i < clients.size(); i++) {
                    byte[] want = ("client " + i + " round " + round).getBytes(StandardCharsets.UTF_8);
                    byte[] got = new byte[want.length];
                    assertEquals(want.length, clients.get(i).recv(got, 0, got.length, MsgFlags.WAITALL));
                    assertArrayEquals(want, got);
                }
            }
            for (Socket c : clients) {
                c.close();
            }
            while (loop.size() > 1) { // the server sees each end of stream and closes its side
                Thread.sleep(10);
            }
            loop.close();
            serving.join(10_000);
            assertTrue(serving.error instanceof ReadinessClosedException, "stopped by the close: " + serving.error);
        }
        ReliabilityTestSupport.assertAllClosedSince(before, "200 clients and the server closed");
    }
}
