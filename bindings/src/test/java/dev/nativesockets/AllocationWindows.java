package dev.nativesockets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes a thread allocates over {@link #ROUNDS} rounds of a loop, once the JIT has settled:
 * after {@link #WARMUP} rounds, windows are measured until one comes in under the bound (at most
 * five), since on a loaded machine the optimizing compiler may finish only after the warm-up.
 * {@link HotPathTest} measures in its own JVM, {@link ReadinessHotPathChild} in a child's.
 *
 * @param best the smallest window
 * @param windows every window measured, for the log
 */
record AllocationWindows(long best, List<Long> windows) {
    static final int WARMUP = 30_000;
    static final int ROUNDS = 100_000;

    interface Round {
        void run() throws IOException;
    }

    static AllocationWindows measure(com.sun.management.ThreadMXBean mx, long bound, Round round) throws IOException {
        for (int i = 0; i < WARMUP; i++) {
            round.run();
        }
        long best = Long.MAX_VALUE;
        List<Long> windows = new ArrayList<>();
        for (int attempt = 0; attempt < 5 && best >= bound; attempt++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < ROUNDS; i++) {
                round.run();
            }
            long bytes = mx.getCurrentThreadAllocatedBytes() - before;
            windows.add(bytes);
            best = Math.min(best, bytes);
        }
        return new AllocationWindows(best, windows);
    }
}
