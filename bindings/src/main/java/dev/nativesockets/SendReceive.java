package dev.nativesockets;

import dev.nativesockets.internal.CriticalCalls;
import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Platform;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;

/**
 * The data calls of a {@link Socket} after their argument checks: {@code recv(2)},
 * {@code recvfrom(2)}, {@code send(2)}, {@code sendto(2)}, each waiting as {@link SocketWait}
 * decides. The hot path of the library: the confined platform-thread call reads the socket's
 * owner fields ({@link Socket#callState()}, {@link Socket#acquire()}), makes one downcall and
 * allocates nothing; every call here is static, so nothing on it is megamorphic.
 */
final class SendReceive {
    private SendReceive() {}

    private static final boolean LINUX = Platform.current().isLinux();
    private static final int ALWAYS_SEND_FLAGS = LINUX ? Constants.MSG_NOSIGNAL : 0;
    private static final int MAX_IO = Integer.MAX_VALUE;

    /**
     * {@link Socket#recv(MemorySegment, int)} after the checks; {@code buf} may be a slice of a Java
     * array on a virtual thread, where every call carries {@code MSG_DONTWAIT} and so may touch
     * the array in place.
     */
    static int recvInto(Socket so, MemorySegment buf, long size, int flags) throws IOException {
        int f = MsgFlags.check(flags);
        int mode = SocketWait.mode(so, f);
        int g = SocketWait.callFlags(mode, f);
        long len = Math.min(size, MAX_IO);
        MemorySegment cs = so.callState();
        int fd = so.acquire();
        try {
            long n;
            for (long deadline = 0;;) {
                int mark = so.waits().readyMark(mode, Readiness.READ);
                // one that cannot block is a critical downcall: no thread-state transition
                n = mode == SocketWait.BLOCK ? LibC.recv(cs, fd, buf, len, g) : recvNow(cs, fd, buf, len, g);
                if (n >= 0 || (deadline = so.waits().retry(mode, "recv", Readiness.READ, fd, deadline, CallState.errno(cs), mark)) == SocketWait.DONE) {
                    break;
                }
                cs = so.callState(); // a park gave the lease back (see Scratch)
            }
            if (n < 0) {
                return SocketWait.failed(so, mode, "recv", CallState.errno(cs));
            }
            so.checkNotClosedDuring("recv");
            return (int) n;
        } finally {
            so.release();
        }
    }

    /** {@link Socket#recvFrom(MemorySegment, int)} after the checks; see {@link #recvInto} for a heap {@code buf}. */
    static Received recvFromInto(Socket so, MemorySegment buf, int flags) throws IOException {
        int f = MsgFlags.check(flags);
        int mode = SocketWait.mode(so, f);
        int g = SocketWait.callFlags(mode, f);
        long len = Math.min(buf.byteSize(), MAX_IO);
        Scratch s = so.scratch();
        int fd = so.acquire();
        try {
            long n;
            for (long deadline = 0;;) {
                int mark = so.waits().readyMark(mode, Readiness.READ);
                s.addrLen.set(ValueLayout.JAVA_INT, 0, Scratch.ADDR_SIZE);
                n = buf.isNative() ? LibC.recvfrom(s.cs, fd, buf, len, g, s.addr, s.addrLen)
                        : CriticalCalls.recvfromHeap(s.cs, fd, buf, len, g | Constants.MSG_DONTWAIT, s.addr, s.addrLen);
                if (n >= 0 || (deadline = so.waits().retry(mode, "recvfrom", Readiness.READ, fd, deadline, s.errno(), mark)) == SocketWait.DONE) {
                    break;
                }
                s = so.scratch(); // a park gave the lease back (see Scratch)
            }
            if (n < 0) {
                return new Received(SocketWait.failed(so, mode, "recvfrom", s.errno()), null);
            }
            int nameLen = Math.min(s.addrLen.get(ValueLayout.JAVA_INT, 0), Scratch.ADDR_SIZE);
            so.checkNotClosedDuring("recvfrom");
            SocketAddress source;
            if (nameLen > 0) {
                source = Addresses.decode(s.addr, nameLen, false);
            } else {
                // Linux gives an unnamed Unix sender as length 0; say "unnamed", as localAddress does
                source = so.family() == Constants.AF_UNIX && so.rawType() == Constants.SOCK_DGRAM ? Unnamed.ADDRESS : null;
            }
            return new Received((int) n, source);
        } finally {
            so.release();
        }
    }

