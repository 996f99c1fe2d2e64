package dev.nativesockets.libc;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The segment the linker writes {@code errno} into right after a downcall returns
 * ({@link Linker.Option#captureCallState}), so errno is never read through a second call that
 * could have changed it.
 */
public final class CallState {
    private CallState() {}

    /** The layout of the capture segment on this JVM. */
    public static final StructLayout LAYOUT = Linker.Option.captureStateLayout();

    // A plain int read at the member's offset, not LAYOUT.varHandle(...): a layout-path VarHandle
    // spins several LambdaForms on first use, ~7-10 ms of start-up (measured in benchmarks/); and
    // the offset is added up by Field, not asked of a layout path, which costs several more.
    private static final long ERRNO_OFFSET = Field.offsetOf(LAYOUT, "errno");

    static {
        if (ERRNO_OFFSET < 0) {
            throw new IllegalStateException("the capture state layout has no errno: " + LAYOUT);
        }
    }

    /** A capture segment; callers keep one per thread and reuse it. */
    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(LAYOUT);
    }

    /** The errno value the last downcall through this segment left. */
    public static int errno(MemorySegment state) {
        return state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }
}
