package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Iovec;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Mmsghdr;
import dev.nativesockets.libc.Msghdr;
import dev.nativesockets.libc.Platform;
import dev.nativesockets.libc.Timespec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The work behind {@link Socket}'s scatter/gather and message calls: {@code readv(2)},
 * {@code writev(2)} (issued as {@code sendmsg(2)} so {@code MSG_NOSIGNAL} applies),
 * {@code sendmsg(2)}, {@code recvmsg(2)}, {@code sendmmsg(2)}, {@code recvmmsg(2)}.
 *
 * <p>Every argument is checked before the descriptor is acquired. The native {@code msghdr},
 * {@code iovec} arrays, names and outgoing control data live in per-thread {@link Buffers}, so a
 * call on native segments allocates nothing. Received descriptors are adopted right after the
 * call returns, before anything that could throw.
 */
final class Messages {
    private Messages() {}

    private static final boolean LINUX = Platform.current().isLinux();
    /** Added to every send: no SIGPIPE on Linux (Darwin sockets carry SO_NOSIGPIPE). */
    private static final int SEND_FLAGS = LINUX ? Constants.MSG_NOSIGNAL : 0;
    /** Added to every receive: received descriptors are close-on-exec from the start (Linux). */
    private static final int RECV_FLAGS = LINUX ? Constants.MSG_CMSG_CLOEXEC : 0;
    /** msg_flags bits that echo input flags rather than report anything. */
    private static final int FLAGS_OUT_MASK = LINUX ? ~Constants.MSG_CMSG_CLOEXEC : ~0;
    /** {@code UIO_MAXIOV}: the most messages one sendmmsg/recvmmsg takes. */
    static final int MAX_MMSG = 1024;
    private static final int ADDR = Scratch.ADDR_SIZE;

    /** Per-thread native temporaries for message calls; they grow on demand and are reused. */
    static final class Buffers {
        private static final ThreadLocal<Buffers> LOCAL = ThreadLocal.withInitial(Buffers::new);

        static Buffers get() {
            return LOCAL.get();
        }

        final Arena arena = Arena.ofAuto();
        final Pins pins = new Pins();
        final Holds holds = new Holds();
        final MemorySegment msghdr = arena.allocate(Msghdr.SIZE, 8);
        final MemorySegment name = arena.allocate(ADDR, 8);
        final MemorySegment timespec = arena.allocate(Timespec.SIZE, 8);
        private MemorySegment iov = arena.allocate(Iovec.SIZE * 16, 8);
        private MemorySegment control = arena.allocate(512, 8);
        private MemorySegment mmsg = MemorySegment.NULL;
        private MemorySegment names = MemorySegment.NULL;

        MemorySegment iov(long entries) {
            long size = entries * Iovec.SIZE;
            if (iov.byteSize() < size) {
                iov = arena.allocate(Math.max(size, iov.byteSize() * 2), 8);
            }
            return iov;
        }

        MemorySegment control(long size) {
            if (control.byteSize() < size) {
                control = arena.allocate(Math.max(size, control.byteSize() * 2), 8);
            }
            return control;
        }

        MemorySegment mmsg(int n) {
            long size = n * Mmsghdr.SIZE;
            if (mmsg.byteSize() < size) {
                mmsg = arena.allocate(Math.max(size, Mmsghdr.SIZE * 16), 8);
            }
            return mmsg;
        }