    /** {@link Socket#send(MemorySegment, int)} after the checks; see {@link #recvInto} for a heap {@code buf}. */
    static int sendFrom(Socket so, MemorySegment buf, long size, int flags) throws IOException {
        int f = MsgFlags.check(flags) | ALWAYS_SEND_FLAGS;
        int mode = SocketWait.mode(so, f);
        int g = SocketWait.callFlags(mode, f);
        long len = Math.min(size, MAX_IO);
        MemorySegment cs = so.callState();
        int fd = so.acquire();
        try {
            long n;
            for (long deadline = 0;;) {
                int mark = so.waits().readyMark(mode, Readiness.WRITE);
                n = mode == SocketWait.BLOCK ? LibC.send(cs, fd, buf, len, g) : sendNow(cs, fd, buf, len, g);
                if (n >= 0 || (deadline = so.waits().retry(mode, "send", Readiness.WRITE, fd, deadline, CallState.errno(cs), mark)) == SocketWait.DONE) {
                    break;
                }
                cs = so.callState(); // a park gave the lease back (see Scratch)
            }
            if (n < 0) {
                return SocketWait.failed(so, mode, "send", CallState.errno(cs));
            }
            so.checkNotClosedDuring("send");
            return (int) n;
        } finally {
            so.release();
        }
    }

    /** {@link Socket#sendTo(MemorySegment, int, SocketAddress)} after the buffer checks; see {@link #recvInto} for a heap {@code buf}. */
    static int sendToFrom(Socket so, MemorySegment buf, int flags, SocketAddress to) throws IOException {
        so.checkFamily(to);
        int f = MsgFlags.check(flags) | ALWAYS_SEND_FLAGS;
        int mode = SocketWait.mode(so, f);
        int g = SocketWait.callFlags(mode, f);
        long len = Math.min(buf.byteSize(), MAX_IO);
        Scratch s = so.scratch();
        int nameLen = Addresses.encode(to, s.addr, so.family());
        int fd = so.acquire();
        try {
            long n;
            for (long deadline = 0;;) {
                int mark = so.waits().readyMark(mode, Readiness.WRITE);
                n = buf.isNative() ? LibC.sendto(s.cs, fd, buf, len, g, s.addr, nameLen)
                        : CriticalCalls.sendtoHeap(s.cs, fd, buf, len, g | Constants.MSG_DONTWAIT, s.addr, nameLen);
                if (n >= 0 || (deadline = so.waits().retry(mode, "sendto", Readiness.WRITE, fd, deadline, s.errno(), mark)) == SocketWait.DONE) {
                    break;
                }
                s = so.scratch(); // a park gave the lease back (see Scratch): encode the address again
                Addresses.encode(to, s.addr, so.family());
            }
            if (n < 0) {
                return SocketWait.failed(so, mode, "sendto", s.errno());
            }
            so.checkNotClosedDuring("sendto");
            return (int) n;
        } finally {
            so.release();
        }
    }

    /** A {@code MSG_DONTWAIT} recv(2) into {@code buf}, native or (on a virtual thread) a Java array's slice. */
    static long recvNow(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        return buf.isNative() ? CriticalCalls.recvNonBlocking(cs, fd, buf, len, flags) : CriticalCalls.recvHeap(cs, fd, buf, len, flags);
    }
    /** A {@code MSG_DONTWAIT} send(2) from {@code buf}; see {@link #recvNow}. */
    static long sendNow(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        return buf.isNative() ? CriticalCalls.sendNonBlocking(cs, fd, buf, len, flags) : CriticalCalls.sendHeap(cs, fd, buf, len, flags);
    }

    /** The unnamed Unix address, made on first use rather than when the class loads. */
    private static final class Unnamed {
        static final SocketAddress ADDRESS = java.net.UnixDomainSocketAddress.of("");
    }
}
