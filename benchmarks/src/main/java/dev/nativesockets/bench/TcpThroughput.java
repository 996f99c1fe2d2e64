package dev.nativesockets.bench;

import java.io.IOException;
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
 * Bulk TCP over 127.0.0.1: one operation is one 64 KiB write (looping over partial sends); a sink
 * thread reads 64 KiB at a time and drops it. Writes per second; ×64 KiB gives bytes per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TcpThroughput extends JmhDefaults {
    public static final int CHUNK = 64 * 1024;

    @Param({"nativesockets", "confined", "raw", "ffm", "channel", "socket"})
    public String impl;

    @Param({"same"})
    public String placement;

    private Pair pair;
    private Peer sink;
    private Endpoint writer;

    @Setup(Level.Trial)
    public void open() throws IOException {
        Affinity.pinMain(placement);
        pair = Pair.tcp(impl);
        writer = pair.client();
        writer.confineToCurrentThread();
        sink = Peer.sink(pair.server(), CHUNK, placement);
    }

    @Setup(Level.Iteration)
    public void pin() {
        Affinity.pinMain(placement);
    }

    @Benchmark
    public void write64k() throws IOException {
        writer.sendFully(CHUNK);
    }

    @TearDown(Level.Trial)
    public void close() {
        sink.shutdown(writer);
    }
}
