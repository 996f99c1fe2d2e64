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
        if ((f & Constants.MSG_WAITALL) != 0 && waitsForAll(so, f)) {
            return recvAllParked(so, buf, size, f);
        }
        return transfer(so, buf, size, f, false);
    }

    /**
     * Whether a {@code MSG_WAITALL} recv on {@code so} parks for the whole buffer: a virtual
     * thread's blocking recv on a stream socket (the kernel ignores the flag on datagrams), not a
     * peek (the kernel's peek waits until that much is queued; peeked again from the start here
     * would loop) — its attempts carry {@code MSG_DONTWAIT}, with which the kernel returns
     * whatever is queued, so the rest is waited for here.
     */
    private static boolean waitsForAll(Socket so, int f) {
        return (f & Constants.MSG_PEEK) == 0 && so.rawType() == Constants.SOCK_STREAM
                && SocketWait.mode(so, f) == SocketWait.PARK;
    }

    /**
     * A parked {@code MSG_WAITALL} recv: {@link #transfer}'s loop, going on after each piece until
     * {@code size} bytes are in, the peer's end of stream, or an error or the {@code SO_RCVTIMEO}
     * deadline (one for the whole call, as the kernel's) after some data — then, as the kernel
     * does, the data is the result.
     */
    private static int recvAllParked(Socket so, MemorySegment buf, long size, int f) throws IOException {
        int g = SocketWait.callFlags(SocketWait.PARK, f);
        long len = Math.min(size, MAX_IO);
        MemorySegment cs = so.callState();
        int fd = so.acquire();
        try {
            long got = 0;
            for (long deadline = 0;;) {
                int mark = so.waits().readyMark(SocketWait.PARK, Readiness.READ);
                long n = recvNow(cs, fd, got == 0 ? buf : buf.asSlice(got), len - got, g);
                if (n > 0) {
                    got += n;
                    if (got == len) {
                        break;
                    }
                    continue; // the next attempt finds the rest, or would-block and parks
                }
                if (n == 0) {
                    break; // end of stream: what came is the result
                }
                int errno = CallState.errno(cs);
                if (got > 0 && errno != Constants.EINTR && !SocketWait.isWouldBlock(errno)) {
                    break; // an error after data: the data is the result, as the kernel's
                }
                try {
                    deadline = so.waits().retry(SocketWait.PARK, "recv", Readiness.READ, fd, deadline, errno, mark);
                } catch (java.net.SocketTimeoutException timedOut) {
                    if (got > 0) {
                        break; // SO_RCVTIMEO after some data: the kernel returns that data
                    }
                    throw timedOut;
                }
                if (deadline == SocketWait.DONE) {
                    return SocketWait.failed(so, SocketWait.PARK, "recv", errno);
                }
                cs = so.callState(); // a park gave the lease back (see Scratch)
            }
            so.checkNotClosedDuring("recv");
            return (int) got;
        } finally {
            so.release();
        }
    }

    /** {@link Socket#send(MemorySegment, int)} after the checks; see {@link #recvInto} for a heap {@code buf}. */
    static int sendFrom(Socket so, MemorySegment buf, long size, int flags) throws IOException {
        return transfer(so, buf, size, MsgFlags.check(flags) | ALWAYS_SEND_FLAGS, true);
    }

    /**
     * recv(2) or send(2), waiting as {@link SocketWait} decides: the hot path. Small enough to be
     * inlined into {@link #recvInto} and {@link #sendFrom}, where {@code send} is a constant.
     */
    private static int transfer(Socket so, MemorySegment buf, long size, int f, boolean send) throws IOException {
        int mode = SocketWait.mode(so, f);
        int g = SocketWait.callFlags(mode, f);
        long len = Math.min(size, MAX_IO);
        int ops = send ? Readiness.WRITE : Readiness.READ;
        MemorySegment cs = so.callState();
        int fd = so.acquire();
        try {
            long n;
            for (long deadline = 0;;) {
                int mark = so.waits().readyMark(mode, ops);
                // one that cannot block is a critical downcall: no thread-state transition
                n = mode == SocketWait.BLOCK ? send ? LibC.send(cs, fd, buf, len, g) : LibC.recv(cs, fd, buf, len, g)
                        : send ? sendNow(cs, fd, buf, len, g) : recvNow(cs, fd, buf, len, g);
                if (n >= 0 || (deadline = so.waits().retry(mode, send ? "send" : "recv", ops, fd, deadline, CallState.errno(cs), mark)) == SocketWait.DONE) {
                    break;
                }
                cs = so.callState(); // a park gave the lease back (see Scratch)
            }
            if (n < 0) {
                return SocketWait.failed(so, mode, send ? "send" : "recv", CallState.errno(cs));
            }
            so.checkNotClosedDuring(send ? "send" : "recv");
            return (int) n;
        } finally {
            so.release();
        }
    }

    /** {@link Socket#recvFrom(MemorySegment, int)} after the checks; see {@link #recvInto} for a heap {@code buf}. */
    static Received recvFromInto(Socket so, MemorySegment buf, int flags) throws IOException {
        int f = MsgFlags.check(flags);
        int fd = so.acquire();
        try {
            long n = addressed(so, fd, buf, f, null, 0);
            if (n < 0) {
                return new Received((int) n, null);
            }
            Scratch s = so.scratch();
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

    /** {@link Socket#sendTo(MemorySegment, int, SocketAddress)} after the buffer checks; see {@link #recvInto} for a heap {@code buf}. */
    static int sendToFrom(Socket so, MemorySegment buf, int flags, SocketAddress to) throws IOException {
        so.checkFamily(to);
        int f = MsgFlags.check(flags) | ALWAYS_SEND_FLAGS;
        int nameLen = Addresses.encode(to, so.scratch().addr, so.family());
        int fd = so.acquire();
        try {
            long n = addressed(so, fd, buf, f, to, nameLen);
            if (n >= 0) {
                so.checkNotClosedDuring("sendto");
            }
            return (int) n;
        } finally {
            so.release();
        }
    }

    /**
     * recvfrom(2) (the sender's address left in the scratch's {@code addr}/{@code addrLen}) or,
     * with a destination {@code to} already encoded there, sendto(2), waiting as
     * {@link SocketWait} decides; {@link Socket#WOULD_BLOCK} for a call that cannot wait.
     */
    private static long addressed(Socket so, int fd, MemorySegment buf, int f, SocketAddress to, int nameLen) throws IOException {
        boolean send = to != null;
        int mode = SocketWait.mode(so, f);
        int g = SocketWait.callFlags(mode, f);
        long len = Math.min(buf.byteSize(), MAX_IO);
        int ops = send ? Readiness.WRITE : Readiness.READ;
        Scratch s = so.scratch();
        long n;
        for (long deadline = 0;;) {
            int mark = so.waits().readyMark(mode, ops);
            if (send) {
                n = buf.isNative() ? LibC.sendto(s.cs, fd, buf, len, g, s.addr, nameLen)
                        : CriticalCalls.sendtoHeap(s.cs, fd, buf, len, g | Constants.MSG_DONTWAIT, s.addr, nameLen);
            } else {
                s.addrLen.set(ValueLayout.JAVA_INT, 0, Scratch.ADDR_SIZE);
                n = buf.isNative() ? LibC.recvfrom(s.cs, fd, buf, len, g, s.addr, s.addrLen)
                        : CriticalCalls.recvfromHeap(s.cs, fd, buf, len, g | Constants.MSG_DONTWAIT, s.addr, s.addrLen);
            }
            if (n >= 0 || (deadline = so.waits().retry(mode, send ? "sendto" : "recvfrom", ops, fd, deadline, s.errno(), mark)) == SocketWait.DONE) {
                break;
            }
            s = so.scratch(); // a park gave the lease back (see Scratch)
            if (send) {
                Addresses.encode(to, s.addr, so.family()); // and the destination with it
            }
        }
        return n >= 0 ? n : SocketWait.failed(so, mode, send ? "sendto" : "recvfrom", s.errno());
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
