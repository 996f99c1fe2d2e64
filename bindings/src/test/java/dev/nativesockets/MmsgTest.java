package dev.nativesockets;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** sendmmsg/recvmmsg (Linux): batches with per-message address, length, flags and control data. */
class MmsgTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    @BeforeEach
    void linuxOnly() {
        assumeTrue(Platform.current().isLinux(), "sendmmsg/recvmmsg are Linux-only");
    }

    private static Socket udp() throws Exception {
        Socket s = Socket.open(Domain.INET, Type.DGRAM);
        s.bind(new InetSocketAddress(LO, 0));
        s.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
        return s;
    }

    private static MemorySegment text(Arena arena, String s) {
        byte[] b = s.getBytes(US_ASCII);
        MemorySegment seg = arena.allocate(b.length);
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
        return seg;
    }

    @Test
    void oneCallSendsToSeveralAddresses() throws Exception {
        try (Socket a = udp(); Socket b = udp(); Socket tx = udp(); Arena arena = Arena.ofConfined()) {
            List<Message> batch = List.of(
                    Message.of(text(arena, "to-a-1")).address(a.localAddress()),
                    Message.of(text(arena, "to-b")).address(b.localAddress()),
                    Message.of(text(arena, "to-a"), text(arena, "-2")).address(a.localAddress()));
            assertEquals(3, tx.sendMmsg(batch, 0));
            assertEquals(6, batch.get(0).length());
            assertEquals(4, batch.get(1).length());
            assertEquals(6, batch.get(2).length());
            assertEquals("to-a-1", new String(a.read(64), US_ASCII));
            assertEquals("to-a-2", new String(a.read(64), US_ASCII));
            assertEquals("to-b", new String(b.read(64), US_ASCII));
        }
    }

    @Test
    void oneCallReceivesSeveralDatagramsWithTheirSenders() throws Exception {
        try (Socket rx = udp(); Socket t1 = udp(); Socket t2 = udp()) {
            for (int i = 0; i < 5; i++) {
                (i % 2 == 0 ? t1 : t2).sendTo(("m" + i + "-".repeat(i)).getBytes(US_ASCII), 0, 2 + i, 0, rx.localAddress());
            }
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                batch.add(Message.allocate(32, 0));
            }
            // loopback delivery happens inside sendto: all five are queued already
            int n = rx.recvMmsg(batch, MsgFlags.WAITFORONE, null);
            assertEquals(5, n);
            for (int i = 0; i < n; i++) {
                Message m = batch.get(i);
                assertEquals(2 + i, m.length());
                assertEquals((i % 2 == 0 ? t1 : t2).localAddress(), m.address());
                assertEquals("m" + i + "-".repeat(i), new String(m.toByteArray(), US_ASCII));
            }
            for (int i = n; i < batch.size(); i++) {
                assertEquals(0, batch.get(i).length());
            }
        }
    }

    @Test
    void everyMessageGetsItsOwnSenderAndLength() throws Exception {
        try (Socket rx = udp(); Socket t1 = udp(); Socket t2 = udp()) {
            t1.sendTo("one".getBytes(US_ASCII), 0, 3, 0, rx.localAddress());
            t2.sendTo("second".getBytes(US_ASCII), 0, 6, 0, rx.localAddress());
            t1.sendTo("3".getBytes(US_ASCII), 0, 1, 0, rx.localAddress());
            Thread.sleep(50); // all three queued
            List<Message> batch = List.of(Message.allocate(16, 0), Message.allocate(16, 0), Message.allocate(16, 0),
                    Message.allocate(16, 0));
            assertEquals(3, rx.recvMmsg(batch, MsgFlags.DONTWAIT, null));
            assertEquals("one", new String(batch.get(0).toByteArray(), US_ASCII));
            assertEquals("second", new String(batch.get(1).toByteArray(), US_ASCII));
            assertEquals("3", new String(batch.get(2).toByteArray(), US_ASCII));
            assertEquals(t1.localAddress(), batch.get(0).address());
            assertEquals(t2.localAddress(), batch.get(1).address());
            assertEquals(t1.localAddress(), batch.get(2).address());
            assertEquals(0, batch.get(3).length());
        }
    }

    @Test
    void messagesSharingControlBufferMemoryAreRefusedBeforeTheCall() throws Exception {
        try (Socket rx = udp(); Socket tx = udp(); Arena arena = Arena.ofConfined()) {
            tx.sendTo(text(arena, "x"), 0, rx.localAddress());
            MemorySegment shared = arena.allocate(64, 8);
            List<Message> in = List.of(
                    Message.of(arena.allocate(8)).controlBuffer(shared),
                    Message.of(arena.allocate(8)).controlBuffer(shared.asSlice(32)));
            assertThrows(IllegalArgumentException.class, () -> rx.recvMmsg(in, MsgFlags.DONTWAIT, null));
            // nothing was consumed: the datagram is still there for a well-formed batch
            List<Message> ok = List.of(Message.of(arena.allocate(8)).controlBuffer(shared.asSlice(0, 32)),
                    Message.of(arena.allocate(8)).controlBuffer(shared.asSlice(32)));
            assertEquals(1, rx.recvMmsg(ok, MsgFlags.DONTWAIT, Duration.ofSeconds(1)));
            assertEquals(1, ok.get(0).length());
        }
    }

    @Test
    void controlDataPerMessageAndTruncation() throws Exception {
        try (Socket rx = udp(); Socket tx = udp(); Arena arena = Arena.ofConfined()) {
            rx.setOption(NativeOptions.IP_RECVTTL, true);
            List<Message> out = List.of(
                    Message.of(text(arena, "a")).address(rx.localAddress()).control(ControlMessage.ttl(11)),
                    Message.of(text(arena, "bbbbbbbb")).address(rx.localAddress()).control(ControlMessage.ttl(22)));
            assertEquals(2, tx.sendMmsg(out, 0));
            Thread.sleep(50);
            List<Message> in = List.of(Message.allocate(4, 64), Message.allocate(4, 64));
            assertEquals(2, rx.recvMmsg(in, MsgFlags.DONTWAIT, Duration.ofSeconds(1)));
            assertEquals(new ControlMessage.Ttl(11), in.get(0).received(ControlMessage.Ttl.class));
            assertEquals(new ControlMessage.Ttl(22), in.get(1).received(ControlMessage.Ttl.class));
            assertTrue(in.get(1).isTruncated());
            assertEquals(4, in.get(1).length());
        }
    }

    @Test
    void descriptorsInABatchAreAllOwned() throws Exception {
        try (SocketPair ch = Socket.pair(Domain.UNIX, Type.DGRAM); SocketPair a = Socket.pair(Domain.UNIX, Type.STREAM);
             Arena arena = Arena.ofConfined()) {
            List<Message> out = List.of(Message.of(text(arena, "1")).control(ControlMessage.rights(a.first())),
                    Message.of(text(arena, "2")).control(ControlMessage.rights(a.second())));
            assertEquals(2, ch.first().sendMmsg(out, 0));
            List<Message> in = List.of(Message.allocate(4, 64), Message.allocate(4, 64));
            assertEquals(2, ch.second().recvMmsg(in, 0, null));
            for (Message m : in) {
                ControlMessage.Rights r = m.received(ControlMessage.Rights.class);
                assertNotNull(r);
                assertEquals(1, r.descriptors().size());
                r.close();
            }
        }
    }

    @Test
    void nonBlockingAndTimeouts() throws Exception {
        try (Socket rx = udp()) {
            List<Message> batch = List.of(Message.allocate(4, 0));
            assertEquals(Socket.WOULD_BLOCK, rx.recvMmsg(batch, MsgFlags.DONTWAIT, null));
            assertEquals(Socket.WOULD_BLOCK, batch.get(0).length());
            rx.setBlocking(false);
            assertEquals(Socket.WOULD_BLOCK, rx.recvMmsg(batch, 0, Duration.ofMillis(10)));
        }
    }

    @Test
    void badBatchesFailBeforeTheCall() throws Exception {
        try (Socket s = udp(); Arena arena = Arena.ofConfined()) {
            Message m = Message.allocate(4, 0);
            assertThrows(IllegalArgumentException.class, () -> s.recvMmsg(List.of(), 0, null));
            assertThrows(IllegalArgumentException.class, () -> s.recvMmsg(null, 0, null));
            assertThrows(IllegalArgumentException.class, () -> s.recvMmsg(List.of(m, m), 0, null));
            assertThrows(IllegalArgumentException.class, () -> s.recvMmsg(Collections.nCopies(1025, m), 0, null));
            assertThrows(IllegalArgumentException.class, () -> s.recvMmsg(List.of(m), 0, Duration.ofSeconds(-1)));
            assertThrows(IllegalArgumentException.class, () -> s.sendMmsg(java.util.Arrays.asList(m, null), 0));
            Message heap = new Message();
            assertThrows(IllegalArgumentException.class, () -> heap.data(MemorySegment.ofArray(new byte[2])));
            Arena gone = Arena.ofConfined();
            Message dead = Message.of(gone.allocate(2)).address(s.localAddress());
            gone.close();
            assertThrows(IllegalStateException.class, () -> s.sendMmsg(List.of(Message.of(text(arena, "ok"))
                    .address(s.localAddress()), dead), 0));
            // nothing went out, not even the good first message
            assertEquals(Socket.WOULD_BLOCK, s.recvMsg(Message.allocate(4, 0), MsgFlags.DONTWAIT));
        }
    }
}
