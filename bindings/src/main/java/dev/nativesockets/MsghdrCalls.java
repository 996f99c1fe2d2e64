package dev.nativesockets;

import static dev.nativesockets.MessageStaging.*;


import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * {@code sendmsg(2)} and {@code recvmsg(2)} of one {@link Message} for {@link Socket}: address,
 * data, control messages and the descriptors they carry. Staging in {@link MessageStaging}.
 */
final class MsghdrCalls {
    private MsghdrCalls() {}

    // ---- sendmsg / recvmsg -----------------------------------------------------------------------

    static long sendMsg(Socket s, Message m, int flags) throws IOException {
        Checks.requireArg(m, "message");
        int f = MsgFlags.check(flags) | SEND_FLAGS;
        // read once: what is held is what is encoded and what is released
        List<ControlMessage> control = m.control();
        int controlLen = ControlMessages.totalSpace(control);
        Buffers b = Buffers.acquire();
        try {
            return sendMsg(s, m, f, control, controlLen, b);
        } finally {
            b.release(); // after the holds and pins are let go: they are the lease's too
        }
    }

    private static long sendMsg(Socket s, Message m, int flags, List<ControlMessage> control, int controlLen, Buffers b)
            throws IOException {
        int mode = SocketWait.mode(s, flags);
        int f = SocketWait.callFlags(mode, flags);
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
            header(b.msghdr, nameLen == 0 ? MemorySegment.NULL : b.name, nameLen, iov, count, cbuf, controlLen);
            long n = call(s, mode, Constants.SYS_sendmsg, "sendmsg", b.msghdr, 0, f, MemorySegment.NULL, pins);
            m.sent(n);
            return n;
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
        Buffers b = Buffers.acquire();
        try {
            return recvMsg(s, m, f, b);
        } finally {
            b.release();
        }
    }

    private static long recvMsg(Socket s, Message m, int flags, Buffers b) throws IOException {
        int mode = SocketWait.mode(s, flags);
        int f = SocketWait.callFlags(mode, flags) | RECV_FLAGS;
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
            header(b.msghdr, b.name, ADDR, iov, count, stage, controlCap);
            long n = call(s, mode, Constants.SYS_recvmsg, "recvmsg", b.msghdr, 0, f, MemorySegment.NULL, pins);
            if (n == Socket.WOULD_BLOCK) {
                m.wouldBlock();
                return n;
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
            pins.clear();
            if (v != null) {
                v.exit();
            }
        }
    }

}
