package dev.nativesockets.bench;

import dev.nativesockets.Domain;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The wrapper's cost per call, measured paired: on a noisy VM a getsockopt takes 200–400 ns and
 * drifts by more than the 10 ns being asked about, so separate JMH forks cannot resolve it. Here
 * every path runs in short blocks (about 0.3 ms) taken in rotation, many times, in one JVM on one
 * pinned thread; drift hits all paths alike and the median of the per-round differences to the bare
 * handle is the overhead. Not JMH: a fixed-count loop timed with nanoTime, after a warm-up long
 * enough for C2.
 *
 * <p>Paths: {@code ffm} (bare handle, the raw layer's options), {@code ffm+2cas} (the same plus two
 * uncontended atomic read-modify-writes on a field: what a descriptor acquire/release costs),
 * {@code ffm+tl+2cas} (also a ThreadLocal lookup, as for per-thread scratch), {@code raw}
 * ({@code LibC.getsockopt}), {@code nativesockets} ({@code Socket.getIntOption}) and
 * {@code confined} (the same on a socket {@linkplain Socket#confine() confined} to the thread).
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar dev.nativesockets.bench.DowncallPaired [ROUNDS [PATH,...]]</pre>
 */
public final class DowncallPaired {
    static final int CALLS = 1000;
    static final String[] PATHS = {"ffm", "ffm+2cas", "ffm+tl+2cas", "raw", "nativesockets", "confined"};

    private final Socket socket;
    private final Socket confined;
    private final int fd;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment cs = CallState.allocate(arena);
    private final MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
    private final MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
    private static final ThreadLocal<MemorySegment[]> SCRATCH = ThreadLocal.withInitial(() -> new MemorySegment[1]);
    private volatile int state;
    private static final VarHandle STATE;
    private int sink;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(DowncallPaired.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    DowncallPaired() throws IOException {
        socket = Socket.open(Domain.INET, Type.STREAM);
        fd = socket.fd();
        confined = Socket.open(Domain.INET, Type.STREAM).confine(); // measure() runs on this thread
        SCRATCH.get()[0] = cs;
    }

    long ffm() throws IOException {
        long t0 = System.nanoTime();
        for (int i = 0; i < CALLS; i++) {
            len.set(ValueLayout.JAVA_INT, 0, 4);
            if (Bare.getsockoptLikeRaw(cs, fd, Constants.SOL_SOCKET, Constants.SO_RCVBUF, value, len) < 0) {
                throw new IOException("getsockopt");
            }
            sink += value.get(ValueLayout.JAVA_INT, 0);
        }
        return System.nanoTime() - t0;
    }

    long ffmCas() throws IOException {
        long t0 = System.nanoTime();
        for (int i = 0; i < CALLS; i++) {
            int s;
            do {
                s = state;
            } while (!STATE.compareAndSet(this, s, s + 1));
            len.set(ValueLayout.JAVA_INT, 0, 4);
            if (Bare.getsockoptLikeRaw(cs, fd, Constants.SOL_SOCKET, Constants.SO_RCVBUF, value, len) < 0) {
                throw new IOException("getsockopt");
            }
            sink += value.get(ValueLayout.JAVA_INT, 0);
            STATE.getAndAdd(this, -1);
        }
        return System.nanoTime() - t0;
    }

    long ffmTlCas() throws IOException {
        long t0 = System.nanoTime();
        for (int i = 0; i < CALLS; i++) {
            MemorySegment c = SCRATCH.get()[0];
            int s;
            do {
                s = state;
            } while (!STATE.compareAndSet(this, s, s + 1));
            len.set(ValueLayout.JAVA_INT, 0, 4);
            if (Bare.getsockoptLikeRaw(c, fd, Constants.SOL_SOCKET, Constants.SO_RCVBUF, value, len) < 0) {
                throw new IOException("getsockopt");
            }
            sink += value.get(ValueLayout.JAVA_INT, 0);
            STATE.getAndAdd(this, -1);
        }
        return System.nanoTime() - t0;
    }

    long raw() throws IOException {
        long t0 = System.nanoTime();
        for (int i = 0; i < CALLS; i++) {
            len.set(ValueLayout.JAVA_INT, 0, 4);
            if (LibC.getsockopt(cs, fd, Constants.SOL_SOCKET, Constants.SO_RCVBUF, value, len) < 0) {
                throw new IOException("getsockopt");
            }
            sink += value.get(ValueLayout.JAVA_INT, 0);
        }
        return System.nanoTime() - t0;
    }

    long nativesockets() throws IOException {
        long t0 = System.nanoTime();
        for (int i = 0; i < CALLS; i++) {
            sink += socket.getIntOption(Constants.SOL_SOCKET, Constants.SO_RCVBUF);
        }
        return System.nanoTime() - t0;
    }

    long confined() throws IOException {
        long t0 = System.nanoTime();
        for (int i = 0; i < CALLS; i++) {
            sink += confined.getIntOption(Constants.SOL_SOCKET, Constants.SO_RCVBUF);
        }
        return System.nanoTime() - t0;
    }

    long run(int path) throws IOException {
        return switch (path) {
            case 0 -> ffm();
            case 1 -> ffmCas();
            case 2 -> ffmTlCas();
            case 3 -> raw();
            case 4 -> nativesockets();
            default -> confined();
        };
    }

    /** Every path: median ns/call, and median over rounds of (path − ffm) ns/call. */
    static Map<String, double[]> measure(int rounds) throws IOException {
        return measure(rounds, PATHS);
    }

    /**
     * Some paths ({@code ffm}, the reference, is always measured): paths left out leave no trace in
     * the JIT profile of the ones measured, e.g. {@code confined} alone compiles
     * {@code Socket.getIntOption} without the shared path's branch.
     */
    static Map<String, double[]> measure(int rounds, String... names) throws IOException {
        int[] paths = pathIndexes(names);
        Affinity.pin(Affinity.CPU_A);
        DowncallPaired d = new DowncallPaired();
        int n = paths.length;
        for (int w = 0; w < 300; w++) { // warm-up: every loop well past C2's thresholds
            for (int p = 0; p < n; p++) {
                d.run(paths[p]);
            }
        }
        double[][] perCall = new double[n][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < n; k++) {
                int p = (r + k) % n; // rotate the order so no path always follows another
                perCall[p][r] = (double) d.run(paths[p]) / CALLS;
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int p = 0; p < n; p++) {
            double[] diff = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                diff[r] = perCall[p][r] - perCall[0][r];
            }
            double[] abs = perCall[p].clone();
            Arrays.sort(abs);
            Arrays.sort(diff);
            out.put(PATHS[paths[p]], new double[] {Compare.median(abs), Compare.median(diff),
                    diff[rounds / 4], diff[rounds * 3 / 4]});
        }
        d.socket.close();
        d.confined.close();
        if (d.sink == 42) {
            System.out.print("");
        }
        return out;
    }

    /** {@code ffm} first, then the named paths in {@link #PATHS} order. */
    static int[] pathIndexes(String... names) {
        List<String> wanted = Arrays.asList(names);
        for (String name : names) {
            if (!Arrays.asList(PATHS).contains(name)) {
                throw new IllegalArgumentException("unknown path " + name + "; paths: " + String.join(",", PATHS));
            }
        }
        int[] out = new int[PATHS.length];
        int n = 0;
        out[n++] = 0;
        for (int p = 1; p < PATHS.length; p++) {
            if (wanted.contains(PATHS[p])) {
                out[n++] = p;
            }
        }
        return Arrays.copyOf(out, n);
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        String[] paths = args.length > 1 ? args[1].split(",") : PATHS;
        System.out.println(table(measure(rounds, paths), rounds));
    }

    static String table(Map<String, double[]> m, int rounds) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "Downcall, paired (%d rotating rounds of %d calls, one pinned thread)%n%n"
                        + "| path | median ns/call | median − ffm, ns | interquartile range of the difference |%n"
                        + "|---|---:|---:|---:|%n", rounds, CALLS));
        m.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "| %s | %.1f | %+.1f | %+.1f … %+.1f |%n", k, v[0], v[1], v[2], v[3])));
        return sb.toString();
    }
}
