package dev.nativesockets.libc;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The segment the linker writes {@code errno} into right after a downcall returns
 * ({@link Linker.Option#captureCallState}), so errno is never read through a second call that
 * could have changed it.
 */
public final class CallState {
    private CallState() {}

    /** The layout of the capture segment on this JVM. */
    public static final StructLayout LAYOUT = Linker.Option.captureStateLayout();

    private static final VarHandle ERRNO =
            LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** A capture segment; callers keep one per thread and reuse it. */
    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(LAYOUT);
    }

    /** The errno value the last downcall through this segment left. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
