package dev.nativesockets.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * UDP round trip between two connected sockets on 127.0.0.1: send a datagram of {@code size} bytes, an echo thread sends
 * it back, receive it. Time per round trip. Both ends use the same
 * implementation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class UdpPingPong {
    @Param({"nativesockets", "confined", "raw", "ffm", "channel", "socket"})
    public String impl;

    @Param({"64"})
    public int size;

    @Param({"same"})
    public String placement;

    private RoundTrips run;

    @Setup(Level.Trial)
    public void open() throws IOException {
        run = RoundTrips.start(Pair::udp, impl, size, placement);
    }

    @Setup(Level.Iteration)
    public void pin() {
        Affinity.pinMain(placement);
    }

    @Benchmark
    public void roundTrip() throws IOException {
        run.once();
    }

    @TearDown(Level.Trial)
    public void close() {
        run.stop();
    }
}
