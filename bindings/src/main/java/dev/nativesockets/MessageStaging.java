package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Iovec;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Mmsghdr;
import dev.nativesockets.libc.Msghdr;
import dev.nativesockets.libc.Platform;
import dev.nativesockets.libc.Timespec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Socket}'s scatter/gather and message calls share: the {@link Buffers} (a
 * platform thread's own, a virtual thread's lease for one call) where the native {@code msghdr}, {@code iovec} arrays, names and outgoing control data are
 * staged (so a call on native segments allocates nothing), the flags every send and receive
 * carries, and the pieces that check a message and lay it out as {@code iovec}s and a
 * {@code msghdr}. The calls themselves: {@link VectorIo} ({@code readv}/{@code writev}),
 * {@link MsghdrCalls} ({@code sendmsg}/{@code recvmsg}), {@link MmsgCalls} (the mmsg family).
 *
 * <p>Every argument is checked before the descriptor is acquired. Received descriptors are
 * adopted right after the call returns, before anything that could throw.
 */
final class MessageStaging {
    private MessageStaging() {}

    static final boolean LINUX = Platform.current().isLinux();
    /** Added to every send: no SIGPIPE on Linux (Darwin sockets carry SO_NOSIGPIPE). */
    static final int SEND_FLAGS = LINUX ? Constants.MSG_NOSIGNAL : 0;
    /** Added to every receive: received descriptors are close-on-exec from the start (Linux). */
    static final int RECV_FLAGS = LINUX ? Constants.MSG_CMSG_CLOEXEC : 0;
    /** msg_flags bits that echo input flags rather than report anything. */
    static final int FLAGS_OUT_MASK = LINUX ? ~Constants.MSG_CMSG_CLOEXEC : ~0;
    /** {@code UIO_MAXIOV}: the most messages one sendmmsg/recvmmsg takes. */
    static final int MAX_MMSG = 1024;
    static final int ADDR = Scratch.ADDR_SIZE;

    /**
     * Native temporaries of one message call; they grow on demand and are reused. A platform
     * thread keeps one for its life (a ThreadLocal). A virtual thread owns none: each entry point
     * leases one from a small shared {@link LeasePool} ({@link #acquire()}) and gives it back in
     * its {@code finally} ({@link #release()}), after the last use of the staged memory, the
     * {@link #pins} and the {@link #holds}. A call that parks keeps its lease across the park: the
     * kernel is handed the staged {@code msghdr}/{@code iovec}/control again on every retry, and the
     * pins and holds must last the whole call. So a virtual thread holds message buffers only while
     * inside a message call: their count is bounded by the message calls in flight or parked at
     * once, not by the threads, and the pool keeps at most its slot count idle (see
     * docs/RELIABILITY.md). Another virtual thread mounted on the same carrier during the park
     * leases another entry, never this one.
     */
    static final class Buffers {
        // a plain ThreadLocal filled on first get: no lambda to spin at start-up
        private static final ThreadLocal<Buffers> LOCAL = new ThreadLocal<>();
        private static final LeasePool<Buffers> POOL = new LeasePool<>("dev.nativesockets.messagePool",
                4 * Runtime.getRuntime().availableProcessors(), () -> new Buffers(true));

        /**
         * The calling thread's buffers for one message call: a platform thread's own, or a virtual
         * thread's lease. Every caller pairs it with {@link #release()} in a {@code finally}.
         */
        static Buffers acquire() {
            Thread t = Thread.currentThread();
            if (t.isVirtual()) {
                return POOL.borrow();
            }
            Buffers b = LOCAL.get();
            if (b == null) {
                b = new Buffers(false);
                LOCAL.set(b);
            }
            return b;
        }

        /** Ends the call's use: a lease goes back to the pool; the caller must not touch it afterwards. */
        void release() {
            if (leased) {
                POOL.offer(this);
            }
        }

        /** Leases made since start (tests: they must follow the calls in flight, not the threads). */
        static long leasesCreated() {
            return POOL.created();
        }

        private final boolean leased;

