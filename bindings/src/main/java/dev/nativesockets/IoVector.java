package dev.nativesockets;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * An ordered list of buffers for scatter/gather I/O: the {@code struct iovec} array of
 * {@code readv(2)}, {@code writev(2)}, {@code sendmsg(2)} and {@code recvmsg(2)}. PHP's
 * {@code socket_iovec_alloc} ({@link #allocate}), {@code socket_iovec_add} ({@link #add(long)}),
 * {@code socket_iovec_set} ({@link #set(int, byte[])}), {@code socket_iovec_fetch}
 * ({@link #fetch(int)}), {@code socket_iovec_delete} ({@link #delete(int)}) and
 * {@code socket_iovec_free} ({@link #close()}).
 *
 * <p>Buffers are either owned — allocated here, each in its own arena, freed by
 * {@link #delete}, a replacing {@link #set} or {@link #close}, or by a Cleaner once the vector is
 * unreachable (a segment from {@link #get} does not keep it alive: close the vector, or keep it,
 * while you use one) — or views of segments the caller
 * passed ({@link #of}, {@link #add(MemorySegment)}), which stay the caller's. The native
 * {@code iovec} array is built per call from per-thread memory, so a vector may be used with any
 * socket and any thread, one call at a time. At most {@value #IOV_MAX} buffers ({@code IOV_MAX}).
 *
 * <p>Calls from several threads may use one vector at once. Changing or closing it is for one
 * thread at a time, and fails with {@link IllegalStateException} while any call uses it, from
 * whichever thread — so an owned buffer is never freed while the kernel reads or writes it. The
 * caller's segments in a vector follow the rule of {@link Socket#readv(MemorySegment...)}.
 *
 * <p><b>Out of range.</b> Each check happens before anything changes or any native call, and the
 * vector stays as it was:
 * <ul>
 *   <li>an {@code index} outside {@code 0..count()-1} in {@link #set(int, byte[])},
 *       {@link #set(int, MemorySegment)}, {@link #fetch}, {@link #get} or {@link #delete} raises
 *       {@link IndexOutOfBoundsException};
 *   <li>a length outside {@code 0..Integer.MAX_VALUE}, more than {@value #IOV_MAX} buffers
 *       ({@link #allocate}, {@link #of}, {@link #add(long)}, {@link #add(MemorySegment)}),
 *       {@link #gather} of fewer than 0 or more bytes than the vector holds, a {@code null}
 *       argument, or a heap segment raise {@link IllegalArgumentException};
 *   <li>a segment whose arena is closed, and any use of a closed vector but {@link #close()} and
 *       {@link #isClosed()}, raise {@link IllegalStateException}.
 * </ul>
 */
public final class IoVector implements AutoCloseable {
    /** {@code IOV_MAX}: the most buffers one call takes, on Linux and Darwin alike. */
    public static final int IOV_MAX = 1024;

    private final List<MemorySegment> buffers = new ArrayList<>();
    /** The owning arena of each buffer, {@code null} for caller views. */
    private final List<Arena> arenas = new ArrayList<>();
    /** The whole allocation behind each owned buffer (its capacity), {@code null} for views. */
    private final List<MemorySegment> allocations = new ArrayList<>();
    /** Calls in flight (bits 0–28), a change under way ({@link #CHANGING}), closed ({@link #CLOSED}). */
    private volatile int state;
    private static final int CHANGING = 1 << 29;
    private static final int CLOSED = 1 << 30;
    private static final int CALLS = CHANGING - 1;
    private static final java.lang.invoke.VarHandle STATE;

    static {
        try {
            STATE = java.lang.invoke.MethodHandles.lookup().findVarHandle(IoVector.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Closes the owned buffers' arenas of a vector dropped unclosed (shared arenas are never freed by the GC). */
    private final java.lang.ref.Cleaner.Cleanable cleanable = Epoll.CLEANER.register(this, new Freer(arenas));

    private IoVector() {}

    /** The Cleaner's action: holds the arena list, never the vector. */
    private record Freer(List<Arena> arenas) implements Runnable {
        @Override
        public void run() {
            for (Arena a : arenas) {
                if (a != null) {
                    try {
                        a.close();
                    } catch (IllegalStateException inUseOrClosed) {
                        // closed already; or held by a call, which cannot be: the vector was unreachable
                    }
                }
            }
            arenas.clear();
        }
    }

    /** PHP's {@code socket_iovec_alloc(n, len...)}: one zeroed, owned buffer per length. */
    public static IoVector allocate(long... lengths) {
        Checks.requireArg(lengths, "lengths");
        if (lengths.length > IOV_MAX) {
            throw new IllegalArgumentException("at most " + IOV_MAX + " buffers, not " + lengths.length);
        }
        IoVector v = new IoVector();
        try {
            for (long len : lengths) {
                v.add(len);
            }
        } catch (RuntimeException e) {
            v.close();
            throw e;
        }
        return v;
    }

    /** A vector viewing the caller's native segments (not owned: {@link #close()} leaves them alone). */
    public static IoVector of(MemorySegment... segments) {
        Checks.requireArg(segments, "segments");
        if (segments.length > IOV_MAX) {
            throw new IllegalArgumentException("at most " + IOV_MAX + " buffers, not " + segments.length);
        }
        IoVector v = new IoVector();
        for (MemorySegment s : segments) {
            v.add(s);
        }
        return v;
    }

    /** PHP's {@code socket_iovec_add}: appends a zeroed, owned buffer of {@code length} bytes; returns its index. */
    public int add(long length) {
        beginChange();
        try {
            checkRoom();
            if (length < 0 || length > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("buffer length out of range: " + length);
            }
            Arena a = Arena.ofShared();
            MemorySegment all = a.allocate(Math.max(length, 1), 8);
            buffers.add(all.asSlice(0, length));
            arenas.add(a);
            allocations.add(all);
            return buffers.size() - 1;
        } finally {
            endChange();
        }
    }

    /** Appends a view of the caller's native segment; returns its index. */
    public int add(MemorySegment segment) {
        beginChange();
        try {
            checkRoom();
            Checks.checkFrom(segment);
            buffers.add(segment);
            arenas.add(null);
            allocations.add(null);
            return buffers.size() - 1;
        } finally {
            endChange();
        }
    }

    /**
     * PHP's {@code socket_iovec_set}: buffer {@code index} becomes an owned copy of {@code data},
     * its length {@code data.length}. An owned buffer large enough is reused; otherwise the old
     * one is freed (or, for a view, forgotten) and a new one allocated.
     */
    public void set(int index, byte[] data) {
        beginChange();
        try {
            checkIndex(index);
            Checks.requireArg(data, "data");
            Arena own = arenas.get(index);
            MemorySegment all = allocations.get(index);
            MemorySegment target;
            if (own != null && all.byteSize() >= data.length) {
                target = all.asSlice(0, data.length);
            } else {
                Arena a = Arena.ofShared();
                all = a.allocate(Math.max(data.length, 1), 8);
                target = all.asSlice(0, data.length);
                if (own != null) {
                    own.close();
                }
                arenas.set(index, a);
                allocations.set(index, all);
            }
            MemorySegment.copy(data, 0, target, ValueLayout.JAVA_BYTE, 0, data.length);
            buffers.set(index, target);
        } finally {
            endChange();
        }
    }

    /** Replaces buffer {@code index} with a view of the caller's segment (an owned one is freed). */
    public void set(int index, MemorySegment segment) {
        beginChange();
        try {
            checkIndex(index);
            Checks.checkFrom(segment);
            Arena own = arenas.get(index);
            if (own != null) {
                own.close();
            }
            arenas.set(index, null);
            allocations.set(index, null);
            buffers.set(index, segment);
        } finally {
            endChange();
        }
    }

    /** PHP's {@code socket_iovec_fetch}: a copy of buffer {@code index}, all its bytes. */
    public byte[] fetch(int index) {
        checkOpen();
        checkIndex(index);
        return buffers.get(index).toArray(ValueLayout.JAVA_BYTE);
    }

    /** PHP's {@code socket_iovec_delete}: removes buffer {@code index} (freeing it if owned); later ones move down. */
    public void delete(int index) {
        beginChange();
        try {
            checkIndex(index);
            Arena own = arenas.remove(index);
            buffers.remove(index);
            allocations.remove(index);
            if (own != null) {
                own.close();
            }
        } finally {
            endChange();
        }
    }

    /** Buffer {@code index} itself (not a copy): valid until it is replaced, deleted or the vector closed. */
    public MemorySegment get(int index) {
        checkOpen();
        checkIndex(index);
        return buffers.get(index);
    }

    /** How many buffers. */
    public int count() {
        checkOpen();
        return buffers.size();
    }

    /** The sum of the buffers' lengths. */
    public long totalLength() {
        checkOpen();
        long t = 0;
        for (MemorySegment s : buffers) {
            t += s.byteSize();
        }
        return t;
    }

    /**
     * The first {@code n} bytes across the buffers in order — what a {@code readv} that returned
     * {@code n} put there.
     */
    public byte[] gather(long n) {
        checkOpen();
        if (n < 0 || n > totalLength() || n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot gather " + n + " bytes from " + totalLength());
        }
        byte[] out = new byte[(int) n];
        int off = 0;
        for (int i = 0; i < buffers.size() && off < n; i++) {
            MemorySegment s = buffers.get(i);
            int k = (int) Math.min(s.byteSize(), n - off);
            MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, out, off, k);
            off += k;
        }
        return out;
    }

    /** PHP's {@code socket_iovec_free}: frees the owned buffers; idempotent. Views are left alone. */
    @Override
    public void close() {
        if (isClosed()) {
            return;
        }
        beginChange();
        try {
            for (Arena a : arenas) {
                if (a != null) {
                    a.close();
                }
            }
            arenas.clear();
            buffers.clear();
            allocations.clear();
        } finally {
            state = CLOSED; // no call could enter while the change was under way
        }
        cleanable.clean(); // nothing left to free: just unregisters
    }

    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    // ---- for the message calls ----------------------------------------------------------------------------

    /** Counts a call in and returns the buffers, which cannot change until {@link #exit}. */
    List<MemorySegment> enter() {
        for (;;) {
            int s = state;
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException("vector is closed");
            }
            if ((s & CHANGING) != 0) {
                throw new IllegalStateException("vector is being changed by another thread");
            }
            if ((s & CALLS) == CALLS) {
                throw new IllegalStateException("too many calls in flight on the vector");
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return buffers;
            }
        }
    }

    void exit() {
        STATE.getAndAdd(this, -1);
    }

    /** Whether buffer {@code i} is the vector's own (guarded by it) rather than a view of the caller's segment. */
    boolean isOwned(int i) {
        return arenas.get(i) != null;
    }

    private void checkOpen() {
        if (isClosed()) {
            throw new IllegalStateException("vector is closed");
        }
    }

    private void beginChange() {
        for (;;) {
            int s = state;
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException("vector is closed");
            }
            if ((s & CALLS) != 0) {
                throw new IllegalStateException("vector is in use by a call");
            }
            if ((s & CHANGING) != 0) {
                throw new IllegalStateException("vector is being changed by another thread");
            }
            if (STATE.compareAndSet(this, s, s | CHANGING)) {
                return;
            }
        }
    }

    private void endChange() {
        STATE.getAndAdd(this, -CHANGING);
    }

    private void checkRoom() {
        if (buffers.size() >= IOV_MAX) {
            throw new IllegalArgumentException("at most " + IOV_MAX + " buffers");
        }
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= buffers.size()) {
            throw new IndexOutOfBoundsException("buffer " + index + " of " + buffers.size());
        }
    }

    @Override
    public String toString() {
        if (isClosed()) {
            return "IoVector[closed]";
        }
        StringBuilder b = new StringBuilder("IoVector[");
        for (int i = 0; i < buffers.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(buffers.get(i).byteSize());
        }
        return b.append(']').toString();
    }
}