        MemorySegment names(int n) {
            long size = (long) n * ADDR;
            if (names.byteSize() < size) {
                names = arena.allocate(Math.max(size, ADDR * 16L), 8);
            }
            return names;
        }
    }

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
        Pins pins = Buffers.get().pins;
        List<MemorySegment> segs = v.enter();
        try {
            checkCount(segs.size());
            MemorySegment iov = Buffers.get().iov(segs.size());
            fillIov(iov, 0, v, segs, read, pins);
            return transfer(s, iov, segs.size(), read, pins);
        } finally {
            pins.clear();
            v.exit();
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
        Pins pins = Buffers.get().pins;
        try {
            MemorySegment iov = Buffers.get().iov(segs.length);
            for (int i = 0; i < segs.length; i++) {
                checkSegment(segs[i], read);
                pins.add(segs[i]);
                putIov(iov, i, segs[i]);
            }
            return transfer(s, iov, segs.length, read, pins);
        } finally {
            pins.clear();
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
        try {
            MemorySegment iov = Buffers.get().iov(bufs.length);
            Pins pins = Buffers.get().pins;
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
                n = transfer(s, iov, bufs.length, read, pins);
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
            if (callArena != null) {
                callArena.close();
            }
        }
    }

    private static long transfer(Socket s, MemorySegment iov, int count, boolean read, Pins pins) throws IOException {
        Scratch sc = Scratch.get();
        boolean nonBlocking = !s.blockingMode();
        // on a virtual thread readv(2), which takes no flags, becomes recvmsg(2) with MSG_DONTWAIT
        boolean parks = s.parks(0);
        MemorySegment hdr = read && !parks ? null : Buffers.get().msghdr;
        int f = (read ? 0 : SEND_FLAGS) | (nonBlocking || parks ? Constants.MSG_DONTWAIT : 0);
        int fd = s.acquire();
        try {
            long n;
            long deadline = 0;
            for (;;) {
                int mark = s.waits().readyMark(read ? Readiness.READ : Readiness.WRITE);
                if (read && !parks) {
                    n = pins.any() ? pins.call(sc.cs, Constants.SYS_readv, fd, iov.address(), count, 0, 0)
                            : LibC.readv(sc.cs, fd, iov, count);
                } else {
                    header(hdr, MemorySegment.NULL, 0, iov, count, MemorySegment.NULL, 0);
                    int sys = read ? Constants.SYS_recvmsg : Constants.SYS_sendmsg;
                    n = pins.any() ? pins.call(sc.cs, sys, fd, hdr.address(), f, 0, 0)
                            : read ? LibC.recvmsg(sc.cs, fd, hdr, f) : LibC.sendmsg(sc.cs, fd, hdr, f);
                }
                if (n >= 0 || !SocketWait.retryOrPark(parks, sc.errno())) {
                    break;
                }
                deadline = read ? s.waits().awaitReady("readv", Readiness.READ, deadline, Constants.SO_RCVTIMEO, sc.errno(), mark)
                        : s.waits().awaitReady("writev", Readiness.WRITE, deadline, Constants.SO_SNDTIMEO, sc.errno(), mark);
                sc = Scratch.get(); // the park gave the lease back (see Scratch)
            }
            if (n < 0) {
                int e = sc.errno();
                if (SocketWait.isWouldBlock(e) && nonBlocking) {
                    return s.wouldBlock(e);
                }
                throw s.failIo(read ? "readv" : "writev", e);
            }
            if (n == 0 && read && s.isClosed()) {
                throw new SocketClosedException("readv");
            }
            return n;
        } finally {
            s.release();
        }
    }

    // ---- sendmsg / recvmsg -----------------------------------------------------------------------

    static long sendMsg(Socket s, Message m, int flags) throws IOException {
        Checks.requireArg(m, "message");
        int f = MsgFlags.check(flags) | SEND_FLAGS;
        boolean nonBlocking = !s.blockingMode() || (f & Constants.MSG_DONTWAIT) != 0;
        if (!s.blockingMode()) {
            f |= Constants.MSG_DONTWAIT;
        }
        boolean parks = s.parks(f);
        Buffers b = Buffers.get();
        // read once: what is held is what is encoded and what is released
        List<ControlMessage> control = m.control();
        int controlLen = ControlMessages.totalSpace(control);
        IoVector v = m.vector();
        List<MemorySegment> vsegs = v == null ? null : v.enter();
        Pins pins = b.pins;
        Holds holds = b.holds;
        try {
            MemorySegment iov = b.iov(m.segmentCount());
            int count = fillIov(iov, 0, m, vsegs, false, pins);
            int nameLen = encodeName(s, m, b.name);
            MemorySegment cbuf = controlLen == 0 ? MemorySegment.NULL : b.control(controlLen);
            holds.hold(control);
            if (controlLen > 0) {
                ControlMessages.encode(control, cbuf);
            }
            Scratch sc = Scratch.get();
            int fd = s.acquire();
            try {
                long n;
                long deadline = 0;
                for (;;) {
                    int mark = s.waits().readyMark(Readiness.WRITE);
                    header(b.msghdr, nameLen == 0 ? MemorySegment.NULL : b.name, nameLen, iov, count, cbuf, controlLen);
                    int g = parks ? f | Constants.MSG_DONTWAIT : f;
                    n = pins.any() ? pins.call(sc.cs, Constants.SYS_sendmsg, fd, b.msghdr.address(), g, 0, 0)
                            : LibC.sendmsg(sc.cs, fd, b.msghdr, g);
                    if (n >= 0 || !SocketWait.retryOrPark(parks, sc.errno())) {
                        break;
                    }
                    deadline = s.waits().awaitReady("sendmsg", Readiness.WRITE, deadline, Constants.SO_SNDTIMEO, sc.errno(), mark);
                    sc = Scratch.get(); // the park gave the lease back (see Scratch)
                }
                if (n < 0) {
                    int e = sc.errno();
                    if (SocketWait.isWouldBlock(e) && nonBlocking) {
                        m.sent(Socket.WOULD_BLOCK);
                        return s.wouldBlock(e);
                    }
                    throw s.failIo("sendmsg", e);
                }
                m.sent(n);
                return n;
            } finally {
                s.release();
            }
        } finally {
            holds.release();
            pins.clear();
            if (v != null) {
                v.exit();
            }
        }
    }

    static long recvMsg(Socket s, Message m, int flags) throws IOException {
        Checks.requireArg(m, "message");
        int f = MsgFlags.check(flags);
        boolean nonBlocking = !s.blockingMode() || (f & Constants.MSG_DONTWAIT) != 0;
        if (!s.blockingMode()) {
            f |= Constants.MSG_DONTWAIT;
        }
        boolean parks = s.parks(f);
        Buffers b = Buffers.get();
        IoVector v = m.vector();
        List<MemorySegment> vsegs = v == null ? null : v.enter();
        Pins pins = b.pins;
        try {
            MemorySegment iov = b.iov(m.segmentCount());
            int count = fillIov(iov, 0, m, vsegs, true, pins);
            MemorySegment control = m.receiveControl();
            int controlCap = 0;
            if (control != null) {
                Checks.checkInto(control);
                controlCap = (int) Math.min(control.byteSize(), Cmsg.MAX_CONTROL);
            }
            // control data lands in the library's memory first: the descriptors in it are taken
            // from there, whatever happens to the caller's buffer (see received)
            MemorySegment stage = controlCap == 0 ? MemorySegment.NULL : b.control(controlCap);
            Scratch sc = Scratch.get();
            int fd = s.acquire();
            try {
                long n;
                long deadline = 0;
                for (;;) {
                    int mark = s.waits().readyMark(Readiness.READ);
                    header(b.msghdr, b.name, ADDR, iov, count, stage, controlCap);
                    int g = (parks ? f | Constants.MSG_DONTWAIT : f) | RECV_FLAGS;
                    n = pins.any() ? pins.call(sc.cs, Constants.SYS_recvmsg, fd, b.msghdr.address(), g, 0, 0)
                            : LibC.recvmsg(sc.cs, fd, b.msghdr, g);
                    if (n >= 0 || !SocketWait.retryOrPark(parks, sc.errno())) {
                        break;
                    }
                    deadline = s.waits().awaitReady("recvmsg", Readiness.READ, deadline, Constants.SO_RCVTIMEO, sc.errno(), mark);
                    sc = Scratch.get(); // the park gave the lease back (see Scratch)
                }
                if (n < 0) {
                    int e = sc.errno();
                    if (SocketWait.isWouldBlock(e) && nonBlocking) {
                        m.wouldBlock();
                        return s.wouldBlock(e);
                    }
                    throw s.failIo("recvmsg", e);
                }
                received(m, b.msghdr, b.name, stage, controlCap, n);
                if (controlCap > 0) {
                    // after received: the caller's buffer may be gone (closed arena); the descriptors are m's already
                    MemorySegment.copy(stage, 0, control, 0, m.controlLength());
                }
                if (n == 0 && s.isClosed()) {
                    throw new SocketClosedException("recvmsg"); // woken by close(); any descriptors are in m
                }
                return n;
            } finally {
                s.release();
            }
        } finally {
            pins.clear();
            if (v != null) {
                v.exit();
            }
        }
    }

    /** Takes the results of one receive into {@code m}: descriptors first, since nothing before that may throw. */
    private static void received(Message m, MemorySegment hdr, MemorySegment name, MemorySegment control,
                                 int controlCap, long n) {
        int controlLen = control == null ? 0 : (int) Math.max(0, Math.min(Msghdr.MSG_CONTROLLEN.get(hdr), controlCap));
        List<ControlMessage.Rights> rights = controlLen == 0 ? List.of() : takeRights(control, controlLen);
        int nameLen = Math.max(0, Math.min(Msghdr.MSG_NAMELEN.getInt(hdr), ADDR));
        MemorySegment.copy(name, ValueLayout.JAVA_BYTE, 0, m.nameBytes(), 0, nameLen);
        m.receivedResult(n, Msghdr.MSG_FLAGS.getInt(hdr) & FLAGS_OUT_MASK, nameLen, controlLen, rights);
    }

    /**
     * Adopts every descriptor in the SCM_RIGHTS entries of {@code [0, len)}: the kernel installed
     * each one found there, truncated buffer or not, so each must get an owner now.
     */
    static List<ControlMessage.Rights> takeRights(MemorySegment buf, long len) {
        List<ControlMessage.Rights> out = List.of();
        for (long p = 0; p >= 0; p = Cmsg.next(buf, len, p)) {
            int dataLen = Cmsg.dataLength(buf, len, p);
            if (dataLen < 0) {
                break;
            }
            if (!ControlMessages.isRights(Cmsg.level(buf, p), Cmsg.type(buf, p))) {
                continue;
            }
            int count = dataLen / 4;
            List<Fd> fds = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int fd = buf.get(ValueLayout.JAVA_INT_UNALIGNED, p + Cmsg.HDR + 4L * i);
                if (fd >= 0) {
                    if (!LINUX) {
                        // Darwin has no MSG_CMSG_CLOEXEC: mark it now (a fork+exec in between could still inherit it)
                        LibC.fcntl(Scratch.get().cs, fd, Constants.F_SETFD, Constants.FD_CLOEXEC);
                    }
                    fds.add(Fd.adopt(fd));
                }
            }
            if (out.isEmpty()) {
                out = new ArrayList<>(2);
            }
            out.add(ControlMessage.Rights.received(fds));
        }
        return out;
    }

