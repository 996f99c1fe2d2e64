package dev.nativesockets.bench;

import dev.nativesockets.Socket;
import dev.nativesockets.linux.ZeroCopy;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * 1 MiB TCP sends over 127.0.0.1 to a sink thread, with and without {@code MSG_ZEROCOPY}: an
 * operation sends 1 MiB (looping over partial sends); {@code zerocopy} sends from a
 * {@link ZeroCopy.Buffer} (the same buffer again while earlier sends are in flight, which leaves
 * it unchanged) and reads the completions after each 1 MiB. The C baseline is
 * {@code nsbench tcp_zerocopy}. Over loopback the kernel copies anyway (every completion says
 * copied): this measures the cost of the zero-copy machinery, not its gain on a NIC.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TcpZeroCopy extends JmhDefaults {
    public static final int SIZE = 1024 * 1024;

    @Param({"plain", "zerocopy"})
    public String impl;

    @Param({"same"})
    public String placement;

    private Pair pair;
    private Peer sink;
    private Socket socket;
    private Arena arena;
    private MemorySegment plain;
    private ZeroCopy zc;
    private ZeroCopy.Buffer buffer;

    @Setup(Level.Trial)
    public void open() throws IOException {
        Affinity.pinMain(placement);
        pair = Pair.tcp("nativesockets");
        socket = ((Endpoint.Ns) pair.client()).socket;
        sink = Peer.sink(pair.server(), TcpThroughput.CHUNK, placement);
        arena = Arena.ofShared();
        plain = arena.allocate(SIZE, 4096);
        plain.fill((byte) 'x');
        if (impl.equals("zerocopy")) {
            zc = ZeroCopy.enable(socket);
            buffer = zc.allocate(SIZE);
            buffer.segment().fill((byte) 'x');
        }
    }

    @Setup(Level.Iteration)
    public void pin() {
        Affinity.pinMain(placement);
    }

    @Benchmark
    public long send1m() throws IOException {
        long off = 0;
        if (zc == null) {
            while (off < SIZE) {
                off += socket.send(plain.asSlice(off, SIZE - off), 0);
            }
            return off;
        }
        while (off < SIZE) {
            try {
                off += zc.send(buffer, off, SIZE - off);
            } catch (IOException e) {
                // ENOBUFS: the socket's option memory holds too many pending completions; read them
                zc.readCompletions();
            }
        }
        zc.readCompletions();
        return off;
    }

    @TearDown(Level.Trial)
    public void close() {
        if (zc != null) {
            try {
                zc.awaitCompletions(java.time.Duration.ofSeconds(5));
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        sink.shutdown(pair.client());
        arena.close();
    }
}
