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
        MemorySegment cs = so.callState();
        int fd = so.acquire();
        try {
            long n;
            if (!so.blockingMode() || (f & Constants.MSG_DONTWAIT) != 0) {
                // cannot block: the critical downcall skips the thread-state transition
                do {
                    n = recvNow(cs, fd, buf, size, f | Constants.MSG_DONTWAIT);
                } while (n < 0 && CallState.errno(cs) == Constants.EINTR);
                if (n < 0 && SocketWait.isWouldBlock(CallState.errno(cs))) {
                    return so.wouldBlock(CallState.errno(cs));
                }
            } else if (Thread.currentThread().isVirtual()) {
                long deadline = 0;
                for (;;) {
                    int mark = so.waits().readyMark(Readiness.READ);
                    n = recvNow(cs, fd, buf, size, f | Constants.MSG_DONTWAIT);
                    if (n >= 0 || !SocketWait.retryOrPark(true, CallState.errno(cs))) {
                        break;
                    }
                    deadline = so.waits().awaitReady("recv", Readiness.READ, deadline, Constants.SO_RCVTIMEO, CallState.errno(cs), mark);
                    cs = so.callState(); // the park gave the lease back (see Scratch)
                }
            } else {
                do {
                    n = LibC.recv(cs, fd, buf, Math.min(size, MAX_IO), f);
                } while (n < 0 && CallState.errno(cs) == Constants.EINTR);
            }
            if (n < 0) {
                throw so.failIo("recv", CallState.errno(cs));
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
        if (!so.blockingMode()) {
            f |= Constants.MSG_DONTWAIT;
        }
        boolean parks = so.parks(f);
        Scratch s = so.scratch();
        int fd = so.acquire();
        try {
            long n;
            long deadline = 0;
            for (;;) {
                int mark = so.waits().readyMark(Readiness.READ);
                s.addrLen.set(ValueLayout.JAVA_INT, 0, Scratch.ADDR_SIZE);
                int g = parks ? f | Constants.MSG_DONTWAIT : f;
                n = buf.isNative() ? LibC.recvfrom(s.cs, fd, buf, Math.min(buf.byteSize(), MAX_IO), g, s.addr, s.addrLen)
                        : CriticalCalls.recvfromHeap(s.cs, fd, buf, Math.min(buf.byteSize(), MAX_IO), g | Constants.MSG_DONTWAIT, s.addr, s.addrLen);
                if (n >= 0 || !SocketWait.retryOrPark(parks, s.errno())) {
                    break;
                }
                deadline = so.waits().awaitReady("recvfrom", Readiness.READ, deadline, Constants.SO_RCVTIMEO, s.errno(), mark);
                s = so.scratch(); // the park gave the lease back (see Scratch)
            }
            if (n < 0) {
                if (SocketWait.isWouldBlock(s.errno()) && (f & Constants.MSG_DONTWAIT) != 0) {
                    return new Received(so.wouldBlock(s.errno()), null);
                }
                throw so.failIo("recvfrom", s.errno());
            }
            int len = Math.min(s.addrLen.get(ValueLayout.JAVA_INT, 0), Scratch.ADDR_SIZE);
            so.checkNotClosedDuring("recvfrom");
            SocketAddress source;
            if (len > 0) {
                source = Addresses.decode(s.addr, len, false);
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
        MemorySegment cs = so.callState();
        int fd = so.acquire();
        try {
            long n;
            if (!so.blockingMode() || (f & Constants.MSG_DONTWAIT) != 0) {
                do {
                    n = sendNow(cs, fd, buf, size, f | Constants.MSG_DONTWAIT);
                } while (n < 0 && CallState.errno(cs) == Constants.EINTR);
                if (n < 0 && SocketWait.isWouldBlock(CallState.errno(cs))) {
                    return so.wouldBlock(CallState.errno(cs));
                }
            } else if (Thread.currentThread().isVirtual()) {
                long deadline = 0;
                for (;;) {
                    int mark = so.waits().readyMark(Readiness.WRITE);
                    n = sendNow(cs, fd, buf, size, f | Constants.MSG_DONTWAIT);
                    if (n >= 0 || !SocketWait.retryOrPark(true, CallState.errno(cs))) {
                        break;
                    }
                    deadline = so.waits().awaitReady("send", Readiness.WRITE, deadline, Constants.SO_SNDTIMEO, CallState.errno(cs), mark);
                    cs = so.callState(); // the park gave the lease back (see Scratch)
                }
            } else {
                do {
                    n = LibC.send(cs, fd, buf, Math.min(size, MAX_IO), f);
                } while (n < 0 && CallState.errno(cs) == Constants.EINTR);
            }
            if (n < 0) {
                throw so.failIo("send", CallState.errno(cs));
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
        if (!so.blockingMode()) {
            f |= Constants.MSG_DONTWAIT;
        }
        boolean parks = so.parks(f);
        Scratch s = so.scratch();
        int len = Addresses.encode(to, s.addr, so.family());
        int fd = so.acquire();
        try {
            long n;
            long deadline = 0;
            for (;;) {
                int mark = so.waits().readyMark(Readiness.WRITE);
                int g = parks ? f | Constants.MSG_DONTWAIT : f;
                n = buf.isNative() ? LibC.sendto(s.cs, fd, buf, Math.min(buf.byteSize(), MAX_IO), g, s.addr, len)
                        : CriticalCalls.sendtoHeap(s.cs, fd, buf, Math.min(buf.byteSize(), MAX_IO), g | Constants.MSG_DONTWAIT, s.addr, len);
                if (n >= 0 || !SocketWait.retryOrPark(parks, s.errno())) {
                    break;
                }
                deadline = so.waits().awaitReady("sendto", Readiness.WRITE, deadline, Constants.SO_SNDTIMEO, s.errno(), mark);
                s = so.scratch(); // the park gave the lease back (see Scratch): encode the address again
                Addresses.encode(to, s.addr, so.family());
            }
            if (n < 0) {
                if (SocketWait.isWouldBlock(s.errno()) && (f & Constants.MSG_DONTWAIT) != 0) {
                    return so.wouldBlock(s.errno());
                }
                throw so.failIo("sendto", s.errno());
            }
            so.checkNotClosedDuring("sendto");
            return (int) n;
        } finally {
            so.release();
        }
    }
    /** A {@code MSG_DONTWAIT} recv(2) into {@code buf}, native or (on a virtual thread) a Java array's slice. */
    static long recvNow(MemorySegment cs, int fd, MemorySegment buf, long size, int flags) {
        long len = Math.min(size, MAX_IO);
        return buf.isNative() ? CriticalCalls.recvNonBlocking(cs, fd, buf, len, flags) : CriticalCalls.recvHeap(cs, fd, buf, len, flags);
    }
    /** A {@code MSG_DONTWAIT} send(2) from {@code buf}; see {@link #recvNow}. */
    static long sendNow(MemorySegment cs, int fd, MemorySegment buf, long size, int flags) {
        long len = Math.min(size, MAX_IO);
        return buf.isNative() ? CriticalCalls.sendNonBlocking(cs, fd, buf, len, flags) : CriticalCalls.sendHeap(cs, fd, buf, len, flags);
    }

    /** The unnamed Unix address, made on first use rather than when the class loads. */
    private static final class Unnamed {
        static final SocketAddress ADDRESS = java.net.UnixDomainSocketAddress.of("");
    }
}
