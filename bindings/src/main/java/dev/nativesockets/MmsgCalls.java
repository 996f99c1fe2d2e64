package dev.nativesockets;

import static dev.nativesockets.MessageStaging.*;


import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Iovec;
import dev.nativesockets.libc.Mmsghdr;
import dev.nativesockets.libc.Msghdr;
import dev.nativesockets.libc.Timespec;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sendmmsg(2)} and {@code recvmmsg(2)} (Linux) for {@link Socket}: over a list of
 * {@link Message}s, and the allocation-free path over a prepared {@link MessageBatch}. Staging
 * in {@link MessageStaging}.
 */
final class MmsgCalls {
    private MmsgCalls() {}

    // ---- sendmmsg / recvmmsg ---------------------------------------------------------------------

    static int sendMmsg(Socket s, List<Message> ms, int flags) throws IOException {
        requireLinux("sendmmsg");
        checkBatch(ms);
        int f = MsgFlags.check(flags) | SEND_FLAGS;
        Buffers b = Buffers.acquire();
        try {
            return sendMmsg(s, ms, f, b);
        } finally {
            b.release(); // after the holds and pins are let go: they are the lease's too
        }
    }

    private static int sendMmsg(Socket s, List<Message> ms, int f, Buffers b) throws IOException {
        int vlen = ms.size();
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
            int n = sendmmsg(s, vec, vlen, f, pins);
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

    /** One {@code sendmmsg(2)} of a laid-out vector on {@code s}, waiting as {@link SocketWait} decides; would-block is a result. */
    private static int sendmmsg(Socket s, MemorySegment vec, int vlen, int flags, Pins pins) throws IOException {
        int mode = SocketWait.mode(s, flags);
        return (int) call(s, mode, Constants.SYS_sendmmsg, "sendmmsg", vec, vlen, SocketWait.callFlags(mode, flags),
                MemorySegment.NULL, pins);
    }

    /**
     * One {@code recvmmsg(2)} into a laid-out vector on {@code s}, waiting as {@link SocketWait}
     * decides; would-block is a result. A parked call returns once datagrams have arrived and no
     * more are queued, as with {@code MSG_WAITFORONE}. The caller takes the received descriptors
     * at once: nothing between the call and its return can throw.
     */
    private static int recvmmsg(Socket s, MemorySegment vec, int vlen, int flags, MemorySegment ts, Pins pins)
            throws IOException {
        int mode = SocketWait.mode(s, flags);
        return (int) call(s, mode, Constants.SYS_recvmmsg, "recvmmsg", vec, vlen, SocketWait.callFlags(mode, flags) | RECV_FLAGS,
                ts, pins);
    }

    static int recvMmsg(Socket s, List<Message> ms, int flags, Duration timeout) throws IOException {
        requireLinux("recvmmsg");
        checkBatch(ms);
        int f = MsgFlags.check(flags);
        if (WaitTimeout.nanos(timeout) == WaitTimeout.FOREVER) {
            timeout = null; // refuses a negative one; 100 years or more is the same as none
        }
        Buffers b = Buffers.acquire();
        try {
            return recvMmsg(s, ms, f, timeout, b);
        } finally {
            b.release();
        }
    }

    private static int recvMmsg(Socket s, List<Message> ms, int f, Duration timeout, Buffers b)
            throws IOException {
        int vlen = ms.size();
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
            int n = recvmmsg(s, vec, vlen, f, ts, pins);
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
        b.checkSend(from, count, s.family());
        Buffers buffers = Buffers.acquire();
        Holds holds = buffers.holds;
        try {
            b.prepareSend(from, count, holds);
            // the vector is a direct argument: the linker holds the batch's arena open for the call
            return sendmmsg(s, b.tail(from), count, f, null);
        } finally {
            holds.release();
            buffers.release();
            Reference.reachabilityFence(b);
        }
    }

    static int recvMmsg(Socket s, MessageBatch b, int from, int count, int flags, Duration timeout) throws IOException {
        requireLinux("recvmmsg");
        Checks.requireArg(b, "batch");
        Checks.checkInto(b.vec); // the batch's arena: open, and this thread's to use
        b.checkRange(from, count);
        int f = MsgFlags.check(flags);
        if (WaitTimeout.nanos(timeout) == WaitTimeout.FOREVER) {
            timeout = null; // refuses a negative one; 100 years or more is the same as none
        }
        Buffers buffers = Buffers.acquire();
        try {
            MemorySegment ts = MemorySegment.NULL;
            if (timeout != null) {
                ts = buffers.timespec;
                Timespec.TV_SEC.set(ts, timeout.getSeconds());
                Timespec.TV_NSEC.set(ts, timeout.getNano());
            }
            // the batch's staged control lives in the lease until takeReceived below
            b.prepareReceive(from, count, buffers);
            int n = recvmmsg(s, b.tail(from), count, f, ts, null);
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
            buffers.release();
            Reference.reachabilityFence(b);
        }
    }

}