    // ---- sendmmsg / recvmmsg ---------------------------------------------------------------------

    static int sendMmsg(Socket s, List<Message> ms, int flags) throws IOException {
        requireLinux("sendmmsg");
        checkBatch(ms);
        int f = MsgFlags.check(flags) | SEND_FLAGS;
        boolean nonBlocking = !s.blockingMode() || (f & Constants.MSG_DONTWAIT) != 0;
        if (!s.blockingMode()) {
            f |= Constants.MSG_DONTWAIT;
        }
        int vlen = ms.size();
        Buffers b = Buffers.get();
        // sizes first: everything is checked before anything is entered or held
        long iovTotal = 0;
        long controlTotal = 0;
        for (Message m : ms) {
            iovTotal += m.segmentCount();
            controlTotal += ControlMessages.totalSpace(m.control());
        }
        if (controlTotal > Cmsg.MAX_CONTROL * 4L) {
            throw new IllegalArgumentException("control data of the batch exceeds " + (Cmsg.MAX_CONTROL * 4) + " bytes");
        }
        MemorySegment vec = b.mmsg(vlen);
        MemorySegment names = b.names(vlen);
        MemorySegment iov = b.iov(iovTotal);
        MemorySegment cbuf = controlTotal == 0 ? MemorySegment.NULL : b.control(controlTotal);
        int entered = 0;
        Pins pins = b.pins;
        Holds holds = b.holds;
        try {
            long iovAt = 0;
            long cAt = 0;
            for (int i = 0; i < vlen; i++) {
                Message m = ms.get(i);
                IoVector v = m.vector();
                List<MemorySegment> vsegs = v == null ? null : v.enter();
                entered = i + 1;
                int count = fillIov(iov, iovAt, m, vsegs, false, pins);
                MemorySegment name = names.asSlice((long) i * ADDR, ADDR);
                int nameLen = encodeName(s, m, name);
                // read once: what is held is what is encoded and what is released
                List<ControlMessage> control = m.control();
                int cLen = ControlMessages.totalSpace(control);
                if (cAt + cLen > controlTotal) {
                    throw new IllegalStateException("a message's control messages changed during the call");
                }
                holds.hold(control);
                MemorySegment c = MemorySegment.NULL;
                if (cLen > 0) {
                    c = cbuf.asSlice(cAt, cLen);
                    ControlMessages.encode(control, c);
                }
                long entry = i * Mmsghdr.SIZE;
                header(vec, entry + Mmsghdr.MSG_HDR.offset(), nameLen == 0 ? MemorySegment.NULL : name, nameLen,
                        count == 0 ? MemorySegment.NULL : iov.asSlice(iovAt * Iovec.SIZE), count, c, cLen);
                Mmsghdr.MSG_LEN.set(vec, entry, 0);
                iovAt += count;
                cAt += cLen;
            }
            int n = sendmmsg(s, vec, vlen, f, nonBlocking, pins);
            for (int i = 0; i < vlen; i++) {
                ms.get(i).sent(n == Socket.WOULD_BLOCK ? Socket.WOULD_BLOCK
                        : i < n ? Integer.toUnsignedLong((int) Mmsghdr.MSG_LEN.get(vec, i * Mmsghdr.SIZE)) : 0);
            }
            return n;
        } finally {
            holds.release();
            pins.clear();
            for (int i = 0; i < entered; i++) {
                IoVector v = ms.get(i).vector();
                if (v != null) {
                    v.exit();
                }
            }
        }
    }

