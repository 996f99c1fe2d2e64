package dev.nativesockets;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The prepared batch path: {@link Socket#sendMmsg(MessageBatch, int, int)} and
 * {@link Socket#recvMmsg(MessageBatch, int, int, Duration)} over real sockets on loopback and Unix
 * datagram sockets — full and partial batches, senders, truncation, control data, reuse, bad
 * input refused before the kernel sees anything, and no allocation per call.
 */
class MessageBatchTest {
    private static boolean linux() {
        return Platform.current().isLinux();
    }

    private static Socket udp(String host) throws Exception {
        InetAddress ip = InetAddress.getByName(host);
        Socket s = Socket.open(ip instanceof java.net.Inet6Address ? Domain.INET6 : Domain.INET, Type.DGRAM);
        s.bind(new InetSocketAddress(ip, 0));
        s.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
        return s;
    }

    private static void put(MessageBatch b, int i, String text) {
        byte[] bytes = text.getBytes(US_ASCII);
        MemorySegment.copy(bytes, 0, b.data(i), ValueLayout.JAVA_BYTE, 0, bytes.length);
        b.sendLength(i, bytes.length);
    }

    private static String text(MessageBatch b, int i) {
        int n = Math.min(b.length(i), b.dataCapacity());
        return new String(b.data(i).asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), US_ASCII);
    }

    /** Receives until {@code want} messages are in, from message 0, with WAITFORONE. */
    private static void receiveAll(Socket s, MessageBatch b, int want) throws Exception {
        int got = 0;
        while (got < want) {
            int n = s.recvMmsg(b, got, want - got, MsgFlags.WAITFORONE, null);
            assertTrue(n > 0, "recvMmsg returned " + n);
            got += n;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void fullAndPartialBatchesCarryDataSendersAndLengths(String host) throws Exception {
        assumeTrue(linux());
        try (Socket rx = udp(host); Socket t1 = udp(host); Socket t2 = udp(host)) {
            MessageBatch out1 = MessageBatch.allocate(8, 32, 0);
            MessageBatch out2 = MessageBatch.allocate(8, 32, 0);
            for (int i = 0; i < 8; i++) {
                put(out1, i, "t1-" + i + "-".repeat(i));
                out1.address(i, rx.localAddress());
                put(out2, i, "t2-" + i);
                out2.address(i, rx.localAddress());
            }
            // full batch
            assertEquals(8, t1.sendMmsg(out1, 8, 0));
            for (int i = 0; i < 8; i++) {
                assertEquals(4 + i, out1.length(i));
                assertEquals(0, out1.flags(i));
            }
            MessageBatch in = MessageBatch.allocate(8, 32, 0);
            receiveAll(rx, in, 8);
            for (int i = 0; i < 8; i++) {
                assertEquals(4 + i, in.length(i));
                assertEquals("t1-" + i + "-".repeat(i), text(in, i));
                assertEquals(t1.localAddress(), in.address(i));
                assertEquals(0, in.flags(i));
            }
            // partial: three from t2, offered into all eight
            assertEquals(3, t2.sendMmsg(out2, 3, 0));
            assertEquals(3, rx.recvMmsg(in, 8, MsgFlags.WAITFORONE, null));
            for (int i = 0; i < 3; i++) {
                assertEquals("t2-" + i, text(in, i));
                assertEquals(t2.localAddress(), in.address(i));
            }
            for (int i = 3; i < 8; i++) {
                assertEquals(0, in.length(i), "message " + i + " was not filled");
            }
            // a range in the middle, both ways
            assertEquals(2, t1.sendMmsg(out1, 5, 2, 0));
            assertEquals(2, rx.recvMmsg(in, 4, 4, MsgFlags.WAITFORONE, null));
            assertEquals("t1-5-----", text(in, 4));
            assertEquals("t1-6------", text(in, 5));
            assertEquals(0, in.length(6));
            assertEquals("t2-0", text(in, 0)); // outside the range: left as it was
        }
    }

    @Test
    void anIpv4DestinationIsReencodedForAnIpv6Socket() throws Exception {
        assumeTrue(linux());
        try (Socket rx = udp("127.0.0.1"); Socket v4 = udp("127.0.0.1"); Socket v6 = Socket.open(Domain.INET6, Type.DGRAM)) {
            v6.setOption(NativeOptions.IPV6_V6ONLY, false);
            MessageBatch out = MessageBatch.allocate(1, 8, 0);
            put(out, 0, "dual");
            out.address(0, rx.localAddress());
            MessageBatch in = MessageBatch.allocate(1, 8, 0);
            // the same message from an IPv6 socket (as ::ffff:127.0.0.1), then an IPv4 one again
            assertEquals(1, v6.sendMmsg(out, 1, 0));
            assertEquals(1, rx.recvMmsg(in, 1, 0, null));
            assertEquals("dual", text(in, 0));
            assertEquals(rx.localAddress(), out.address(0));
            assertEquals(1, v4.sendMmsg(out, 1, 0));
            assertEquals(1, rx.recvMmsg(in, 1, 0, null));
            assertEquals(v4.localAddress(), in.address(0));
        }
    }

    @Test
    void unixDatagramSocketsWithAndWithoutNames() throws Exception {
        assumeTrue(linux());
        Path dir = Files.createTempDirectory("ns-batch");
        UnixDomainSocketAddress ra = UnixDomainSocketAddress.of(dir.resolve("rx"));
        UnixDomainSocketAddress ta = UnixDomainSocketAddress.of(dir.resolve("tx"));
        try (Socket rx = Socket.open(Domain.UNIX, Type.DGRAM); Socket tx = Socket.open(Domain.UNIX, Type.DGRAM);
             SocketPair pair = Socket.pair(Domain.UNIX, Type.DGRAM)) {
            rx.bind(ra);
            tx.bind(ta);
            MessageBatch out = MessageBatch.allocate(4, 16, 0);
            for (int i = 0; i < 4; i++) {
                put(out, i, "u" + i);
                out.address(i, ra);
            }
            assertEquals(4, tx.sendMmsg(out, 4, 0));
            MessageBatch in = MessageBatch.allocate(4, 16, 0);
            assertEquals(4, rx.recvMmsg(in, 4, 0, null));
            for (int i = 0; i < 4; i++) {
                assertEquals("u" + i, text(in, i));
                assertEquals(ta, in.address(i));
            }
            // unnamed sockets: the kernel reports no sender
            MessageBatch p = MessageBatch.allocate(2, 16, 0);
            put(p, 0, "a");
            put(p, 1, "bb");
            assertEquals(2, pair.first().sendMmsg(p, 2, 0));
            MessageBatch q = MessageBatch.allocate(2, 16, 0);
            assertEquals(2, pair.second().recvMmsg(q, 2, 0, null));
            assertEquals("a", text(q, 0));
            assertEquals("bb", text(q, 1));
            assertNull(q.address(0));
        } finally {
            Files.deleteIfExists(ra.getPath());
            Files.deleteIfExists(ta.getPath());
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void receivingBackToTheSendersWithTheSameBatch() throws Exception {
        assumeTrue(linux());
        try (Socket server = udp("127.0.0.1"); Socket c1 = udp("127.0.0.1"); Socket c2 = udp("127.0.0.1")) {
            c1.sendTo("ping-1".getBytes(US_ASCII), 0, 6, 0, server.localAddress());
            c2.sendTo("ping-22".getBytes(US_ASCII), 0, 7, 0, server.localAddress());
            MessageBatch b = MessageBatch.allocate(4, 32, 0);
            int n = 0;
            while (n < 2) {
                n += server.recvMmsg(b, n, 4 - n, MsgFlags.WAITFORONE, null);
            }
            for (int i = 0; i < n; i++) {
                b.sendLength(i, b.length(i)); // echo: the raw sender names go back as they came
            }
            assertEquals(2, server.sendMmsg(b, n, 0));
            assertEquals("ping-1", new String(c1.read(64), US_ASCII));
            assertEquals("ping-22", new String(c2.read(64), US_ASCII));
        }
    }

    @Test
    void receiveAddressesOffLeavesAddressesAlone() throws Exception {
        assumeTrue(linux());
        try (Socket rx = udp("127.0.0.1"); Socket tx = udp("127.0.0.1")) {
            tx.connect(rx.localAddress());
            rx.connect(tx.localAddress());
            MessageBatch out = MessageBatch.allocate(2, 8, 0);
            assertEquals(2, tx.sendMmsg(out, 2, 0)); // no addresses: connected; 8 zero bytes each
            MessageBatch in = MessageBatch.allocate(2, 8, 0).receiveAddresses(false);
            assertFalse(in.receiveAddresses());
            receiveAll(rx, in, 2);
            assertEquals(8, in.length(0));
            assertEquals(8, in.length(1));
            assertNull(in.address(0));
            SocketAddress marker = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
            in.address(1, marker);
            assertEquals(2, tx.sendMmsg(out, 2, 0));
            receiveAll(rx, in, 2);
            assertSame(marker, in.address(1));
            in.receiveAddresses(true);
            assertEquals(1, tx.sendMmsg(out, 1, 0));
            receiveAll(rx, in, 1);
            assertEquals(tx.localAddress(), in.address(0));
        }
    }

    @Test
    void truncationIsReportedPerMessage() throws Exception {
        assumeTrue(linux());
        try (Socket rx = udp("127.0.0.1"); Socket tx = udp("127.0.0.1")) {
            MessageBatch out = MessageBatch.allocate(3, 16, 0);
            put(out, 0, "abc");
            put(out, 1, "0123456789");
            put(out, 2, "wxyz");
            for (int i = 0; i < 3; i++) {
                out.address(i, rx.localAddress());
            }
            assertEquals(3, tx.sendMmsg(out, 3, 0));
            MessageBatch in = MessageBatch.allocate(3, 4, 0);
            receiveAll(rx, in, 3);
            assertFalse(in.isTruncated(0));
            assertEquals(3, in.length(0));
            assertTrue(in.isTruncated(1));
            assertEquals(MsgFlags.TRUNC, in.flags(1) & MsgFlags.TRUNC);
            assertEquals(4, in.length(1));
            assertEquals("0123", text(in, 1));
            assertFalse(in.isTruncated(2));
            // MSG_TRUNC passed in: the real size comes back
            assertEquals(3, tx.sendMmsg(out, 3, 0));
            int got = 0;
            while (got < 3) {
                got += rx.recvMmsg(in, got, 3 - got, MsgFlags.WAITFORONE | MsgFlags.TRUNC, null);
            }
            assertEquals(10, in.length(1));
            assertTrue(in.isTruncated(1));
            assertFalse(in.isControlTruncated(1));
        }
    }

    @Test
    void controlMessagesPerMessageAndControlTruncation() throws Exception {
        assumeTrue(linux());
        try (Socket rx = udp("127.0.0.1"); Socket tx = udp("127.0.0.1")) {
            rx.setOption(NativeOptions.IP_RECVTTL, true);
            MessageBatch out = MessageBatch.allocate(2, 8, ControlMessage.space(4));
            put(out, 0, "a");
            put(out, 1, "b");
            out.address(0, rx.localAddress()).control(0, ControlMessage.ttl(11));
            out.address(1, rx.localAddress()).control(1, ControlMessage.ttl(22));
            assertEquals(1, out.control(0).size());
            assertThrows(IllegalArgumentException.class, () -> out.control(0, ControlMessage.ttl(1), ControlMessage.ttl(2)));
            assertEquals(2, tx.sendMmsg(out, 2, 0));
            MessageBatch in = MessageBatch.allocate(2, 8, 64);
            receiveAll(rx, in, 2);
            assertEquals(new ControlMessage.Ttl(11), in.received(0, ControlMessage.Ttl.class));
            assertEquals(new ControlMessage.Ttl(22), in.received(1, ControlMessage.Ttl.class));
            assertTrue(in.controlLength(0) > 0);
            assertFalse(in.isControlTruncated(0));
            // no room for the TTL: MSG_CTRUNC
            assertEquals(2, tx.sendMmsg(out, 2, 0));
            MessageBatch tiny = MessageBatch.allocate(2, 8, 4);
            receiveAll(rx, tiny, 2);
            assertTrue(tiny.isControlTruncated(0));
            assertTrue(tiny.received(0).isEmpty());
            // clearing the control messages
            out.control(0, new ControlMessage[0]);
            assertTrue(out.control(0).isEmpty());
            assertEquals(MemorySegment.NULL, MessageBatch.allocate(1, 1, 0).controlBuffer(0));
        }
    }

    @Test
    void descriptorsAreHeldWhileSentAndOwnedWhenReceived() throws Exception {
        assumeTrue(linux());
        try (SocketPair ch = Socket.pair(Domain.UNIX, Type.DGRAM); SocketPair a = Socket.pair(Domain.UNIX, Type.STREAM)) {
            MessageBatch out = MessageBatch.allocate(2, 4, 64);
            put(out, 0, "1");
            put(out, 1, "2");
            out.control(0, ControlMessage.rights(a.first()));
            out.control(1, ControlMessage.rights(a.second()));
            assertEquals(2, ch.first().sendMmsg(out, 2, 0));
            MessageBatch in = MessageBatch.allocate(2, 4, 64);
            assertEquals(2, ch.second().recvMmsg(in, 2, 0, null));
            for (int i = 0; i < 2; i++) {
                assertEquals(1, in.receivedDescriptors(i).size());
                ControlMessage.Rights r = in.received(i, ControlMessage.Rights.class);
                assertNotNull(r);
                assertEquals(1, r.descriptors().size());
                r.close();
            }
            // a closed socket in SCM_RIGHTS (message 1) is refused before the call; nothing goes out
            a.second().close();
            assertThrows(IllegalStateException.class, () -> ch.first().sendMmsg(out, 2, 0));
            assertEquals(Socket.WOULD_BLOCK, ch.second().recvMmsg(in, 2, MsgFlags.DONTWAIT, null));
            assertEquals(0, in.length(0));
            assertTrue(in.receivedDescriptors(0).isEmpty());
            // message 0's socket, held for the attempt, was released again: detach refuses calls in flight
            Socket.adopt(a.first().detach()).close();
            out.control(0, new ControlMessage[0]);
            out.control(1, new ControlMessage[0]);
            assertEquals(2, ch.first().sendMmsg(out, 2, 0));
            assertEquals(2, ch.second().recvMmsg(in, 2, 0, null));
            assertEquals("2", text(in, 1));
        }
    }

    @Test
    void oneBatchReusedOverManyCalls() throws Exception {
        assumeTrue(linux());
        try (Socket a = udp("127.0.0.1"); Socket b = udp("127.0.0.1")) {
            a.connect(b.localAddress());
            MessageBatch out = MessageBatch.allocate(16, 8, 0);
            MessageBatch in = MessageBatch.allocate(16, 8, 0);
            for (int round = 0; round < 300; round++) {
                int count = 1 + round % 16;
                for (int i = 0; i < count; i++) {
                    out.data(i).set(ValueLayout.JAVA_INT, 0, round * 100 + i);
                    out.sendLength(i, 4 + (round + i) % 5);
                }
                int sent = 0;
                while (sent < count) {
                    sent += a.sendMmsg(out, sent, count - sent, 0);
                }
                receiveAll(b, in, count);
                for (int i = 0; i < count; i++) {
                    assertEquals(4 + (round + i) % 5, in.length(i), "round " + round + " message " + i);
                    assertEquals(round * 100 + i, in.data(i).get(ValueLayout.JAVA_INT, 0));
                    assertEquals(a.localAddress(), in.address(i));
                }
            }
        }
    }

    @Test
    void nonBlockingAndTimeouts() throws Exception {
        assumeTrue(linux());
        try (Socket rx = udp("127.0.0.1")) {
            MessageBatch b = MessageBatch.allocate(4, 8, 0);
            assertEquals(Socket.WOULD_BLOCK, rx.recvMmsg(b, 4, MsgFlags.DONTWAIT, null));
            assertEquals(0, b.length(0));
            rx.setBlocking(false);
            assertEquals(Socket.WOULD_BLOCK, rx.recvMmsg(b, 4, 0, Duration.ofMillis(10)));
        }
    }

    @Test
    void badInputIsRefusedBeforeTheCall() throws Exception {
        assumeTrue(linux());
        try (Socket s = udp("127.0.0.1"); Socket v6 = udp("::1")) {
            MessageBatch b = MessageBatch.allocate(4, 8, 0);
            // a datagram waits: any call that reached the kernel would consume it
            s.sendTo("keep".getBytes(US_ASCII), 0, 4, 0, s.localAddress());
            assertThrows(IllegalArgumentException.class, () -> s.recvMmsg((MessageBatch) null, 1, 0, null));
            assertThrows(IllegalArgumentException.class, () -> s.sendMmsg((MessageBatch) null, 1, 0));
            for (int[] r : new int[][] {{0, 0}, {0, 5}, {-1, 1}, {4, 1}, {3, 2}, {0, -1}, {Integer.MAX_VALUE, 2}}) {
                assertThrows(IllegalArgumentException.class, () -> s.recvMmsg(b, r[0], r[1], 0, null), r[0] + "+" + r[1]);
                assertThrows(IllegalArgumentException.class, () -> s.sendMmsg(b, r[0], r[1], 0), r[0] + "+" + r[1]);
            }
            assertThrows(IllegalArgumentException.class, () -> s.recvMmsg(b, 1, 0, Duration.ofSeconds(-1)));
            assertThrows(IllegalArgumentException.class, () -> s.recvMmsg(b, 1, 1 << 29, null));
            assertThrows(IllegalArgumentException.class, () -> s.sendMmsg(b, 1, 1 << 29));
            // an IPv6 destination cannot go out of an IPv4 socket
            b.address(0, v6.localAddress());
            assertThrows(IllegalArgumentException.class, () -> s.sendMmsg(b, 1, 0));
            b.address(0, null);
            // the datagram is still there
            MessageBatch in = MessageBatch.allocate(1, 8, 0);
            assertEquals(1, s.recvMmsg(in, 1, MsgFlags.DONTWAIT, null));
            assertEquals("keep", text(in, 0));
            // the batch's own arguments
            assertThrows(IllegalArgumentException.class, () -> MessageBatch.allocate(0, 8, 0));
            assertThrows(IllegalArgumentException.class, () -> MessageBatch.allocate(1025, 8, 0));
            assertThrows(IllegalArgumentException.class, () -> MessageBatch.allocate(1, -1, 0));
            assertThrows(IllegalArgumentException.class, () -> MessageBatch.allocate(1, 8, -1));
            assertThrows(IllegalArgumentException.class, () -> MessageBatch.allocate(1, 8, 64 * 1024 + 1));
            assertThrows(IllegalArgumentException.class, () -> MessageBatch.allocate(null, 1, 8, 0));
            assertThrows(IllegalArgumentException.class, () -> b.sendLength(0, 9));
            assertThrows(IllegalArgumentException.class, () -> b.sendLength(0, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> b.data(4));
            assertThrows(IndexOutOfBoundsException.class, () -> b.length(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> b.address(4, null));
            assertThrows(IllegalArgumentException.class, () -> b.address(0, InetSocketAddress.createUnresolved("unresolved.invalid", 1)));
            assertThrows(IllegalArgumentException.class, () -> b.control(0, (ControlMessage) null));
            assertThrows(IllegalArgumentException.class, () -> b.control(0, (ControlMessage[]) null));
            assertEquals(8, b.sendLength(0));
        }
    }

    @Test
    void closedSocketOrArenaFailsWithIllegalState() throws Exception {
        assumeTrue(linux());
        Socket s = udp("127.0.0.1");
        s.close();
        MessageBatch b = MessageBatch.allocate(2, 8, 0);
        assertThrows(IllegalStateException.class, () -> s.sendMmsg(b, 2, 0));
        assertThrows(IllegalStateException.class, () -> s.recvMmsg(b, 2, MsgFlags.DONTWAIT, null));
        try (Socket t = udp("127.0.0.1")) {
            Arena arena = Arena.ofConfined();
            MessageBatch gone = MessageBatch.allocate(arena, 2, 8, 0);
            gone.address(0, t.localAddress());
            arena.close();
            assertThrows(IllegalStateException.class, () -> t.sendMmsg(gone, 1, 0));
            assertThrows(IllegalStateException.class, () -> t.recvMmsg(gone, 1, MsgFlags.DONTWAIT, null));
        }
    }

    @Test
    void closeFromAnotherThreadWakesABlockedReceive() throws Exception {
        assumeTrue(linux());
        Socket s = udp("127.0.0.1");
        s.setOption(NativeOptions.SO_RCVTIMEO, Duration.ZERO);
        MessageBatch b = MessageBatch.allocate(4, 16, 64);
        Throwable e = Net.failureWhenClosedFromHere(s, () -> s.recvMmsg(b, 4, MsgFlags.WAITFORONE, null));
        assertTrue(e instanceof SocketClosedException, "got " + e);
    }

    @Test
    void otherPlatformsRefuseBatchesLikeTheListForm() {
        assumeFalse(linux());
        assertThrows(UnsupportedOperationException.class, () -> MessageBatch.allocate(1, 8, 0));
    }

    @Test
    void steadyStateSendAndReceiveAllocateNothing() throws Exception {
        assumeTrue(linux());
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Socket a = udp("127.0.0.1"); Socket b = udp("127.0.0.1")) {
            a.connect(b.localAddress());
            MessageBatch out = MessageBatch.allocate(32, 64, 0);
            MessageBatch in = MessageBatch.allocate(32, 64, 0); // senders' addresses asked for, not decoded
            int rounds = 5_000;
            for (int i = 0; i < rounds * 2; i++) {
                roundTrip(a, b, out, in);
            }
            // the JIT may allocate while it compiles: the best of a few runs shows the steady state
            long tid = Thread.currentThread().threadId();
            long best = Long.MAX_VALUE;
            for (int run = 0; run < 5 && best > 0; run++) {
                long before = bean.getThreadAllocatedBytes(tid);
                for (int i = 0; i < rounds; i++) {
                    roundTrip(a, b, out, in);
                }
                best = Math.min(best, bean.getThreadAllocatedBytes(tid) - before);
            }
            assertEquals(0, best, "bytes allocated over " + rounds + " batches of 32 out and in");
            assertEquals(64, in.length(31));
        }
    }

    private static void roundTrip(Socket a, Socket b, MessageBatch out, MessageBatch in) throws Exception {
        int sent = 0;
        while (sent < 32) {
            sent += a.sendMmsg(out, sent, 32 - sent, 0);
        }
        int got = 0;
        while (got < 32) {
            got += b.recvMmsg(in, got, 32 - got, MsgFlags.WAITFORONE, null);
        }
    }
}
