package dev.nativesockets.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Bytes allocated per operation by the {@code nativesockets} implementation, counted exactly: the
 * JVM's per-thread allocation counters ({@code com.sun.management.ThreadMXBean}) summed over every
 * thread (the measuring thread and its echo or sink peer), read before and after a fixed number of
 * operations, after a warm-up. JMH's {@code -prof gc} figure also divides the harness's own
 * per-iteration garbage by the operation count, which puts a few B/op on microsecond-long
 * operations of every implementation; this count has no harness in it.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar dev.nativesockets.bench.AllocCheck [IMPL]</pre>
 */
public final class AllocCheck {
    private AllocCheck() {}

    static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static long allocatedEverywhere() {
        long sum = 0;
        for (long b : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
            if (b > 0) {
                sum += b;
            }
        }
        return sum;
    }

    /** Bytes per operation over {@code ops} operations, after {@code ops} warm-up operations. */
    static double perOp(Paired.Running r, int ops) throws Exception {
        for (int i = 0; i < ops; i++) {
            r.op();
        }
        long before = allocatedEverywhere();
        for (int i = 0; i < ops; i++) {
            r.op();
        }
        long after = allocatedEverywhere();
        // the counters themselves allocate a long[] and an id array per reading: subtract one reading's worth
        long overhead = allocatedEverywhere() - after;
        return Math.max(0, after - before - overhead) / (double) ops;
    }

    public static void main(String[] args) throws Exception {
        String impl = args.length > 0 ? args[0] : "nativesockets";
        Affinity.pin(Affinity.CPU_A);
        for (Paired.Workload w : Paired.workloads()) {
            if (!w.impls().contains(impl)) {
                continue;
            }
            Paired.Running r = w.opener().open(impl);
            try {
                int ops = w.id().equals("connect_accept") ? 20_000 : 50_000;
                System.out.printf(Locale.ROOT, "alloc %s %s %.3f%n", w.id(), impl, perOp(r, ops) / w.opsPerCall());
            } finally {
                r.close();
            }
        }
    }
}