    /** One {@code sendmmsg(2)} of a laid-out vector on {@code s}: retried on EINTR; would-block is a result. */
    private static int sendmmsg(Socket s, MemorySegment vec, int vlen, int f, boolean nonBlocking, Pins pins)
            throws IOException {
        Scratch sc = Scratch.get();
        boolean parks = s.parks(f);
        int fd = s.acquire();
        try {
            int n;
            long deadline = 0;
            for (;;) {
                int mark = s.waits().readyMark(Readiness.WRITE);
                int g = parks ? f | Constants.MSG_DONTWAIT : f;
                n = pins != null && pins.any() ? (int) pins.call(sc.cs, Constants.SYS_sendmmsg, fd, vec.address(), vlen, g, 0)
                        : LibC.sendmmsg(sc.cs, fd, vec, vlen, g);
                if (n >= 0 || !SocketWait.retryOrPark(parks, sc.errno())) {
                    break;
                }
                deadline = s.waits().awaitReady("sendmmsg", Readiness.WRITE, deadline, Constants.SO_SNDTIMEO, sc.errno(), mark);
                sc = Scratch.get(); // the park gave the lease back (see Scratch)
            }
            if (n < 0) {
                int e = sc.errno();
                if (SocketWait.isWouldBlock(e) && nonBlocking) {
                    return s.wouldBlock(e);
                }
                throw s.failIo("sendmmsg", e);
            }
            return n;
        } finally {
            s.release();
        }
    }

