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
 * {@link #delete}, a replacing {@link #set} or {@link #close} — or views of segments the caller
 * passed ({@link #of}, {@link #add(MemorySegment)}), which stay the caller's. The native
 * {@code iovec} array is built per call from per-thread memory, so a vector may be used with any
 * socket and any thread, one call at a time. At most {@value #IOV_MAX} buffers ({@code IOV_MAX}).
 *
 * <p>Not thread-safe. Changing or closing a vector while a call uses it fails with
 * {@link IllegalStateException} rather than freeing memory the kernel is writing to.
 *
 * <p><b>Out of range.</b> Every check happens before anything changes, and the vector stays as it
 * was:
 * <ul>
 *   <li>an {@code index} outside {@code [0, count())} in {@link #set(int, byte[])},
 *       {@link #set(int, MemorySegment)}, {@link #fetch}, {@link #get} or {@link #delete} throws
 *       {@link IndexOutOfBoundsException};
 *   <li>more than {@link #IOV_MAX} buffers ({@link #allocate}, {@link #of}, {@link #add(long)},
 *       {@link #add(MemorySegment)}), a length below 0 or above {@link Integer#MAX_VALUE}, a
 *       {@link #gather} of fewer than 0 or more than {@link #totalLength()} bytes, a {@code null}
 *       argument, or a heap segment throws {@link IllegalArgumentException};
 *   <li>a segment whose arena is closed, and any use of a closed vector but {@link #close()} and
 *       {@link #isClosed()}, throw {@link IllegalStateException}.
 * </ul>
 * (docs/RELIABILITY.md lists these cases among the bad input the tests try.)
 */
public final class IoVector implements AutoCloseable {
    /** {@code IOV_MAX}: the most buffers one call takes, on Linux and Darwin alike. */
    public static final int IOV_MAX = 1024;

    private final List<MemorySegment> buffers = new ArrayList<>();
    /** The owning arena of each buffer, {@code null} for caller views. */
    private final List<Arena> arenas = new ArrayList<>();
    /** The whole allocation behind each owned buffer (its capacity), {@code null} for views. */
    private final List<MemorySegment> allocations = new ArrayList<>();
    private boolean closed;
    private int inUse;

    private IoVector() {}

    /** PHP's {@code socket_iovec_alloc(n, len...)}: one zeroed, owned buffer per length. */
    public static IoVector allocate(long... lengths) {
        Socket.requireArg(lengths, "lengths");
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
        Socket.requireArg(segments, "segments");
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
        checkMutable();
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
    }

    /** Appends a view of the caller's native segment; returns its index. */
    public int add(MemorySegment segment) {
        checkMutable();
        checkRoom();
        Socket.checkFrom(segment);
        buffers.add(segment);
        arenas.add(null);
        allocations.add(null);
        return buffers.size() - 1;
    }

    /**
     * PHP's {@code socket_iovec_set}: buffer {@code index} becomes an owned copy of {@code data},
     * its length {@code data.length}. An owned buffer large enough is reused; otherwise the old
     * one is freed (or, for a view, forgotten) and a new one allocated.
     */
    public void set(int index, byte[] data) {
        checkMutable();
        checkIndex(index);
        Socket.requireArg(data, "data");
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
    }

    /** Replaces buffer {@code index} with a view of the caller's segment (an owned one is freed). */
    public void set(int index, MemorySegment segment) {
        checkMutable();
        checkIndex(index);
        Socket.checkFrom(segment);
        Arena own = arenas.get(index);
        if (own != null) {
            own.close();
        }
        arenas.set(index, null);
        allocations.set(index, null);
        buffers.set(index, segment);
    }

    /** PHP's {@code socket_iovec_fetch}: a copy of buffer {@code index}, all its bytes. */
    public byte[] fetch(int index) {
        checkOpen();
        checkIndex(index);
        return buffers.get(index).toArray(ValueLayout.JAVA_BYTE);
    }

    /** PHP's {@code socket_iovec_delete}: removes buffer {@code index} (freeing it if owned); later ones move down. */
    public void delete(int index) {
        checkMutable();
        checkIndex(index);
        Arena own = arenas.remove(index);
        buffers.remove(index);
        allocations.remove(index);
        if (own != null) {
            own.close();
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
        if (closed) {
            return;
        }
        if (inUse > 0) {
            throw new IllegalStateException("vector is in use by a call");
        }
        closed = true;
        for (Arena a : arenas) {
            if (a != null) {
                a.close();
            }
        }
        arenas.clear();
        buffers.clear();
        allocations.clear();
    }

    public boolean isClosed() {
        return closed;
    }

    // ---- for Messages ----------------------------------------------------------------------------

    /** Marks the vector in use by a call and returns its buffers (checked: alive, native). */
    List<MemorySegment> enter() {
        checkOpen();
        inUse++;
        return buffers;
    }

    void exit() {
        inUse--;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("vector is closed");
        }
    }

    private void checkMutable() {
        checkOpen();
        if (inUse > 0) {
            throw new IllegalStateException("vector is in use by a call");
        }
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
        if (closed) {
            return "IoVector[closed]";
        }
        StringBuilder b = new StringBuilder("IoVector[");
        for (int i = 0; i < buffers.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(buffers.get(i).byteSize());
        }
        return b.append(']').toString();
    }
}
