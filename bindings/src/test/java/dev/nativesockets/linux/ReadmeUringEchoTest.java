package dev.nativesockets.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.Domain;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's io_uring echo server: the method between the markers is the README's code, character
 * for character ({@link #theReadmeShowsThisCode}), run here against 100 clients.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadmeUringEchoTest {
    private static final Path README = Path.of(System.getProperty("user.dir")).resolve("../README.md");

    // README:begin
    /** Echoes every connection of {@code server} on {@code ring} (this thread's), while {@code running}. */
    static void echo(Socket server, Uring ring, BooleanSupplier running) throws IOException {
        BufferRing buffers = ring.bufferRing(1024, 4096);              // the kernel picks one per arrival
        List<Socket> conns = new ArrayList<>();                         // tag i + 1: connection i
        List<UringBuffer> outs = new ArrayList<>();
        ring.acceptMultishot(server, 0);                                // tag 0: new connections
        UringHandler handler = c -> {
            try {
                if (c.tag() == 0) {
                    if (c.result() >= 0) {
                        conns.add(c.takeAccepted());                    // not taken, the ring would close it
                        outs.add(ring.allocate(4096));
                        ring.recvMultishot(conns.getLast(), buffers, conns.size());
                    }
                    if (!c.more()) {
                        ring.acceptMultishot(server, 0);                // ended (error): arm again
                    }
                    return;
                }
                if (c.op() != UringOp.RECV) {
                    return;                                             // a send completed
                }
                Socket s = conns.get((int) c.tag() - 1);
                if (c.result() > 0) {                                   // copy out: the buffer goes back after us
                    UringBuffer out = outs.get((int) c.tag() - 1);
                    if (out.inFlight() > 0) {
                        out = ring.allocate(4096);                      // the last echo is still being sent
                    }
                    MemorySegment.copy(c.bufferRing().segment(), c.bufferOffset(), out.segment(), 0, c.result());
                    ring.send(s, out, 0, c.result(), c.tag());
                } else if (!c.more()) {
                    s.close();                                          // end of stream or error
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        while (running.getAsBoolean()) {
            ring.await(1, Duration.ofMillis(100), handler);             // io_uring_enter: submit and wait
        }
    }
    // README:end

    @Test
    void echoesOneHundredClients() throws Exception {
        UringTestSupport.assumeRing();
        AtomicBoolean running = new AtomicBoolean(true);
        try (Socket server = Socket.listen(new InetSocketAddress("127.0.0.1", 0), 256)) {
            CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
                try (Uring ring = Uring.open(256)) {                   // a ring belongs to the thread that opened it
                    echo(server, ring, running::get);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    Socket c = Socket.open(Domain.INET, Type.STREAM);
                    clients.add(c);
                    c.connect(server.localAddress());
                }
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < clients.size(); i++) {
                        clients.get(i).send(("hello " + i + " " + round).getBytes(StandardCharsets.UTF_8));
                    }
                    for (int i = 0; i < clients.size(); i++) {
                        byte[] want = ("hello " + i + " " + round).getBytes(StandardCharsets.UTF_8);
                        assertArrayEquals(want, UringTestSupportRead.readN(clients.get(i), want.length));
                    }
                }
            } finally {
                for (Socket c : clients) {
                    c.close();
                }
                running.set(false);
            }
            loop.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theReadmeShowsThisCode() throws IOException {
        String me = Files.readString(Path.of(System.getProperty("user.dir"))
                .resolve("src/test/java/dev/nativesockets/linux/ReadmeUringEchoTest.java"));
        String code = me.substring(me.indexOf("// README:begin\n") + "// README:begin\n".length(), me.indexOf("    // README:end"));
        StringBuilder unindented = new StringBuilder();
        for (String line : code.split("\n", -1)) {
            unindented.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
        }
        String readme = Files.readString(README);
        assertTrue(readme.contains(unindented.toString().stripTrailing()), "README.md must show the ring echo of this test:\n" + unindented);
    }
}