    /**
     * One {@code recvmmsg(2)} into a laid-out vector on {@code s}: retried on EINTR; would-block
     * is a result. The caller takes the received descriptors at once: nothing between the call and
     * its return can throw.
     */
    private static int recvmmsg(Socket s, MemorySegment vec, int vlen, int f, MemorySegment ts, boolean nonBlocking,
                                Pins pins) throws IOException {
        Scratch sc = Scratch.get();
        // on a virtual thread: MSG_DONTWAIT and a park until readable, so a blocking call returns
        // once datagrams have arrived and no more are queued, as with MSG_WAITFORONE
        boolean parks = s.parks(f);
        int fd = s.acquire();
        try {
            int n;
            long deadline = 0;
            for (;;) {
                int mark = s.waits().readyMark(Readiness.READ);
                int g = (parks ? f | Constants.MSG_DONTWAIT : f) | RECV_FLAGS;
                n = pins != null && pins.any()
                        ? (int) pins.call(sc.cs, Constants.SYS_recvmmsg, fd, vec.address(), vlen, g, ts.address())
                        : LibC.recvmmsg(sc.cs, fd, vec, vlen, g, ts);
                if (n >= 0 || !SocketWait.retryOrPark(parks, sc.errno())) {
                    break;
                }
                deadline = s.waits().awaitReady("recvmmsg", Readiness.READ, deadline, Constants.SO_RCVTIMEO, sc.errno(), mark);
                sc = Scratch.get(); // the park gave the lease back (see Scratch)
            }
            if (n < 0) {
                int e = sc.errno();
                if (SocketWait.isWouldBlock(e) && nonBlocking) {
                    return s.wouldBlock(e);
                }
                throw s.failIo("recvmmsg", e);
            }
            return n;
        } finally {
            s.release();
        }
    }