        private Buffers(boolean leased) {
            this.leased = leased;
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

    /**
     * The one wait loop of every message call: {@code sys} on {@code s}'s descriptor, waiting as
     * {@code mode} says ({@link SocketWait}). {@code struct} is a {@code msghdr} for
     * {@code SYS_sendmsg}/{@code SYS_recvmsg}, an {@code mmsghdr} vector of {@code count} entries
     * for {@code SYS_sendmmsg}/{@code SYS_recvmmsg} ({@code ts}: recvmmsg's timeout or
     * {@code NULL}), an {@code iovec} array of {@code count} entries for {@code SYS_readv} (which
     * takes no flags, so never in {@link SocketWait#PARK}). {@code f} is what the call passes
     * ({@link SocketWait#callFlags} applied). Through {@code pins} when it holds segments of arenas
     * another thread could close ({@link Pins}), else the plain downcall, chosen by an int test:
     * nothing here is a virtual call. The staged structures are written once, before: on failure
     * the kernel writes nothing back, and a parked call keeps its {@link Buffers} lease.
     *
     * @return what the system call returned, or {@link Socket#WOULD_BLOCK} for a call that cannot wait
     */
    static long call(Socket s, int mode, int sys, String op, MemorySegment struct, int count, int f, MemorySegment ts,
                     Pins pins) throws IOException {
        boolean mmsg = sys == Constants.SYS_sendmmsg || sys == Constants.SYS_recvmmsg;
        boolean msg = sys == Constants.SYS_sendmsg || sys == Constants.SYS_recvmsg;
        int ops = sys == Constants.SYS_recvmsg || sys == Constants.SYS_recvmmsg || sys == Constants.SYS_readv
                ? Readiness.READ : Readiness.WRITE;
        // the pinned call's arguments after (fd, struct): (flags) for msg, (count, flags, ts) for mmsg, (count) for readv
        long a3 = msg ? f : count;
        long a4 = mmsg ? f : 0;
        long a5 = sys == Constants.SYS_recvmmsg ? ts.address() : 0;
        boolean pinned = pins != null && pins.any();
        // the socket's scratch, not Scratch.get(): a confined socket's owner has its own, and its
        // calls are not counted by the handle, so a lease taken here would never be given back
        Scratch sc = s.scratch();
        int fd = s.acquire();
        try {
            long n;
            for (long deadline = 0;;) {
                int mark = s.waits().readyMark(mode, ops);
                n = pinned ? pins.call(sc.cs, sys, fd, struct.address(), a3, a4, a5)
                        : sys == Constants.SYS_sendmsg ? LibC.sendmsg(sc.cs, fd, struct, f)
                        : sys == Constants.SYS_recvmsg ? LibC.recvmsg(sc.cs, fd, struct, f)
                        : sys == Constants.SYS_readv ? LibC.readv(sc.cs, fd, struct, count)
                        : sys == Constants.SYS_sendmmsg ? LibC.sendmmsg(sc.cs, fd, struct, count, f)
                        : LibC.recvmmsg(sc.cs, fd, struct, count, f, ts);
                if (n >= 0 || (deadline = s.waits().retry(mode, op, ops, fd, deadline, sc.errno(), mark)) == SocketWait.DONE) {
                    break;
                }
                sc = s.scratch(); // a park gave the lease back (see Scratch)
            }
            return n >= 0 ? n : SocketWait.failed(s, mode, op, sc.errno());
        } finally {
            s.release();
        }
    }

    /** Takes the results of one receive into {@code m}: descriptors first, since nothing before that may throw. */
    static void received(Message m, MemorySegment hdr, MemorySegment name, MemorySegment control,
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

    static void requireLinux(String call) {
        if (!LINUX) {
            throw new UnsupportedOperationException(call + " is Linux-only; loop over sendMsg/recvMsg on " + Platform.current());
        }
    }

    static final java.util.concurrent.atomic.AtomicLong BATCH_STAMPS = new java.util.concurrent.atomic.AtomicLong();

    static void checkBatch(List<Message> ms) {
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
    static void rejectSharedControl(List<Message> ms) {
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

    static void checkCount(int n) {
        if (n > IoVector.IOV_MAX) {
            throw new IllegalArgumentException("at most " + IoVector.IOV_MAX + " buffers (IOV_MAX), not " + n);
        }
    }

    static void checkSegment(MemorySegment seg, boolean into) {
        if (into) {
            Checks.checkInto(seg);
        } else {
            Checks.checkFrom(seg);
        }
    }

    /** Writes {@code m}'s buffers as iovecs from entry {@code at}, each one kept or pinned; returns how many. */
    static int fillIov(MemorySegment iov, long at, Message m, List<MemorySegment> vsegs, boolean into, Pins pins) {
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
    static int fillIov(MemorySegment iov, long at, IoVector v, List<MemorySegment> vsegs, boolean into, Pins pins) {
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

    static void putIov(MemorySegment iov, long i, MemorySegment seg) {
        long base = i * Iovec.SIZE;
        iov.set(ValueLayout.ADDRESS, base + Iovec.IOV_BASE.offset(), seg);
        iov.set(ValueLayout.JAVA_LONG, base + Iovec.IOV_LEN.offset(), seg.byteSize());
    }

    static void header(MemorySegment hdr, MemorySegment name, int nameLen, MemorySegment iov, int iovLen,
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
    static void header(MemorySegment vec, long base, MemorySegment name, int nameLen, MemorySegment iov, int iovLen,
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
    static int encodeName(Socket s, Message m, MemorySegment dst) {
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
