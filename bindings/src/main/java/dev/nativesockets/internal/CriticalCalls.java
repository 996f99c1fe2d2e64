package dev.nativesockets.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The library's own downcalls that are not 1:1 with C, kept out of the exported raw layer
 * ({@link dev.nativesockets.libc.LibC}): {@code recv}/{@code send} linked critical for calls that
 * cannot block, their heap-access forms that let a virtual thread's {@code MSG_DONTWAIT} call use
 * a Java array in place, and {@code syscall(2)} with pinned arenas for the message calls. Not
 * exported (module-info); names and signatures may change in any release.
 */
public final class CriticalCalls {
    private CriticalCalls() {}

    private static final Linker.Option ERRNO = Downcalls.ERRNO;
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);
    /** size_t / ssize_t on every LP64 platform we support. */
    private static final MemoryLayout SIZE_T = JAVA_LONG;
    private static final FunctionDescriptor FD_BUF_FLAGS = FunctionDescriptor.of(SIZE_T, JAVA_INT, ADDRESS, SIZE_T, JAVA_INT);

    private static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... options) {
        return Downcalls.link(name, fd, options);
    }

    private static RuntimeException unexpected(Throwable t) {
        return Downcalls.unexpected(t);
    }

    private static final class recvNow { static final MethodHandle H = link("recv", FD_BUF_FLAGS, ERRNO, CRITICAL); }

    /**
     * {@code recv} linked critical: only for calls that cannot block (a non-blocking descriptor or
     * {@code MSG_DONTWAIT}); it saves the thread-state transition on event-loop hot paths.
     */
    public static long recvNonBlocking(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) recvNow.H.invokeExact(cs, fd, buf, len, flags); } catch (Throwable t) { throw unexpected(t); }
    }


    /** critical, with heap access: a {@code MSG_DONTWAIT} call may read or write a Java array in place. */
    private static final Linker.Option CRITICAL_HEAP = Linker.Option.critical(true);

    private static final class recvHeap { static final MethodHandle H = link("recv", FD_BUF_FLAGS, ERRNO, CRITICAL_HEAP); }

    /**
     * {@code recv} linked critical with heap access, for a call that cannot block (it must carry
     * {@code MSG_DONTWAIT}): {@code buf} may be a slice of a Java array, received into in place —
     * how a virtual thread's call avoids staging its array through native memory.
     */
    public static long recvHeap(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) recvHeap.H.invokeExact(cs, fd, buf, len, flags); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class sendHeap { static final MethodHandle H = link("send", FD_BUF_FLAGS, ERRNO, CRITICAL_HEAP); }

    /** {@code send} linked critical with heap access; see {@link #recvHeap}. */
    public static long sendHeap(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) sendHeap.H.invokeExact(cs, fd, buf, len, flags); } catch (Throwable t) { throw unexpected(t); }
    }


    private static final class sendNow { static final MethodHandle H = link("send", FD_BUF_FLAGS, ERRNO, CRITICAL); }

    /** {@code send} linked critical: only for calls that cannot block; see {@link #recvNonBlocking}. */
    public static long sendNonBlocking(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) sendNow.H.invokeExact(cs, fd, buf, len, flags); } catch (Throwable t) { throw unexpected(t); }
    }


    private static final class recvfromHeap {
        static final MethodHandle H = link("recvfrom", FunctionDescriptor.of(SIZE_T, JAVA_INT, ADDRESS, SIZE_T, JAVA_INT, ADDRESS, ADDRESS), ERRNO, CRITICAL_HEAP);
    }

    /** {@code recvfrom} linked critical with heap access, for {@code MSG_DONTWAIT} calls only; see {@link #recvHeap}. */
    public static long recvfromHeap(MemorySegment cs, int fd, MemorySegment buf, long len, int flags, MemorySegment src, MemorySegment srcLen) {
        try { return (long) recvfromHeap.H.invokeExact(cs, fd, buf, len, flags, src, srcLen); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class sendtoHeap {
        static final MethodHandle H = link("sendto", FunctionDescriptor.of(SIZE_T, JAVA_INT, ADDRESS, SIZE_T, JAVA_INT, ADDRESS, JAVA_INT), ERRNO, CRITICAL_HEAP);
    }

    /** {@code sendto} linked critical with heap access, for {@code MSG_DONTWAIT} calls only; see {@link #recvHeap}. */
    public static long sendtoHeap(MemorySegment cs, int fd, MemorySegment buf, long len, int flags, MemorySegment dst, int dstLen) {
        try { return (long) sendtoHeap.H.invokeExact(cs, fd, buf, len, flags, dst, dstLen); } catch (Throwable t) { throw unexpected(t); }
    }


    /** How many arenas {@link #syscallPinned} can hold open besides its own arguments. */
    public static final int MAX_PINS = 4;

    private static final class syscallPinned {
        // syscall(2) is variadic: the pins travel after the six syscall arguments, where the
        // kernel never looks, and C's variadic rules make extra arguments harmless
        static final MethodHandle H = link("syscall", FunctionDescriptor.of(JAVA_LONG,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS), ERRNO, Linker.Option.firstVariadicArg(1));
    }

    /**
     * {@code long syscall(long number, a1, a2, a3, a4, a5, a6, p1, p2, p3, p4)} — Linux only. The
     * message calls through this door when caller memory their structures point to belongs to an
     * arena another thread could close: the linker keeps the arena of every segment argument open
     * for the call, so passing one segment of each such arena as {@code p1..p4} (extra variadic
     * arguments the kernel never reads) makes closing it fail until the call returns. Unused pins
     * are {@link MemorySegment#NULL}.
     */
    public static long syscallPinned(MemorySegment cs, long number, long a1, long a2, long a3, long a4, long a5,
                                     MemorySegment p1, MemorySegment p2, MemorySegment p3, MemorySegment p4) {
        try {
            return (long) syscallPinned.H.invokeExact(cs, number, a1, a2, a3, a4, a5, 0L, p1, p2, p3, p4);
        } catch (Throwable t) { throw unexpected(t); }
    }
}