    static int recvMmsg(Socket s, List<Message> ms, int flags, Duration timeout) throws IOException {
        requireLinux("recvmmsg");
        checkBatch(ms);
        int f = MsgFlags.check(flags);
        boolean nonBlocking = !s.blockingMode() || (f & Constants.MSG_DONTWAIT) != 0;
        if (!s.blockingMode()) {
            f |= Constants.MSG_DONTWAIT;
        }
        if (WaitTimeout.nanos(timeout) == WaitTimeout.FOREVER) {
            timeout = null; // refuses a negative one; 100 years or more is the same as none
        }
        int vlen = ms.size();
        Buffers b = Buffers.get();
        long iovTotal = 0;
        long controlTotal = 0;
        // read once: the buffers the kernel fills are the buffers the results are copied to
        MemorySegment[] controls = null;
        for (int i = 0; i < vlen; i++) {
            Message m = ms.get(i);
            iovTotal += m.segmentCount();
            MemorySegment c = m.receiveControl();
            if (c != null) {
                Checks.checkInto(c);
                if (controls == null) {
                    controls = new MemorySegment[vlen];
                }
                controls[i] = c;
                controlTotal += align8(Math.min(c.byteSize(), Cmsg.MAX_CONTROL));
            }
        }
        if (controls != null) {
            rejectSharedControl(ms);
        }
        MemorySegment vec = b.mmsg(vlen);
        MemorySegment names = b.names(vlen);
        MemorySegment iov = b.iov(iovTotal);
        // control data lands in the library's memory: descriptors are taken from there (see recvMsg)
        MemorySegment stage = controls == null ? MemorySegment.NULL : b.control(controlTotal);
        MemorySegment ts = MemorySegment.NULL;
        if (timeout != null) {
            ts = b.timespec;
            Timespec.TV_SEC.set(ts, timeout.getSeconds());
            Timespec.TV_NSEC.set(ts, timeout.getNano());
        }
        int entered = 0;
        Pins pins = b.pins;
        try {
            long iovAt = 0;
            long cAt = 0;
            for (int i = 0; i < vlen; i++) {
                Message m = ms.get(i);
                IoVector v = m.vector();
                List<MemorySegment> vsegs = v == null ? null : v.enter();
                entered = i + 1;
                int count = fillIov(iov, iovAt, m, vsegs, true, pins);
                int cCap = controlCap(controls, i);
                long entry = i * Mmsghdr.SIZE;
                header(vec, entry + Mmsghdr.MSG_HDR.offset(), names.asSlice((long) i * ADDR, ADDR), ADDR,
                        count == 0 ? MemorySegment.NULL : iov.asSlice(iovAt * Iovec.SIZE), count,
                        cCap == 0 ? MemorySegment.NULL : stage.asSlice(cAt, cCap), cCap);
                Mmsghdr.MSG_LEN.set(vec, entry, 0);
                iovAt += count;
                cAt += align8(cCap);
            }
            int n = recvmmsg(s, vec, vlen, f, ts, nonBlocking, pins);
            if (n == Socket.WOULD_BLOCK) {
                for (Message m : ms) {
                    m.wouldBlock();
                }
                return Socket.WOULD_BLOCK;
            }
            // descriptors of every message first; then the rest
            List<List<ControlMessage.Rights>> rights = controls != null ? new ArrayList<>(n) : null;
            cAt = 0;
            for (int i = 0; controls != null && i < n; i++) {
                int cCap = controlCap(controls, i);
                int cLen = receivedControlLength(vec, i, cCap);
                rights.add(cLen == 0 ? List.of() : takeRights(stage.asSlice(cAt, cLen), cLen));
                cAt += align8(cCap);
            }
            cAt = 0;
            for (int i = 0; i < vlen; i++) {
                Message m = ms.get(i);
                int cCap = controlCap(controls, i);
                long at = cAt;
                cAt += align8(cCap);
                if (i >= n) {
                    m.receivedResult(0, 0, 0, 0, List.of());
                    continue;
                }
                // read at offsets in the vector: slices here were the batch's main garbage
                long entry = i * Mmsghdr.SIZE;
                long hdr = entry + Mmsghdr.MSG_HDR.offset();
                int cLen = receivedControlLength(vec, i, cCap);
                int nameLen = (int) Math.max(0, Math.min((int) Msghdr.MSG_NAMELEN.get(vec, hdr), ADDR));
                MemorySegment.copy(names, ValueLayout.JAVA_BYTE, (long) i * ADDR, m.nameBytes(), 0, nameLen);
                long len = Integer.toUnsignedLong((int) Mmsghdr.MSG_LEN.get(vec, entry));
                m.receivedResult(len, (int) Msghdr.MSG_FLAGS.get(vec, hdr) & FLAGS_OUT_MASK, nameLen, cLen,
                        rights == null ? List.of() : rights.get(i));
            }
            // last: a caller's buffer may be gone (closed arena); every descriptor has its owner already
            cAt = 0;
            for (int i = 0; controls != null && i < n; i++) {
                int cCap = controlCap(controls, i);
                int cLen = receivedControlLength(vec, i, cCap);
                if (cLen > 0) {
                    MemorySegment.copy(stage, cAt, controls[i], 0, cLen);
                }
                cAt += align8(cCap);
            }
            if (s.isClosed() && ms.get(0).length() == 0) {
                throw new SocketClosedException("recvmmsg");
            }
            return n;
        } finally {
            pins.clear();
            for (int i = 0; i < entered; i++) {
                IoVector v = ms.get(i).vector();
                if (v != null) {
                    v.exit();
                }
            }
        }
    }

    private static int controlCap(MemorySegment[] controls, int i) {
        return controls == null || controls[i] == null ? 0 : (int) Math.min(controls[i].byteSize(), Cmsg.MAX_CONTROL);
    }

    private static int receivedControlLength(MemorySegment vec, int i, int cap) {
        return cap == 0 ? 0 : (int) Math.max(0, Math.min(Msghdr.MSG_CONTROLLEN.get(vec, i * Mmsghdr.SIZE + Mmsghdr.MSG_HDR.offset()), cap));
    }

    private static long align8(long n) {
        return (n + 7) & -8L;
    }

    // ---- sendmmsg / recvmmsg on a prepared MessageBatch ---------------------------------------------

