package dev.nativesockets;

import static dev.nativesockets.Checks.checkRange;
import static dev.nativesockets.Checks.requireArg;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The {@code byte[]} and {@link ByteBuffer} forms of {@code recv}, {@code recvfrom}, {@code send}
 * and {@code sendto}, and the loops built on them ({@link Socket#read(int, ReadMode)},
 * {@link Socket#sendAll(byte[], int, int)}): Java memory turned into the segments the calls on
 * {@link SendReceive} take. A direct buffer is its own native segment. A heap array goes one of two
 * ways:
 * <ul>
 *   <li>on a platform thread, through the thread's native copy buffer ({@link Scratch#copyBuffer}):
 *       a heap segment may reach only a critical downcall, which holds the collector off and so
 *       must not block;</li>
 *   <li>on a virtual thread, in place: every such call is issued with {@code MSG_DONTWAIT}
 *       (critical, with heap access), so no native buffer has to outlive a park. The array's
 *       segment is kept per socket ({@link HeapView}).</li>
 * </ul>
 */
final class HeapIo {
    private HeapIo() {}

    /**
     * The Java array a virtual thread's call passes in place, with its segment, kept from the
     * last such call (one reference, so array and segment are always read as a pair): a server
     * that receives into and sends from the same array per connection makes no segment per call.
     */
    record HeapView(byte[] array, MemorySegment whole) {}

    /** {@code b} from {@code off} on as a heap segment (the call passes its length apart). */
    private static MemorySegment heapView(Socket so, byte[] b, int off) {
        HeapView v = so.lastHeapView;
        if (v == null || v.array != b) {
            v = new HeapView(b, MemorySegment.ofArray(b));
            so.lastHeapView = v;
        }
        return off == 0 ? v.whole : v.whole.asSlice(off);
    }

    /** {@link Socket#recv(byte[], int, int, int)}. */
    static int recv(Socket so, byte[] b, int off, int len, int flags) throws IOException {
        checkRange(b, off, len);
        if (Thread.currentThread().isVirtual()) {
            return SendReceive.recvInto(so, heapView(so, b, off), len, flags);
        }
        MemorySegment tmp = so.scratch().copyBuffer(len).asSlice(0, len);
        int n = so.recv(tmp, flags);
        if (n > 0) {
            MemorySegment.copy(tmp, ValueLayout.JAVA_BYTE, 0, b, off, Math.min(n, len));
        }
        return n;
    }

    /** {@link Socket#recv(ByteBuffer, int)}: the position advances by what arrived. */
    static int recv(Socket so, ByteBuffer dst, int flags) throws IOException {
        requireArg(dst, "buffer");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("cannot receive into a read-only buffer");
        }
        int n;
        if (dst.isDirect()) {
            n = so.recv(MemorySegment.ofBuffer(dst), flags);
        } else {
            n = recv(so, dst.array(), dst.arrayOffset() + dst.position(), dst.remaining(), flags);
        }
        if (n > 0) {
            dst.position(dst.position() + Math.min(n, dst.remaining()));
        }
        return n;
    }

    /** {@link Socket#recvFrom(byte[], int, int, int)}. */
    static Received recvFrom(Socket so, byte[] b, int off, int len, int flags) throws IOException {
        checkRange(b, off, len);
        if (Thread.currentThread().isVirtual()) {
            return SendReceive.recvFromInto(so, MemorySegment.ofArray(b).asSlice(off, len), flags);
        }
        MemorySegment tmp = so.scratch().copyBuffer(len).asSlice(0, len);
        Received r = so.recvFrom(tmp, flags);
        if (r.length() > 0) {
            MemorySegment.copy(tmp, ValueLayout.JAVA_BYTE, 0, b, off, Math.min(r.length(), len));
        }
        return r;
    }

    /** {@link Socket#read(int, ReadMode)}: one {@code recv} for binary, one byte at a time to the end of a line. */
    static byte[] read(Socket so, int length, ReadMode mode) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative: " + length);
        }
        requireArg(mode, "mode");
        if (mode == ReadMode.BINARY) {
            byte[] b = new byte[length];
            int n = recv(so, b, 0, length, 0);
            if (n == Socket.WOULD_BLOCK) {
                return null;
            }
            return n == length ? b : Arrays.copyOf(b, n);
        }
        byte[] line = new byte[length];
        byte[] one = new byte[1];
        int got = 0;
        while (got < length) {
            int n = recv(so, one, 0, 1, 0);
            if (n == Socket.WOULD_BLOCK) {
                if (got == 0) {
                    return null;
                }
                break;
            }
            if (n == 0) {
                break;
            }
            line[got++] = one[0];
            if (one[0] == '\n' || one[0] == '\r') {
                break;
            }
        }
        return Arrays.copyOf(line, got);
    }

    /** {@link Socket#send(byte[], int, int, int)}. */
    static int send(Socket so, byte[] b, int off, int len, int flags) throws IOException {
        checkRange(b, off, len);
        if (Thread.currentThread().isVirtual()) {
            return SendReceive.sendFrom(so, heapView(so, b, off), len, flags);
        }
        MemorySegment tmp = so.scratch().copyBuffer(len).asSlice(0, len);
        MemorySegment.copy(b, off, tmp, ValueLayout.JAVA_BYTE, 0, len);
        return so.send(tmp, flags);
    }

    /** {@link Socket#send(ByteBuffer, int)}: the position advances by what was sent. */
    static int send(Socket so, ByteBuffer src, int flags) throws IOException {
        requireArg(src, "buffer");
        int n;
        if (src.isDirect()) {
            n = so.send(MemorySegment.ofBuffer(src), flags);
        } else if (src.hasArray()) {
            n = send(so, src.array(), src.arrayOffset() + src.position(), src.remaining(), flags);
        } else {
            byte[] copy = new byte[src.remaining()]; // a read-only heap buffer lends no array
            src.duplicate().get(copy);
            n = send(so, copy, 0, copy.length, flags);
        }
        if (n > 0) {
            src.position(src.position() + n);
        }
        return n;
    }

    /** {@link Socket#sendAll(byte[], int, int)}. */
    static void sendAll(Socket so, byte[] b, int off, int len) throws IOException {
        checkRange(b, off, len);
        if (!so.isBlocking()) {
            throw new IllegalStateException("sendAll needs a blocking socket");
        }
        int end = off + len;
        for (int start = off; off < end; ) {
            off += (int) sentOrRefuse(send(so, b, off, end - off, 0), off - start, len);
        }
    }

    /**
     * One send of a sendAll loop: its count, or — a send that would block, because another thread
     * made the socket non-blocking during the call — an {@link IllegalStateException} saying how
     * far it got, never {@link Socket#WOULD_BLOCK} added to the offset (which sent bytes twice).
     */
    static long sentOrRefuse(int n, long sent, long total) {
        if (n == Socket.WOULD_BLOCK) {
            throw new IllegalStateException("sendAll needs a blocking socket: it was made non-blocking during the call, after "
                    + sent + " of " + total + " bytes");
        }
        return n;
    }

    /** {@link Socket#sendTo(byte[], int, int, int, SocketAddress)}. */
    static int sendTo(Socket so, byte[] b, int off, int len, int flags, SocketAddress to) throws IOException {
        checkRange(b, off, len);
        if (Thread.currentThread().isVirtual()) {
            return SendReceive.sendToFrom(so, MemorySegment.ofArray(b).asSlice(off, len), flags, to);
        }
        MemorySegment tmp = so.scratch().copyBuffer(len).asSlice(0, len);
        MemorySegment.copy(b, off, tmp, ValueLayout.JAVA_BYTE, 0, len);
        return so.sendTo(tmp, flags, to);
    }
}
