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
 * What the round-trip benchmarks ({@link TcpPingPong}, {@link UdpPingPong}, {@link UnixPingPong})
 * share: time per round trip, the placement of the two threads, and the {@link RoundTrips} run. A
 * subclass names its implementations and sizes as JMH parameters and how to open its pair; JMH
 * generates each subclass as its own benchmark ({@code TcpPingPong.roundTrip}, ...).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public abstract class PingPong extends JmhDefaults {
    @Param({"same"})
    public String placement;

    private RoundTrips run;

    /** Opens this workload's pair through its {@code impl} and starts the echo: {@code RoundTrips.start(...)}. */
    abstract RoundTrips start() throws IOException;

    @Setup(Level.Trial)
    public void open() throws IOException {
        run = start();
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