    static int sendMmsg(Socket s, MessageBatch b, int from, int count, int flags) throws IOException {
        requireLinux("sendmmsg");
        Checks.requireArg(b, "batch");
        Checks.checkInto(b.vec); // the batch's arena: open, and this thread's to use
        b.checkRange(from, count);
        int f = MsgFlags.check(flags) | SEND_FLAGS;
        boolean nonBlocking = !s.blockingMode() || (f & Constants.MSG_DONTWAIT) != 0;
        if (!s.blockingMode()) {
            f |= Constants.MSG_DONTWAIT;
        }
        b.checkSend(from, count, s.family());
        Holds holds = Buffers.get().holds;
        try {
            b.prepareSend(from, count, holds);
            // the vector is a direct argument: the linker holds the batch's arena open for the call
            return sendmmsg(s, b.tail(from), count, f, nonBlocking, null);
        } finally {
            holds.release();
            Reference.reachabilityFence(b);
        }
    }

    static int recvMmsg(Socket s, MessageBatch b, int from, int count, int flags, Duration timeout) throws IOException {
        requireLinux("recvmmsg");
        Checks.requireArg(b, "batch");
        Checks.checkInto(b.vec); // the batch's arena: open, and this thread's to use
        b.checkRange(from, count);
        int f = MsgFlags.check(flags);
        boolean nonBlocking = !s.blockingMode() || (f & Constants.MSG_DONTWAIT) != 0;
        if (!s.blockingMode()) {
            f |= Constants.MSG_DONTWAIT;
        }
        if (WaitTimeout.nanos(timeout) == WaitTimeout.FOREVER) {
            timeout = null; // refuses a negative one; 100 years or more is the same as none
        }
        MemorySegment ts = MemorySegment.NULL;
        if (timeout != null) {
            ts = Buffers.get().timespec;
            Timespec.TV_SEC.set(ts, timeout.getSeconds());
            Timespec.TV_NSEC.set(ts, timeout.getNano());
        }
        Buffers buffers = Buffers.get();
        b.prepareReceive(from, count, buffers);
        try {
            int n = recvmmsg(s, b.tail(from), count, f, ts, nonBlocking, null);
            if (n == Socket.WOULD_BLOCK) {
                b.takeReceived(from, count, 0);
                return Socket.WOULD_BLOCK;
            }
            b.takeReceived(from, count, n); // descriptors are owned from here on
            if (s.isClosed() && b.length(from) == 0) {
                throw new SocketClosedException("recvmmsg"); // woken by close(); any descriptors are in the batch
            }
            return n;
        } finally {
            Reference.reachabilityFence(b);
        }
    }

