package dev.nativesockets.bench;

import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Thread placement for the two-thread workloads. Placement dominates a loopback round trip on a
 * small VM (one core: a few microseconds, two vCPUs: tens of microseconds, unpinned: flips between
 * both), so every workload pins its threads and every table states how.
 *
 * <ul>
 *   <li>{@code same}: the measuring thread and its peer both on CPU {@code ns.cpu.a} (default 0).
 *       The stable mode: it shows software overhead, not wake-up latency across cores.
 *   <li>{@code split}: the measuring thread on CPU {@code ns.cpu.a}, the peer on {@code ns.cpu.b}
 *       (default 1).
 *   <li>{@code none}: no pinning.
 * </ul>
 * Only the workload's own threads are pinned ({@code sched_setaffinity(0, ...)} on the calling
 * thread); the JVM's compiler and GC threads stay free to run on any CPU.
 */
public final class Affinity {
    private Affinity() {}

    public static final int CPU_A = Integer.getInteger("ns.cpu.a", 0);
    public static final int CPU_B = Integer.getInteger("ns.cpu.b", 1);
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
