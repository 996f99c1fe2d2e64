package dev.nativesockets.bench;

import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Thread placement for the two-thread workloads. Placement dominates a loopback round trip on a
 * small VM (one core: a few microseconds, two vCPUs: tens of microseconds, unpinned: flips between
 * both), so every workload pins its threads and every table states how.
 *
 * <ul>
 *   <li>{@code same}: the measuring thread and its peer both on CPU {@code ns.cpu.a} (default: the
 *       first CPU in the process's affinity mask).
 *       The stable mode: it shows software overhead, not wake-up latency across cores.
 *   <li>{@code split}: the measuring thread on CPU {@code ns.cpu.a}, the peer on {@code ns.cpu.b}
 *       (default: the second allowed CPU).
 *   <li>{@code none}: no pinning.
 * </ul>
 * Only the workload's own threads are pinned ({@code sched_setaffinity(0, ...)} on the calling
 * thread); the JVM's compiler and GC threads stay free to run on any CPU.
 */
public final class Affinity {
    private Affinity() {}

    private static final List<Integer> ALLOWED = allowedCpus();
    /** The measuring thread's CPU: {@code -Dns.cpu.a}, else the first CPU this process may use. */
    public static final int CPU_A = Integer.getInteger("ns.cpu.a", ALLOWED.get(0));
    /** The peer's CPU in split placement: {@code -Dns.cpu.b}, else the second allowed CPU (the first if there is one). */
    public static final int CPU_B = Integer.getInteger("ns.cpu.b", ALLOWED.get(Math.min(1, ALLOWED.size() - 1)));

    /** The CPUs in this process's affinity mask (Cpus_allowed_list), or just 0 where unknown. */
    static List<Integer> allowedCpus() {
        List<Integer> cpus = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    for (String part : line.substring(line.indexOf(':') + 1).trim().split(",")) {
                        String[] range = part.trim().split("-");
                        int lo = Integer.parseInt(range[0]);
                        int hi = range.length > 1 ? Integer.parseInt(range[1]) : lo;
                        for (int c = lo; c <= hi; c++) {
                            cpus.add(c);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no procfs: fall back to CPU 0
        }
        return cpus.isEmpty() ? List.of(0) : cpus;
    }

    /** Whether split placement really puts the two threads on different CPUs here. */
    public static boolean canSplit() {
        return CPU_A != CPU_B;
    }
    private static final long MASK_BYTES = 128; // cpu_set_t: 1024 bits

    /** Pins the measuring thread for {@code placement}. */
    public static void pinMain(String placement) {
        if (!"none".equals(placement)) {
            pin(CPU_A);
        }
    }

    /** Pins a peer (echo, reader) thread for {@code placement}. */
    public static void pinPeer(String placement) {
        switch (placement) {
            case "same" -> pin(CPU_A);
            case "split" -> pin(CPU_B);
            case "none" -> { }
            default -> throw new IllegalArgumentException("placement must be same, split or none: " + placement);
        }
    }

    /** Pins the calling thread to one CPU. */
    public static void pin(int cpu) {
        if (!Platform.current().isLinux()) {
            return; // Darwin has no hard affinity; placement is the scheduler's there
        }
        if (cpu < 0 || cpu >= MASK_BYTES * 8) {
            throw new IllegalArgumentException("cpu " + cpu);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = CallState.allocate(arena);
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            if (LibC.sched_setaffinity(cs, 0, MASK_BYTES, mask) != 0) {
                throw new IllegalStateException("sched_setaffinity(cpu " + cpu + ") failed, errno " + CallState.errno(cs));
            }
        }
    }
}