    private static void requireLinux(String call) {
        if (!LINUX) {
            throw new UnsupportedOperationException(call + " is Linux-only; loop over sendMsg/recvMsg on " + Platform.current());
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong BATCH_STAMPS = new java.util.concurrent.atomic.AtomicLong();

    private static void checkBatch(List<Message> ms) {
        Checks.requireArg(ms, "messages");
        if (ms.isEmpty() || ms.size() > MAX_MMSG) {
            throw new IllegalArgumentException("a batch holds 1 to " + MAX_MMSG + " messages, not " + ms.size());
        }
        // duplicates in O(n): each message is stamped with this call's unique number (was O(n²):
        // ~500 list reads per call for 32 messages, measured ~2 % of a loopback batch)
        long stamp = BATCH_STAMPS.incrementAndGet();
        for (int i = 0, n = ms.size(); i < n; i++) {
            Message m = Checks.requireArg(ms.get(i), "message");
            if (m.batchStamp == stamp) {
                throw new IllegalArgumentException("message " + i + " appears twice in the batch");
            }
            m.batchStamp = stamp;
        }
    }

    /**
     * recvmmsg fills every message's control buffer before any is read: two messages sharing bytes
     * of one would have the second's SCM_RIGHTS overwrite the first's, leaving descriptors unowned
     * and others owned twice.
     */
    private static void rejectSharedControl(List<Message> ms) {
        long[][] spans = ms.stream().map(Message::receiveControl).filter(java.util.Objects::nonNull)
                .map(c -> new long[] {c.address(), c.address() + c.byteSize()})
                .sorted(java.util.Comparator.comparingLong(a -> a[0])).toArray(long[][]::new);
        for (int i = 1; i < spans.length; i++) {
            if (spans[i][0] < spans[i - 1][1]) {
                throw new IllegalArgumentException("messages in a recvMmsg batch share control-buffer memory");
            }
        }
    }

    // ---- pieces --------------------------------------------------------------------------------

    private static void checkCount(int n) {
        if (n > IoVector.IOV_MAX) {
            throw new IllegalArgumentException("at most " + IoVector.IOV_MAX + " buffers (IOV_MAX), not " + n);
        }
    }

    private static void checkSegment(MemorySegment seg, boolean into) {
        if (into) {
            Checks.checkInto(seg);
        } else {
            Checks.checkFrom(seg);
        }
    }

    /** Writes {@code m}'s buffers as iovecs from entry {@code at}, each one kept or pinned; returns how many. */
    private static int fillIov(MemorySegment iov, long at, Message m, List<MemorySegment> vsegs, boolean into, Pins pins) {
        if (vsegs != null) {
            return fillIov(iov, at, m.vector(), vsegs, into, pins);
        }
        int count = m.segmentCount();
        checkCount(count);
        for (int i = 0; i < count; i++) {
            MemorySegment seg = m.segment(i);
            checkSegment(seg, into);
            pins.add(seg);
            putIov(iov, at + i, seg);
        }
        return count;
    }

    /**
     * The same for an entered vector: its own buffers are guarded by the vector (no change while a
     * call is in), so they are only kept; the caller's segments in it are kept or pinned.
     */
    private static int fillIov(MemorySegment iov, long at, IoVector v, List<MemorySegment> vsegs, boolean into, Pins pins) {
        int count = vsegs.size();
        checkCount(count);
        for (int i = 0; i < count; i++) {
            MemorySegment seg = vsegs.get(i);
            checkSegment(seg, into);
            if (v.isOwned(i)) {
                pins.keep(seg);
            } else {
                pins.add(seg);
            }
            putIov(iov, at + i, seg);
        }
        return count;
    }

    private static void putIov(MemorySegment iov, long i, MemorySegment seg) {
        long base = i * Iovec.SIZE;
        iov.set(ValueLayout.ADDRESS, base + Iovec.IOV_BASE.offset(), seg);
        iov.set(ValueLayout.JAVA_LONG, base + Iovec.IOV_LEN.offset(), seg.byteSize());
    }

    private static void header(MemorySegment hdr, MemorySegment name, int nameLen, MemorySegment iov, int iovLen,
                               MemorySegment control, int controlLen) {
        hdr.fill((byte) 0);
        Msghdr.MSG_NAME.setAddress(hdr, name);
        Msghdr.MSG_NAMELEN.set(hdr, nameLen);
        Msghdr.MSG_IOV.setAddress(hdr, iovLen == 0 ? MemorySegment.NULL : iov);
        Msghdr.MSG_IOVLEN.set(hdr, iovLen);
        Msghdr.MSG_CONTROL.setAddress(hdr, controlLen == 0 ? MemorySegment.NULL : control);
        Msghdr.MSG_CONTROLLEN.set(hdr, controlLen);
    }

    /**
     * {@link #header} written at {@code base} in {@code vec} (an mmsghdr vector), without slicing it:
     * every member is stored (padding is never read), which costs less than zeroing the entry first.
     */
    private static void header(MemorySegment vec, long base, MemorySegment name, int nameLen, MemorySegment iov, int iovLen,
                               MemorySegment control, int controlLen) {
        Msghdr.MSG_FLAGS.set(vec, base, 0);
        vec.set(ValueLayout.ADDRESS_UNALIGNED, base + Msghdr.MSG_NAME.offset(), name);
        Msghdr.MSG_NAMELEN.set(vec, base, nameLen);
        vec.set(ValueLayout.ADDRESS_UNALIGNED, base + Msghdr.MSG_IOV.offset(), iovLen == 0 ? MemorySegment.NULL : iov);
        Msghdr.MSG_IOVLEN.set(vec, base, iovLen);
        vec.set(ValueLayout.ADDRESS_UNALIGNED, base + Msghdr.MSG_CONTROL.offset(), controlLen == 0 ? MemorySegment.NULL : control);
        Msghdr.MSG_CONTROLLEN.set(vec, base, controlLen);
    }



    /** Encodes the message's destination into {@code dst}; 0 when it has none. */
    private static int encodeName(Socket s, Message m, MemorySegment dst) {
        if (m.hasRawName()) {
            int len = m.nameLength();
            MemorySegment.copy(m.nameBytes(), 0, dst, ValueLayout.JAVA_BYTE, 0, len);
            return len;
        }
        SocketAddress to = m.target();
        if (to == null) {
            return 0;
        }
        int fam = Addresses.familyOf(to);
        if (fam != s.family() && !(s.family() == Constants.AF_INET6 && fam == Constants.AF_INET)) {
            throw new IllegalArgumentException("address " + to + " (family " + fam + ") does not fit a socket of family " + s.family());
        }
        return Addresses.encode(to, dst, s.family());
    }
}
