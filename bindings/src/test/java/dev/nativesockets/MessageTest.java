package dev.nativesockets;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.libc.Constants;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** sendmsg/recvmsg (PHP's socket_sendmsg/socket_recvmsg): data, names, flags, checks. */
class MessageTest {
    private static final InetSocketAddress LOOPBACK0 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    static Socket udp(Domain d, InetSocketAddress bindTo) throws Exception {
        Socket s = Socket.open(d, Type.DGRAM);
        s.bind(bindTo);
        return s;
    }

    static MemorySegment text(Arena arena, String s) {
        byte[] b = s.getBytes(US_ASCII);
        MemorySegment seg = arena.allocate(Math.max(1, b.length)).asSlice(0, b.length);
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
        return seg;
    }

    @Test
    void udpSendMsgToAnAddressAndRecvMsgReportsTheSender() throws Exception {
        try (Socket rx = udp(Domain.INET, LOOPBACK0); Socket tx = udp(Domain.INET, LOOPBACK0);
             Arena arena = Arena.ofConfined()) {
            Message out = Message.of(text(arena, "hello "), text(arena, "there")).address(rx.localAddress());
            assertEquals(11, tx.sendMsg(out, 0));
            assertEquals(11, out.length());

            Message in = Message.allocate(64, 0);
            assertEquals(11, rx.recvMsg(in));
            assertEquals("hello there", new String(in.toByteArray(), US_ASCII));
            assertEquals(tx.localAddress(), in.address());
            assertEquals(SockAddr.of(tx.localAddress()), in.sockAddr());
            assertFalse(in.isTruncated());
            assertFalse(in.isControlTruncated());
            assertTrue(in.received().isEmpty());
        }
    }

    @Test
    void recvMsgScattersOneDatagramOverSeveralBuffers() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM); Arena arena = Arena.ofConfined()) {
            p.first().send("0123456789".getBytes(US_ASCII));
            MemorySegment a = arena.allocate(3);
            MemorySegment b = arena.allocate(3);
            MemorySegment c = arena.allocate(8);
            Message m = Message.of(a, b, c);
            assertEquals(10, p.second().recvMsg(m));
            assertEquals("012", new String(a.toArray(ValueLayout.JAVA_BYTE), US_ASCII));
            assertEquals("345", new String(b.toArray(ValueLayout.JAVA_BYTE), US_ASCII));
            assertEquals("6789", new String(c.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE), US_ASCII));
            assertEquals("0123456789", new String(m.toByteArray(), US_ASCII));
        }
    }

    @Test
    void aLongerDatagramIsCutAndMsgTruncReported() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM)) {
            p.first().send("0123456789".getBytes(US_ASCII));
            p.first().send("abcdefghij".getBytes(US_ASCII));
            Message m = Message.allocate(4, 0);
            assertEquals(4, p.second().recvMsg(m));
            assertTrue(m.isTruncated());
            assertEquals("0123", new String(m.toByteArray(), US_ASCII));
            // with MSG_TRUNC passed in, Linux returns the datagram's real length
            if (dev.nativesockets.libc.Platform.current().isLinux()) {
                assertEquals(10, p.second().recvMsg(m, MsgFlags.TRUNC));
                assertTrue(m.isTruncated());
                assertEquals("abcd", new String(m.toByteArray(), US_ASCII));
            }
        }
    }

    @Test
    void anEchoServerRepliesWithTheSameMessage() throws Exception {
        try (Socket server = udp(Domain.INET6, new InetSocketAddress(InetAddress.getByName("::1"), 0));
             Socket client = udp(Domain.INET6, new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            client.sendTo("ping".getBytes(US_ASCII), 0, 4, 0, server.localAddress());
            Message m = Message.allocate(16, 0);
            MemorySegment buf = m.data().get(0);
            assertEquals(4, server.recvMsg(m));
            // back to where it came from, the name sent as it arrived; only the bytes received
            assertEquals(4, server.sendMsg(m.data(buf.asSlice(0, m.length()))));
            byte[] got = new byte[16];
            Received r = client.recvFrom(got, 0, 16, 0);
            assertEquals(4, r.length());
            assertEquals(server.localAddress(), r.source());
            assertEquals(client.localAddress(), m.address());
        }
    }

    @Test
    void ipv4AddressesGoToIpv6SocketsAsMapped() throws Exception {
        try (Socket rx = udp(Domain.INET, LOOPBACK0);
             Socket tx = Socket.open(Domain.INET6, Type.DGRAM);
             Arena arena = Arena.ofConfined()) {
            tx.setOption(NativeOptions.IPV6_V6ONLY, false);
            assertEquals(2, tx.sendMsg(Message.of(text(arena, "v4")).address(rx.localAddress())));
            Message in = Message.allocate(8, 0);
            assertEquals(2, rx.recvMsg(in));
            assertEquals(InetAddress.getLoopbackAddress(), ((InetSocketAddress) in.address()).getAddress());
        }
    }

    @Test
    void connectedStreamsReportNoAddressAndZeroAtEnd() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.first().send("x".getBytes(US_ASCII));
            Message m = Message.allocate(8, 0);
            assertEquals(1, p.second().recvMsg(m));
            assertNull(m.address());
            assertNull(m.sockAddr());
            p.first().shutdown(How.WRITE);
            assertEquals(0, p.second().recvMsg(m));
            assertEquals(0, m.length());
        }
    }

    @Test
    void directByteBuffersAndIoVectorsAsData() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.SEQPACKET); IoVector v = IoVector.allocate(2, 10)) {
            ByteBuffer a = ByteBuffer.allocateDirect(3).put("abc".getBytes(US_ASCII)).flip();
            ByteBuffer b = ByteBuffer.allocateDirect(2).put("de".getBytes(US_ASCII)).flip();
            assertEquals(5, p.first().sendMsg(new Message().data(a, b)));
            Message in = new Message().data(v);
            assertEquals(5, p.second().recvMsg(in));
            assertEquals("abcde", new String(v.gather(5), US_ASCII));
            assertEquals("abcde", new String(in.toByteArray(), US_ASCII));
            assertThrows(IllegalArgumentException.class, () -> new Message().data(ByteBuffer.allocate(3)));
        }
    }

    @Test
    void nonBlockingRecvMsgWouldBlock() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM)) {
            Message m = Message.allocate(8, 64);
            assertEquals(Socket.WOULD_BLOCK, p.second().recvMsg(m, MsgFlags.DONTWAIT));
            assertEquals(Socket.WOULD_BLOCK, m.length());
            p.second().setBlocking(false);
            assertEquals(Socket.WOULD_BLOCK, p.second().recvMsg(m));
            p.first().send("y".getBytes(US_ASCII));
            assertEquals(1, p.second().recvMsg(m));
        }
    }

    @Test
    void peekLeavesTheDatagramQueued() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM)) {
            p.first().send("peek".getBytes(US_ASCII));
            Message m = Message.allocate(8, 0);
            assertEquals(4, p.second().recvMsg(m, MsgFlags.PEEK));
            assertEquals(4, p.second().recvMsg(m, 0));
            assertEquals(Socket.WOULD_BLOCK, p.second().recvMsg(m, MsgFlags.DONTWAIT));
        }
    }

    @Test
    void badMessagesFailBeforeTheNativeCall() throws Exception {
        try (Socket s = udp(Domain.INET, LOOPBACK0); Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> s.sendMsg(null, 0));
            assertThrows(IllegalArgumentException.class, () -> s.recvMsg(null, 0));
            assertThrows(IllegalArgumentException.class, () -> Message.of(MemorySegment.ofArray(new byte[4])));
            assertThrows(IllegalArgumentException.class, () -> Message.of((MemorySegment) null));
            assertThrows(IllegalArgumentException.class, () -> Message.of(new MemorySegment[IoVector.IOV_MAX + 1]));
            assertThrows(IllegalArgumentException.class, () -> s.sendMsg(new Message(), 0x7000_0000));
            // a segment whose arena closed after it was set
            Arena shortLived = Arena.ofConfined();
            Message m = Message.of(shortLived.allocate(4)).address(s.localAddress());
            shortLived.close();
            assertThrows(IllegalStateException.class, () -> s.sendMsg(m));
            // a read-only segment cannot receive
            Message ro = Message.of(arena.allocate(4).asReadOnly());
            assertThrows(IllegalArgumentException.class, () -> s.recvMsg(ro));
            assertThrows(IllegalArgumentException.class, () -> new Message().controlBuffer(arena.allocate(8).asReadOnly()));
            // a control buffer whose arena closed after it was set
            Arena ctl = Arena.ofConfined();
            Message deadControl = Message.allocate(4, 0).controlBuffer(ctl.allocate(64));
            ctl.close();
            assertThrows(IllegalStateException.class, () -> s.recvMsg(deadControl));
            // an address of another family
            Message unix = Message.of(arena.allocate(1)).address(UnixDomainSocketAddress.of("/tmp/x"));
            assertThrows(IllegalArgumentException.class, () -> s.sendMsg(unix));
            // oversized and malformed control messages
            assertThrows(IllegalArgumentException.class,
                    () -> new Message().control(ControlMessage.raw(0, 0, new byte[70_000])));
            Message many = new Message().control(java.util.Collections.nCopies(16,
                    ControlMessage.raw(0, 0, new byte[4000])));
            assertEquals(16, many.control().size());
            assertThrows(IllegalArgumentException.class, () -> new Message().control(java.util.Collections.nCopies(17,
                    ControlMessage.raw(0, 0, new byte[4000]))));
            assertThrows(IllegalArgumentException.class, () -> new Message().control(ControlMessage.rights(new int[0])));
            assertThrows(IllegalArgumentException.class, () -> new Message().control(ControlMessage.rights(new int[254])));
            assertThrows(IllegalArgumentException.class, () -> new Message().control(ControlMessage.rights(-1)));
            assertThrows(IllegalArgumentException.class, () -> new Message().control(ControlMessage.ttl(0)));
            assertThrows(IllegalArgumentException.class, () -> new Message().control(ControlMessage.tos(256)));
            assertThrows(IllegalArgumentException.class, () -> new Message().control((ControlMessage) null));
            assertThrows(IllegalArgumentException.class, () -> new Message().controlCapacity(-1));
            // records made directly with bad values are refused too
            assertThrows(IllegalArgumentException.class, () -> new Message().control(new ControlMessage.Ttl(1000)));
            assertThrows(IllegalArgumentException.class,
                    () -> new Message().control(new ControlMessage.PacketInfo(null, null, 0, false)));
            assertThrows(IllegalArgumentException.class, () -> new Message().control(
                    new ControlMessage.PacketInfo(InetAddress.getByName("::1"), null, 0, false)));
            // a closed socket
            Socket closed = udp(Domain.INET, LOOPBACK0);
            closed.close();
            assertThrows(IllegalStateException.class, () -> closed.recvMsg(Message.allocate(1, 0)));
        }
    }

    @Test
    void closedIoVectorInAMessageFails() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM)) {
            IoVector v = IoVector.allocate(4);
            Message m = new Message().data(v);
            v.close();
            assertThrows(IllegalStateException.class, () -> p.first().sendMsg(m));
        }
    }

    @Test
    void recvMsgAndSendMsgOnNativeSegmentsAllocateNothing() throws Exception {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM); Arena arena = Arena.ofConfined()) {
            Message out = Message.of(arena.allocate(32));
            Message in = Message.of(arena.allocate(32)).controlBuffer(arena.allocate(64));
            Socket a = p.first();
            Socket b = p.second();
            int rounds = 20_000;
            for (int i = 0; i < rounds * 2; i++) {
                a.sendMsg(out, 0);
                b.recvMsg(in, 0);
            }
            // the JIT may allocate while it compiles: the best of a few runs shows the steady state
            long tid = Thread.currentThread().threadId();
            long best = Long.MAX_VALUE;
            for (int run = 0; run < 5 && best > 0; run++) {
                long before = bean.getThreadAllocatedBytes(tid);
                for (int i = 0; i < rounds; i++) {
                    a.sendMsg(out, 0);
                    b.recvMsg(in, 0);
                }
                best = Math.min(best, (bean.getThreadAllocatedBytes(tid) - before) / rounds);
            }
            assertTrue(best < 8, "allocated " + best + " bytes per send+receive");
            assertEquals(32, in.length());
        }
    }

    @Test
    void closeFromAnotherThreadWakesABlockedRecvMsg() throws Exception {
        for (Domain d : new Domain[] {Domain.INET, Domain.INET6}) {
            Socket s = udp(d, new InetSocketAddress(d == Domain.INET ? InetAddress.getLoopbackAddress()
                    : InetAddress.getByName("::1"), 0));
            Throwable e = Net.failureWhenClosedFromHere(s, () -> s.recvMsg(Message.allocate(16, 64)));
            assertTrue(e instanceof SocketClosedException, "got " + e);
        }
    }

    @Test
    void heapByteBuffersWithoutAnArrayStillGather() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            ByteBuffer ro = ByteBuffer.wrap("read-only".getBytes(US_ASCII)).asReadOnlyBuffer();
            assertEquals(10, p.first().writev(ro, ByteBuffer.wrap("!".getBytes(US_ASCII))));
            assertEquals(0, ro.remaining());
            assertEquals("read-only!", new String(p.second().read(32), US_ASCII));
        }
    }

    @Test
    void cmsgArithmeticMatchesTheHeaders() {
        assertEquals(Constants.CMSG_LEN_0, ControlMessage.length(0));
        assertEquals(Constants.CMSG_SPACE_1, ControlMessage.space(1));
        assertEquals(Constants.CMSG_SPACE_4, ControlMessage.space(4));
        assertEquals(Constants.CMSG_SPACE_12, ControlMessage.space(12));
        assertEquals(Constants.CMSG_SPACE_16, ControlMessage.space(16));
        // socket_cmsg_space
        assertEquals(ControlMessage.space(4), ControlMessage.cmsgSpace(Constants.SOL_SOCKET, Constants.SCM_RIGHTS, 1));
        assertEquals(ControlMessage.space(12), ControlMessage.cmsgSpace(Constants.SOL_SOCKET, Constants.SCM_RIGHTS, 3));
        assertEquals(ControlMessage.space(0), ControlMessage.cmsgSpace(Constants.SOL_SOCKET, Constants.SCM_RIGHTS, 0));
        assertEquals(ControlMessage.space(4), ControlMessage.cmsgSpace(Constants.IPPROTO_IPV6, Constants.IPV6_HOPLIMIT, 0));
        assertEquals(ControlMessage.space((int) dev.nativesockets.libc.In6Pktinfo.SIZE),
                ControlMessage.cmsgSpace(Constants.IPPROTO_IPV6, Constants.IPV6_PKTINFO, 0));
        assertEquals(ControlMessage.space((int) dev.nativesockets.libc.InPktinfo.SIZE),
                ControlMessage.cmsgSpace(Constants.IPPROTO_IP, Constants.IP_PKTINFO, 0));
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.cmsgSpace(12345, 678, 0));
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.cmsgSpace(Constants.SOL_SOCKET, Constants.SCM_RIGHTS, -1));
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.cmsgSpace(Constants.SOL_SOCKET, Constants.SCM_RIGHTS, 254));
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.space(-1));
        if (dev.nativesockets.libc.Platform.current().isLinux()) {
            assertEquals(24, ControlMessage.cmsgSpace(Constants.SOL_SOCKET, Constants.SCM_RIGHTS, 1));
            assertEquals(32, ControlMessage.cmsgSpace(Constants.SOL_SOCKET, Constants.SCM_CREDENTIALS, 0));
        }
        assertArrayEquals(new int[] {3, 4}, ControlMessage.rights(3, 4).numbers());
    }
}
