package dev.nativesockets;

import static dev.nativesockets.MessageStaging.*;


import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * {@code readv(2)} and {@code writev(2)} for {@link Socket}: from an {@link IoVector}, native
 * segments or {@link ByteBuffer}s. {@code writev} is issued as {@code sendmsg(2)} so that
 * {@code MSG_NOSIGNAL} applies; on a virtual thread {@code readv} becomes {@code recvmsg(2)} with
 * {@code MSG_DONTWAIT}, since readv takes no flags. Staging in {@link MessageStaging}.
 */
final class VectorIo {
    private VectorIo() {}

    // ---- readv / writev --------------------------------------------------------------------------

    // The iovec array holds the buffers' addresses only: Pins keeps each segment reachable (an
    // automatic arena's memory is freed once unreachable) and its arena open (a shared arena
    // could be closed by another thread) until the call returns.

    static long readv(Socket s, IoVector v) throws IOException {
        return vector(s, v, true);
    }

    static long writev(Socket s, IoVector v) throws IOException {
        return vector(s, v, false);
    }

    private static long vector(Socket s, IoVector v, boolean read) throws IOException {
        Checks.requireArg(v, "vector");
        Buffers b = Buffers.acquire();
        try {
            List<MemorySegment> segs = v.enter();
            try {
                checkCount(segs.size());
                MemorySegment iov = b.iov(segs.size());
                fillIov(iov, 0, v, segs, read, b.pins);
                return transfer(s, b, iov, segs.size(), read);
            } finally {
                b.pins.clear();
                v.exit();
            }
        } finally {
            b.release();
        }
    }

    static long readv(Socket s, MemorySegment[] segs) throws IOException {
        return segments(s, segs, true);
    }

    static long writev(Socket s, MemorySegment[] segs) throws IOException {
        return segments(s, segs, false);
    }

    private static long segments(Socket s, MemorySegment[] segs, boolean read) throws IOException {
        Checks.requireArg(segs, "buffers");
        checkCount(segs.length);
        Buffers b = Buffers.acquire();
        try {
            MemorySegment iov = b.iov(segs.length);
            for (int i = 0; i < segs.length; i++) {
                checkSegment(segs[i], read);
                b.pins.add(segs[i]);
                putIov(iov, i, segs[i]);
            }
            return transfer(s, b, iov, segs.length, read);
        } finally {
            b.pins.clear();
            b.release();
        }
    }

    /**
     * Scatter/gather over buffers of any kind: direct ones directly, heap ones staged through the
     * per-thread copy buffer. Positions advance by what each buffer took or gave, in order.
     */
    static long transferBuffers(Socket s, ByteBuffer[] bufs, boolean read) throws IOException {
        Checks.requireArg(bufs, "buffers");
        checkCount(bufs.length);
        long heap = 0;
        for (ByteBuffer b : bufs) {
            Checks.requireArg(b, "buffer");
            if (read && b.isReadOnly()) {
                throw new IllegalArgumentException("cannot receive into a read-only buffer");
            }
            if (!b.isDirect()) {
                heap += b.remaining();
            }
        }
        // a virtual thread may park inside the call and give its leased scratch back: its heap
        // buffers are staged in memory of the call's own instead
        Arena callArena = heap > 0 && Thread.currentThread().isVirtual() ? Arena.ofConfined() : null;
        MemorySegment stage = heap == 0 ? MemorySegment.NULL
                : callArena != null ? callArena.allocate(heap, 8) : Scratch.get().copyBuffer(heap);
        Buffers buffers = Buffers.acquire();
        try {
            MemorySegment iov = buffers.iov(bufs.length);
            Pins pins = buffers.pins;
            long off = 0;
            for (int i = 0; i < bufs.length; i++) {
                ByteBuffer b = bufs[i];
                MemorySegment seg;
                if (b.isDirect()) {
                    seg = MemorySegment.ofBuffer(b); // a view of an arena's segment keeps that arena's scope
                    try {
                        pins.add(seg);
                    } catch (RuntimeException e) {
                        pins.clear();
                        throw e;
                    }
                } else {
                    seg = stage.asSlice(off, b.remaining());
                    if (!read) {
                        MemorySegment.copy(MemorySegment.ofBuffer(b), 0, seg, 0, b.remaining());
                    }
                    off += b.remaining();
                }
                putIov(iov, i, seg);
            }
            long n;
            try {
                n = transfer(s, buffers, iov, bufs.length, read);
            } finally {
                pins.clear();
                Reference.reachabilityFence(bufs);
            }
            if (n > 0) {
                long left = n;
                off = 0;
                for (ByteBuffer b : bufs) {
                    if (left == 0) {
                        break;
                    }
                    int k = (int) Math.min(b.remaining(), left);
                    if (read && !b.isDirect()) {
                        MemorySegment.copy(stage, off, MemorySegment.ofBuffer(b), 0, k);
                    }
                    if (!b.isDirect()) {
                        off += b.remaining();
                    }
                    b.position(b.position() + k);
                    left -= k;
                }
            }
            return n;
        } finally {
            buffers.release();
            if (callArena != null) {
                callArena.close();
            }
        }
    }

    private static long transfer(Socket s, Buffers b, MemorySegment iov, int count, boolean read) throws IOException {
        int mode = SocketWait.mode(s, 0);
        String op = read ? "readv" : "writev";
        long n;
        if (read && mode != SocketWait.PARK) {
            n = call(s, mode, Constants.SYS_readv, op, iov, count, 0, MemorySegment.NULL, b.pins);
        } else {
            // writev as sendmsg(2), for MSG_NOSIGNAL; a parked readv as recvmsg(2), for MSG_DONTWAIT
            header(b.msghdr, MemorySegment.NULL, 0, iov, count, MemorySegment.NULL, 0);
            n = call(s, mode, read ? Constants.SYS_recvmsg : Constants.SYS_sendmsg, op, b.msghdr, 0,
                    SocketWait.callFlags(mode, read ? 0 : SEND_FLAGS), MemorySegment.NULL, b.pins);
        }
        if (n == 0 && read && s.isClosed()) {
            throw new SocketClosedException("readv");
        }
        return n;
    }

}
