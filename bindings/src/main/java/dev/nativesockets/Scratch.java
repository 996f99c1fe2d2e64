package dev.nativesockets;

import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.FdSet;
import dev.nativesockets.libc.Field;
import dev.nativesockets.libc.Pollfd;
import dev.nativesockets.libc.Timeval;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Per-thread native temporaries: the errno capture segment, a sockaddr buffer and its length,
 * option values, a message buffer. Every call borrows these instead of allocating, so send/recv
 * on a {@link MemorySegment} allocate nothing per call.
 *
 * <p>Memory comes from an automatic arena: it is freed once nothing references the scratch —
 * the thread (and so its ThreadLocal) gone, and no shared {@link Socket} that this thread called
 * first still reachable (such a socket keeps its first caller's scratch). A thread uses its
 * scratch for one call at a time; nothing here outlives a call.
 */
final class Scratch {
    static final int ADDR_SIZE = 128;
    static final int VALUE_SIZE = 1024;
    private static final long INITIAL_HEAP_COPY = 64 * 1024;
    private static final Field INT = new Field(0, 4);

    // a plain ThreadLocal filled on first get, not ThreadLocal.withInitial(Scratch::new) or a
    // subclass: no lambda to spin and no extra class to load at start-up
    private static final ThreadLocal<Scratch> LOCAL = new ThreadLocal<>();

    static Scratch get() {
        Scratch s = LOCAL.get();
        if (s == null) {
            s = new Scratch();
            LOCAL.set(s);
        }
        return s;
    }

    /** The thread these belong to: the one that called {@link #get()}. */
    final Thread thread = Thread.currentThread();
    final Arena arena = Arena.ofAuto();
    final MemorySegment cs = CallState.allocate(arena);
    final MemorySegment addr = arena.allocate(ADDR_SIZE, 8);
    final MemorySegment addrLen = arena.allocate(ValueLayout.JAVA_INT);
    final MemorySegment value = arena.allocate(VALUE_SIZE, 8);
    final MemorySegment valueLen = arena.allocate(ValueLayout.JAVA_INT);
    /**
     * An int option value and its length side by side, so one 8-byte store both zeroes the value
     * and sets the length to 4 ({@link #INT_OPTION_EMPTY}): the int-option calls are hot enough
     * that each checked segment access shows.
     */
    final MemorySegment intOption = arena.allocate(8, 8);
    final MemorySegment intOptionLen = intOption.asSlice(4, 4);
    static final long INT_OPTION_EMPTY = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? 4L << 32 : 4L;
    final MemorySegment text = arena.allocate(256);
    /** A struct put together in Java before one bulk copy to native memory (see Addresses). */
    final byte[] image = new byte[ADDR_SIZE];
    final MemorySegment pair = arena.allocate(ValueLayout.JAVA_INT, 2);
    // poll/select buffers come on first use: a thread that never waits loads no layouts for them
    private MemorySegment pollfd;
    private MemorySegment fdSets;
    private MemorySegment fdSetsCopy;
    private MemorySegment timeval;
    private MemorySegment heapCopy = arena.allocate(INITIAL_HEAP_COPY, 8);
    /** This thread's last errno, for {@link Errno#lastError()}. */
    int lastErrno;

    private MemorySegment readinessEvent;
    private MemorySegment readinessCs;

    /**
     * One {@code struct epoll_event} / {@code struct kevent} (32 bytes hold either) for a readiness-set
     * change. Not {@link #value}: a change may run inside another call's release (a watcher told of
     * a close), and must not overwrite what that call has yet to read.
     */
    MemorySegment readinessEvent() {
        if (readinessEvent == null) {
            readinessEvent = arena.allocate(32, 8);
        }
        return readinessEvent;
    }

    /** The errno capture of readiness-set changes, apart from {@link #cs} for the same reason. */
    MemorySegment readinessCs() {
        if (readinessCs == null) {
            readinessCs = CallState.allocate(arena);
        }
        return readinessCs;
    }

    /** One {@code struct pollfd}. */
    MemorySegment pollfd() {
        if (pollfd == null) {
            pollfd = arena.allocate(Pollfd.SIZE, 8);
        }
        return pollfd;
    }

    /** The three {@code fd_set}s of select(2), one after the other. */
    MemorySegment fdSets() {
        if (fdSets == null) {
            fdSets = arena.allocate(3 * FdSet.SIZE, 8);
        }
        return fdSets;
    }

    /** Room for a copy of {@link #fdSets()}. */
    MemorySegment fdSetsCopy() {
        if (fdSetsCopy == null) {
            fdSetsCopy = arena.allocate(3 * FdSet.SIZE, 8);
        }
        return fdSetsCopy;
    }

    /** One {@code struct timeval}. */
    MemorySegment timeval() {
        if (timeval == null) {
            timeval = arena.allocate(Timeval.SIZE, 8);
        }
        return timeval;
    }

    /**
     * Writes {@code v} in native order at the start of {@code dst} through {@link #image}: an array
     * copy, not {@code dst.set(JAVA_INT, 0, v)}, whose first use creates a segment VarHandle
     * (milliseconds of start-up).
     */
    void putInt(MemorySegment dst, int v) {
        INT.set(image, v);
        MemorySegment.copy(image, 0, dst, ValueLayout.JAVA_BYTE, 0, 4);
    }

    /** A native buffer of at least {@code size} bytes to stage heap arrays through. */
    MemorySegment copyBuffer(long size) {
        if (heapCopy.byteSize() < size) {
            heapCopy = arena.allocate(Math.max(size, heapCopy.byteSize() * 2), 8);
        }
        return heapCopy;
    }

    int errno() {
        return CallState.errno(cs);
    }
}
