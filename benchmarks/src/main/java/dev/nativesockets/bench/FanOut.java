package dev.nativesockets.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One fan-out server of the {@code fan_out} workload (issue 21), as a process of its own: it
 * accepts N connections; every byte received on any of them is a "go", on which it sends one
 * 64-byte message to each of the N connections; then it waits for the next go. The load
 * generator ({@code nsbench fan_out}, another process) reads and checks every message and sends
 * the next go only once the round is whole, so rounds never overlap and the server's send side is
 * what is measured. The same stdin protocol as {@link EchoLoop} ({@code stats} answered with
 * {@code stats BYTES_SENT BYTES_ALLOCATED}); the process ends when the generator goes away or at
 * EOF on stdin.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar dev.nativesockets.bench.FanOut nativesockets|uring N [PORT]</pre>
 */
public final class FanOut {
    private FanOut() {}

    static final int MESSAGE = 64;
    /** Every byte of the message (nsbench's FAN_BYTE): the generator checks each one. */
    static final byte BYTE = 'f';

    static EchoLoop.Server create(String impl, int conns) {
        return switch (impl) {
            case "nativesockets" -> new NsFanOutServer(conns);
            case "uring" -> new UringFanOutServer(conns);
            default -> throw new IllegalArgumentException("impl must be nativesockets or uring: " + impl);
        };
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: FanOut nativesockets|uring N [PORT]");
            System.exit(2);
        }
        int conns = Integer.parseInt(args[1]);
        if (conns < 1) {
            throw new IllegalArgumentException("N must be positive: " + conns);
        }
        EchoLoop.serve(create(args[0], conns),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), args.length > 2 ? Integer.parseInt(args[2]) : 0));
    }
}
