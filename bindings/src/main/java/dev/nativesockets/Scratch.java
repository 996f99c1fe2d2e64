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
 * Native temporaries for one call: the errno capture segment, a sockaddr buffer and its length,
 * option values, a message buffer. Every call borrows these instead of allocating, so send/recv
 * on a {@link MemorySegment} allocate nothing per call.
 *
 * <p>A <em>platform</em> thread keeps one scratch for its life (a ThreadLocal): its memory comes
 * from an automatic arena and is freed once nothing references the scratch — the thread gone, and
 * no shared {@link Socket} that this thread called first still reachable (such a socket keeps its
 * first caller's scratch).
 *
 * <p>A <em>virtual</em> thread owns no native memory: it <em>leases</em> a scratch from a small
 * shared pool for the length of a call and gives it back when its outermost call on a descriptor
 * ends ({@link #enterCall()}/{@link #exitCall()}, counted by {@link FdHandle#acquire()}/
 * {@link FdHandle#release()}) — and also <em>before it parks</em> in the middle of a call
 * ({@link #suspendLease()}, by {@link VirtualWait}): another virtual thread then mounted on the
 * same carrier may take that very scratch, so a parked thread must hold nothing of it. After the
 * park it leases again ({@link #resumeLease(int)}) and the call's loop fetches its temporaries anew
 * before it retries; nothing a call keeps across a park (the deadline, the caller's buffers) lives
 * here. Native memory so grows with the carriers (the calls running at once), not with the virtual
 * threads; a lease never returned (a thread that ends inside a call) is simply collected with its
 * automatic arena.
 */
final class Scratch {
    static final int ADDR_SIZE = 128;
    static final int VALUE_SIZE = 1024;
    private static final long INITIAL_HEAP_COPY = 64 * 1024;
    private static final Field INT = new Field(0, 4);

    // a plain ThreadLocal filled on first get, not ThreadLocal.withInitial(Scratch::new) or a
    // subclass: no lambda to spin and no extra class to load at start-up
    private static final ThreadLocal<Scratch> LOCAL = new ThreadLocal<>();
    /** A virtual thread's current lease, if any (a heap entry, no native memory). */
    private static final ThreadLocal<Scratch> LEASE = new ThreadLocal<>();

    static Scratch get() {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            return lease();
        }
        Scratch s = LOCAL.get();
        if (s == null) {
            s = new Scratch(t);
            LOCAL.set(s);
        }
        return s;
    }

    /** A scratch no other thread uses, for good: a confined socket's owner, a platform thread. */
    static Scratch dedicated() {
        Thread t = Thread.currentThread();
        return t.isVirtual() ? new Scratch(null) : get();
    }

    /** The virtual thread's lease, taken from the pool if it holds none. */
    private static Scratch lease() {
        Scratch s = LEASE.get();
        if (s == null) {
            s = ScratchPool.borrow();
            LEASE.set(s);
        }
        return s;
    }

    /** A call on a descriptor begins (see the class comment). No effect on a platform thread. */
    static void enterCall() {
        if (Thread.currentThread().isVirtual()) {
            lease().leaseDepth++;
        }
    }

    /** A call on a descriptor ends: the outermost one gives a virtual thread's lease back. */
    static void exitCall() {
        if (Thread.currentThread().isVirtual()) {
            Scratch s = LEASE.get();
            if (s != null && --s.leaseDepth <= 0) {
                giveBack(s);
            }
        }
    }

    /**
     * Before a virtual thread parks inside a call: gives its lease back and returns how deep in
     * calls it was, for {@link #resumeLease(int)}. The caller must not touch the scratch it had.
     */
    static int suspendLease() {
        Scratch s = LEASE.get();
        if (s == null) {
            return 0;
        }
        int depth = s.leaseDepth;
        giveBack(s);
        return depth;
    }

    /** After the park: a fresh lease at the depth the thread left. */
    static void resumeLease(int depth) {
        if (depth > 0) {
            lease().leaseDepth = depth;
        }
    }

    private static void giveBack(Scratch s) {
        s.leaseDepth = 0;
        LEASE.set(null); // not remove(): the next set would allocate a new map entry per call
        ScratchPool.offer(s);
    }

    /** The platform thread these belong to; null for a virtual thread's lease or a confined socket's own. */
    final Thread thread;
    /** Calls in flight of the virtual thread holding this lease (see {@link #enterCall()}). */
    private int leaseDepth;
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
    // on first use: a virtual thread's heap arrays go to the kernel directly (see Socket), so a
    // lease never needs one
    private MemorySegment heapCopy;
    /** This platform thread's last errno, for {@link Errno#lastError()} (a virtual thread's is in {@link Errno}). */
    final int[] lastErrnoHolder = new int[1];

    private MemorySegment readinessEvent;
    private MemorySegment readinessCs;

    Scratch(Thread thread) {
        this.thread = thread;
    }

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
        if (heapCopy == null || heapCopy.byteSize() < size) {
            long had = heapCopy == null ? INITIAL_HEAP_COPY / 2 : heapCopy.byteSize();
            heapCopy = arena.allocate(Math.max(size, had * 2), 8);
        }
        return heapCopy;
    }

    int errno() {
        return CallState.errno(cs);
    }
}
