package dev.nativesockets.linux;

import static dev.nativesockets.linux.UringTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.Errno;
import dev.nativesockets.Fd;
import dev.nativesockets.How;
import dev.nativesockets.Socket;
import dev.nativesockets.SocketPair;
import dev.nativesockets.Domain;
import dev.nativesockets.Type;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every ring operation over real loopback sockets. */
class UringOpsTest {
    static final int POLLIN = 1, POLLOUT = 4;

    @BeforeAll
    static void ring() {
        assumeRing();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void probeReportsTheBasicsAndNopCompletes() throws Exception {
        try (Uring ring = Uring.open(8)) {
            assertTrue(ring.supports(UringOp.NOP));
            assertTrue(ring.supportedOps().contains(UringOp.RECV), ring.supportedOps().toString());
            assertTrue(ring.submissionEntries() >= 8);
            assertTrue(ring.completionEntries() >= 32);
            Recorder r = new Recorder();
            long id = ring.nop(7);
            assertEquals(1, ring.inFlight());
            Done d = r.one(ring, 7);
            assertEquals(0, d.result());
            assertEquals(UringOp.NOP, d.op());
            assertEquals(0, ring.inFlight());
            assertNotEquals(id, ring.nop(8), "a reused slot gets a new generation");
        }
    }

    @Test
    void acceptConnectSendRecv() throws Exception {
        try (Uring ring = Uring.open(16); Socket listener = Socket.listen(ANY4, 16);
             Socket client = Socket.open(Domain.INET, Type.STREAM)) {
            Recorder r = new Recorder();
            ring.accept(listener, 1);
            ring.connect(client, listener.localAddress(), 2);
            Done accepted = r.one(ring, 1);
            assertTrue(accepted.result() >= 0, accepted.toString());
            assertEquals(0, r.one(ring, 2).result());
            try (Socket conn = accepted.accepted()) {
                assertEquals(client.localAddress(), conn.peerAddress());
                UringBuffer out = ring.allocate(64);
                out.segment().setString(0, "ping", StandardCharsets.UTF_8);
                ring.send(client, out, 0, 4, 3);
                UringBuffer in = ring.allocate(64);
                ring.recv(conn, in, 8, 32, 4);
                assertEquals(4, r.one(ring, 3).result());
                assertEquals(4, r.one(ring, 4).result());
                assertEquals("ping", in.segment().getString(8, StandardCharsets.UTF_8).substring(0, 4));
                assertEquals(0, in.inFlight());
            }
        }
    }

    @Test
    void connectRefusedIsANegativeResult() throws Exception {
        int port;
        try (Socket probe = Socket.listen(ANY4, 1)) {
            port = ((java.net.InetSocketAddress) probe.localAddress()).getPort();
        }
        try (Uring ring = Uring.open(4); Socket client = Socket.open(Domain.INET, Type.STREAM)) {
            Recorder r = new Recorder();
            ring.connect(client, new java.net.InetSocketAddress(ANY4.getAddress(), port), 1);
            Done d = r.one(ring, 1);
            assertEquals(-Errno.number("ECONNREFUSED"), d.result());
        }
    }

    @Test
    void multishotAcceptTakesEveryConnection() throws Exception {
        try (Uring ring = Uring.open(16); Socket listener = Socket.listen(ANY4, 16)) {
            Recorder r = new Recorder();
            ring.acceptMultishot(listener, 9);
            ring.submit();
            Socket[] clients = new Socket[3];
            for (int i = 0; i < 3; i++) {
                clients[i] = Socket.open(Domain.INET, Type.STREAM);
                clients[i].connect(listener.localAddress());
            }
            List<Done> got = r.until(ring, 9, 3);
            for (Done d : got) {
                assertTrue(d.result() >= 0);
                assertTrue(d.more(), "multishot accept stays armed");
                d.accepted().close();
            }
            assertEquals(1, ring.inFlight());
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    @Test
    void multishotRecvIntoABufferRingAndReArmOnEnobufs() throws Exception {
        try (Uring ring = Uring.open(16); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            assertTrue(ring.supports(UringOp.RECV));
            BufferRing buffers = ring.bufferRing(2, 16); // two small buffers: 1000 bytes must run out
            byte[] sent = new byte[1000];
            for (int i = 0; i < sent.length; i++) {
                sent[i] = (byte) i;
            }
            p.first().send(sent);
            Recorder r = new Recorder();
            ring.recvMultishot(p.second(), buffers, 5);
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (got.size() < sent.length && System.nanoTime() < deadline) {
                ring.await(1, Duration.ofMillis(100), r);
                for (Done d : r.all) {
                    assertTrue(d.result() > 0, "no ENOBUFS reaches the handler: " + d);
                    got.write(d.data());
                }
                r.all.clear();
            }
            assertArrayEquals(sent, got.toByteArray());
            assertTrue(buffers.shortages() > 0, "the two buffers ran out and the receive was re-armed");
            assertEquals(1, ring.inFlight(), "still armed");
            p.first().shutdown(How.WRITE);
            Done end = r.one(ring, 5);
            assertEquals(0, end.result());
            assertFalse(end.more());
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void readAndWriteOnAnFd() throws Exception {
        try (Uring ring = Uring.open(8); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
             Fd a = Fd.adopt(p.first().detach()); Fd b = Fd.adopt(p.second().detach())) {
            Recorder r = new Recorder();
            UringBuffer buf = ring.allocate(32);
            buf.segment().setString(0, "via fd", StandardCharsets.UTF_8);
            ring.write(a, buf, 0, 6, 1);
            UringBuffer in = ring.allocate(32);
            ring.read(b, in, 0, 32, 2);
            assertEquals(6, r.one(ring, 1).result());
            assertEquals(6, r.one(ring, 2).result());
            assertEquals("via fd", in.segment().getString(0, StandardCharsets.UTF_8));
        }
    }

    @Test
    void pollOneShotAndMultishot() throws Exception {
        try (Uring ring = Uring.open(8); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Recorder r = new Recorder();
            ring.poll(p.second(), POLLOUT, 1);
            assertTrue((r.one(ring, 1).result() & POLLOUT) != 0);
            long id = ring.pollMultishot(p.second(), POLLIN, 2);
            p.first().send(utf8("x"));
            Done first = r.one(ring, 2);
            assertTrue((first.result() & POLLIN) != 0);
            assertTrue(first.more());
            p.second().read(1);
            p.first().send(utf8("y"));
            r.until(ring, 2, 2);
            ring.cancel(id, 3);
            assertEquals(0, r.one(ring, 3).result());
            List<Done> all = r.until(ring, 2, 3);
            assertEquals(-Errno.number("ECANCELED"), all.get(all.size() - 1).result());
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void timeoutsAndLinkedTimeouts() throws Exception {
        try (Uring ring = Uring.open(8); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Recorder r = new Recorder();
            ring.timeout(Duration.ofMillis(20), 1);
            assertEquals(-Errno.number("ETIME"), r.one(ring, 1).result());
            UringBuffer in = ring.allocate(16);
            ring.recv(p.second(), in, 0, 16, 2); // nothing will come
            ring.linkTimeout(Duration.ofMillis(30), 3);
            assertEquals(-Errno.number("ECANCELED"), r.one(ring, 2).result());
            assertEquals(-Errno.number("ETIME"), r.one(ring, 3).result());
            assertThrows(IllegalStateException.class, () -> ring.linkTimeout(Duration.ofMillis(1), 4),
                    "nothing queued to link to");
            ring.cancel(12345L, 5); // fails (ENOENT): what is linked after it would be cancelled
            assertThrows(IllegalArgumentException.class, () -> ring.linkTimeout(Duration.ofMillis(-1), 6));
            ring.nop(7);
            assertEquals(-Errno.ENOENT, r.one(ring, 5).result());
            assertEquals(0, r.one(ring, 7).result(), "a refused linked timeout leaves no link behind");
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void linkedChainRunsInOrder() throws Exception {
        try (Uring ring = Uring.open(8); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Recorder r = new Recorder();
            UringBuffer out = ring.allocate(16);
            out.segment().setString(0, "ab", StandardCharsets.UTF_8);
            ring.send(p.first(), out, 0, 1, 1);
            ring.link();
            ring.send(p.first(), out, 1, 1, 2);
            ring.link();
            ring.shutdown(p.first(), How.WRITE, 3);
            r.until(ring, 3, 1);
            assertEquals(1, r.one(ring, 1).result());
            assertEquals(1, r.one(ring, 2).result());
            assertEquals(0, r.one(ring, 3).result());
            assertArrayEquals(utf8("ab"), p.second().read(16));
            assertEquals(0, p.second().read(16).length, "the shutdown came last");
        }
    }

    @Test
    void cancelByIdAndByDescriptor() throws Exception {
        try (Uring ring = Uring.open(8); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Recorder r = new Recorder();
            UringBuffer in = ring.allocate(16);
            long id = ring.recv(p.second(), in, 0, 16, 1);
            ring.submit();
            ring.cancel(id, 2);
            assertEquals(0, r.one(ring, 2).result());
            assertEquals(-Errno.number("ECANCELED"), r.one(ring, 1).result());
            ring.recv(p.second(), in, 0, 8, 3);
            ring.poll(p.second(), POLLIN, 4);
            ring.submit();
            ring.cancelAll(p.second(), 5);
            assertEquals(2, r.one(ring, 5).result(), "both operations on the descriptor");
            assertEquals(-Errno.number("ECANCELED"), r.one(ring, 3).result());
            assertEquals(-Errno.number("ECANCELED"), r.one(ring, 4).result());
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void shutdownAndCloseThroughTheRing() throws Exception {
        try (Uring ring = Uring.open(8); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Recorder r = new Recorder();
            ring.shutdown(p.first(), How.WRITE, 1);
            assertEquals(0, r.one(ring, 1).result());
            assertEquals(0, p.second().read(8).length);
            int number = p.second().fd();
            ring.close(p.second(), 2);
            assertTrue(p.second().isClosed());
            assertEquals(0, r.one(ring, 2).result());
        }
    }

    @Test
    void zeroCopySendNotifiesWhenTheBufferIsFree() throws Exception {
        try (Uring ring = Uring.open(8); Socket listener = Socket.listen(ANY4, 4)) {
            Socket[] pair = connectedPair(listener);
            try (Socket client = pair[0]; Socket server = pair[1]) {
                if (!ring.supports(UringOp.SEND_ZC)) {
                    System.out.println("SKIP zero-copy: kernel lacks IORING_OP_SEND_ZC");
                    return;
                }
                Recorder r = new Recorder();
                UringBuffer out = ring.allocate(4096);
                out.segment().fill((byte) 'z');
                ring.sendZeroCopy(client, out, 0, 4096, 1);
                List<Done> both = r.until(ring, 1, 2);
                assertEquals(4096, both.get(0).result());
                assertTrue(both.get(0).more());
                assertTrue(both.get(1).notification());
                assertEquals(0, out.inFlight(), "free only after the notification");
                byte[] got = UringTestSupportRead.readN(server, 4096);
                assertEquals('z', got[4095]);
            }
        }
    }

    @Test
    void badInputFailsBeforeAnyNativeCall() throws Exception {
        try (Uring ring = Uring.open(4); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            UringBuffer b = ring.allocate(8);
            assertThrows(IndexOutOfBoundsException.class, () -> ring.send(p.first(), b, 4, 8, 1));
            assertThrows(IllegalArgumentException.class, () -> ring.send(null, b, 0, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> ring.timeout(Duration.ofSeconds(-1), 1));
            assertThrows(IllegalArgumentException.class, () -> ring.bufferRing(3, 16));
            assertThrows(IllegalArgumentException.class, () -> Uring.open(0));
            p.first().confine();
            assertThrows(IllegalArgumentException.class, () -> ring.send(p.first(), b, 0, 1, 1));
            p.second().close();
            assertThrows(IllegalStateException.class, () -> ring.send(p.second(), b, 0, 1, 1));
            assertEquals(0, ring.inFlight(), "refused operations leave no slot behind");
            Thread t = new Thread(() -> assertThrows(WrongThreadException.class, () -> ring.nop(1)));
            t.start();
            t.join();
            assertNotNull(ring.toString());
        }
    }

    @Test
    void sendmsgAndRecvmsgCarryDataAddressesAndDescriptors() throws Exception {
        try (Uring ring = Uring.open(8); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
             SocketPair passed = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Recorder r = new Recorder();
            UringBuffer data = ring.allocate(64);
            data.segment().setString(0, "msg", StandardCharsets.UTF_8);
            // SCM_RIGHTS carrying passed.first(): struct cmsghdr { size_t len = 20; int SOL_SOCKET; int SCM_RIGHTS; int fd }
            UringBuffer control = ring.allocate(64);
            MemorySegment c = control.segment();
            c.set(ValueLayout.JAVA_LONG, 0, 20);
            c.set(ValueLayout.JAVA_INT, 8, dev.nativesockets.libc.Constants.SOL_SOCKET);
            c.set(ValueLayout.JAVA_INT, 12, dev.nativesockets.libc.Constants.SCM_RIGHTS);
            c.set(ValueLayout.JAVA_INT, 16, passed.first().fd());
            ring.sendmsg(p.first(), data, 0, 3, null, control, 0, 24, 1);
            assertEquals(3, r.one(ring, 1).result());
            UringBuffer in = ring.allocate(64);
            UringBuffer inControl = ring.allocate(64);
            Fd[] got = new Fd[1];
            int[] ctl = new int[1];
            ring.recvmsg(p.second(), in, 0, 64, inControl, 0, 64, 2);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (got[0] == null && System.nanoTime() < deadline) {
                ring.await(1, Duration.ofMillis(100), comp -> {
                    assertEquals(3, comp.result());
                    ctl[0] = comp.controlLength();
                    got[0] = comp.takeReceivedDescriptors()[0];
                });
            }
            assertEquals(24, ctl[0]);
            assertEquals("msg", in.segment().getString(0, StandardCharsets.UTF_8));
            try (Fd fd = got[0]; Socket received = Socket.adopt(fd.detach())) {
                received.send(utf8("through the passed socket"));
                assertEquals("through the passed socket", new String(passed.second().read(64), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void untakenReceivedDescriptorsAreClosed() throws Exception {
        try (Uring ring = Uring.open(8); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
             SocketPair passed = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.first().sendMsg(dev.nativesockets.Message.of(java.lang.foreign.Arena.ofAuto().allocateFrom("x"))
                    .control(dev.nativesockets.ControlMessage.rights(passed.first())));
            UringBuffer in = ring.allocate(8);
            UringBuffer inControl = ring.allocate(64);
            ring.recvmsg(p.second(), in, 0, 8, inControl, 0, 64, 1);
            int[] number = {-1};
            Recorder r = new Recorder() {
                @Override
                public void onCompletion(UringCompletion c) {
                    number[0] = c.controlLength() >= 20 ? inControl.segment().get(ValueLayout.JAVA_INT, 16) : -1;
                    super.onCompletion(c);
                }
            };
            r.one(ring, 1);
            assertTrue(number[0] >= 0);
            passed.first().close();
            passed.second().setOption(dev.nativesockets.NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
            // the only other reference to passed.first()'s socket was the received descriptor: closed by the ring
            assertEquals(0, passed.second().read(8).length, "the peer sees end-of-stream: no copy of the socket leaked");
        }
    }

    /** A multishot receive the caller cancels is never re-armed, even if it ran out of buffers just before. */
    @Test
    void aCancelledMultishotReceiveIsNotReArmed() throws Exception {
        try (Uring ring = Uring.open(8); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            BufferRing buffers = ring.bufferRing(1, 16);
            p.first().send(new byte[1000]);
            Recorder r = new Recorder();
            long id = ring.recvMultishot(p.second(), buffers, 1);
            ring.submit(); // runs at once: one buffer filled, then ENOBUFS, not reaped yet
            ring.cancel(id, 2);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ring.inFlight() > 0 && System.nanoTime() < deadline) {
                ring.await(1, Duration.ofMillis(50), r);
            }
            assertEquals(0, ring.inFlight(), "cancelled, so not armed again: " + r.all);
            Done last = r.tagged(1).get(r.tagged(1).size() - 1);
            assertFalse(last.more());
            assertTrue(last.result() == -Errno.number("ECANCELED") || last.result() == -Errno.ENOBUFS, last.toString());
        }
    }
}
