package dev.nativesockets;

import static dev.nativesockets.Net.LINUX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** recv/send on segments, buffers and arrays, per-call flags, read/write, shutdown, timeouts. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TransferTest {
    @TempDir
    Path dir;

    private Net.Conn stream(String kind) throws IOException {
        return switch (kind) {
            case "tcp4" -> Net.tcp(Domain.INET);
            case "tcp6" -> Net.tcp(Domain.INET6);
            case "unix" -> Net.unixStream(dir);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    // ---- buffer kinds ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "tcp6", "unix"})
    void sendAndRecvOnMemorySegments(String kind) throws IOException {
        try (Net.Conn c = stream(kind); Arena a = Arena.ofConfined()) {
            MemorySegment out = Net.segment(a, "segment payload");
            assertEquals(15, c.client().send(out));
            MemorySegment in = a.allocate(64);
            int n = c.server().recv(in.asSlice(0, 15), MsgFlags.WAITALL);
            assertEquals(15, n);
            assertEquals("segment payload", Net.str(in, n));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "tcp6", "unix"})
    void sendAndRecvOnDirectByteBuffersAdvancePositions(String kind) throws IOException {
        try (Net.Conn c = stream(kind)) {
            ByteBuffer out = ByteBuffer.allocateDirect(32);
            out.put(Net.utf8("xxdirect")).flip();
            out.position(2);
            assertEquals(6, c.client().send(out));
            assertEquals(8, out.position());
            assertFalse(out.hasRemaining());
            ByteBuffer in = ByteBuffer.allocateDirect(32);
            in.position(4).limit(10);
            assertEquals(6, c.server().recv(in, MsgFlags.WAITALL));
            assertEquals(10, in.position());
            byte[] got = new byte[6];
            in.get(4, got);
            Net.assertBytes("direct", got);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "unix"})
    void sendAndRecvOnHeapByteBuffersRespectArrayOffsets(String kind) throws IOException {
        try (Net.Conn c = stream(kind)) {
            ByteBuffer backing = ByteBuffer.wrap(Net.utf8("___heap-slice___"));
            ByteBuffer out = backing.position(3).slice().limit(10); // arrayOffset 3
            assertEquals(3, out.arrayOffset());
            assertEquals(10, c.client().send(out));
            assertEquals(10, out.position());
            ByteBuffer inBacking = ByteBuffer.allocate(40);
            ByteBuffer in = inBacking.position(5).slice(); // arrayOffset 5
            in.position(2).limit(12);
            int n = c.server().recv(in, MsgFlags.WAITALL);
            assertEquals(10, n);
            assertEquals(12, in.position());
            Net.assertBytes("heap-slice", Arrays.copyOfRange(inBacking.array(), 7, 17));
            // a read-only heap buffer has no accessible array: it is copied
            ByteBuffer ro = ByteBuffer.wrap(Net.utf8("ro")).asReadOnlyBuffer();
            assertEquals(2, c.server().send(ro));
            assertEquals(2, ro.position());
            Net.assertBytes("ro", Net.readN(c.client(), 2));
        }
    }

    @Test
    void sendAndRecvOnByteArraysHonourOffsetAndLength() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            byte[] out = Net.utf8("0123456789");
            assertEquals(4, c.client().send(out, 3, 4, 0));
            byte[] in = new byte[10];
            Arrays.fill(in, (byte) '.');
            assertEquals(4, c.server().recv(in, 5, 4, MsgFlags.WAITALL));
            Net.assertBytes(".....3456.", in);
            assertEquals(10, c.client().send(out));
            assertEquals(10, c.server().recv(new byte[10], 0, 10, MsgFlags.WAITALL));
            assertThrows(IllegalArgumentException.class, () -> c.client().send(out, 8, 4, 0));
            assertThrows(IllegalArgumentException.class, () -> c.client().recv(in, -1, 2, 0));
            assertThrows(IllegalArgumentException.class, () -> c.client().send((byte[]) null));
        }
    }

    @Test
    void largeTransfersRunThroughHeapStagingIntact() throws Exception {
        byte[] data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            Net.Blocked writer = Net.Blocked.start("writer", () -> {
                c.client().sendAll(data);
                c.client().shutdown(How.WRITE);
                return null;
            });
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[100_000];
            long total = 0;
            for (int n; (n = c.server().recv(buf)) > 0; ) {
                md.update(buf, 0, n);
                total += n;
            }
            writer.join();
            assertNull(writer.error);
            assertEquals(data.length, total);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), md.digest());
        }
    }

    @Test
    void sendAllOnASegmentSendsEverything() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET6); Arena a = Arena.ofShared()) {
            MemorySegment big = a.allocate(2 << 20);
            for (long i = 0; i < big.byteSize(); i += 8) {
                big.set(ValueLayout.JAVA_LONG, i, i);
            }
            Net.Blocked writer = Net.Blocked.start("writer", () -> {
                c.client().sendAll(big);
                return null;
            });
            MemorySegment in = a.allocate(big.byteSize());
            long got = 0;
            while (got < in.byteSize()) {
                got += c.server().recv(in.asSlice(got));
            }
            writer.join();
            assertEquals(-1, in.mismatch(big));
        }
    }

    @Test
    void segmentsAndBuffersTheKernelCannotUseAreRejected() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            MemorySegment heap = MemorySegment.ofArray(new byte[4]);
            assertThrows(IllegalArgumentException.class, () -> c.client().send(heap));
            assertThrows(IllegalArgumentException.class, () -> c.client().recv(heap));
            MemorySegment dead;
            try (Arena a = Arena.ofConfined()) {
                dead = a.allocate(4);
                MemorySegment ro = a.allocate(4).asReadOnly();
                assertThrows(IllegalArgumentException.class, () -> c.client().recv(ro));
            }
            assertThrows(IllegalStateException.class, () -> c.client().send(dead));
            assertThrows(IllegalArgumentException.class, () -> c.client().recv(ByteBuffer.allocate(4).asReadOnlyBuffer()));
            assertThrows(IllegalArgumentException.class, () -> c.client().send((ByteBuffer) null));
        }
    }

    // ---- flags --------------------------------------------------------------------------------

    @Test
    void peekLeavesTheDataQueued() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET); Arena a = Arena.ofConfined()) {
            c.client().sendAll(Net.utf8("peekaboo"));
            MemorySegment in = a.allocate(8);
            assertEquals(8, c.server().recv(in, MsgFlags.PEEK | MsgFlags.WAITALL));
            assertEquals("peekaboo", Net.str(in, 8));
            assertEquals(8, c.server().available());
            in.fill((byte) 0);
            assertEquals(4, c.server().recv(in.asSlice(0, 4), MsgFlags.PEEK));
            assertEquals(8, c.server().recv(in, 0));
            assertEquals("peekaboo", Net.str(in, 8));
            assertEquals(0, c.server().available());
        }
    }

    @Test
    void waitAllGathersSeveralSendsIntoOneRecv() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            Net.Blocked writer = Net.Blocked.start("writer", () -> {
                for (String part : new String[] {"wait", "-", "all"}) {
                    Thread.sleep(30);
                    c.client().send(Net.utf8(part));
                }
                return null;
            });
            byte[] in = new byte[8];
            assertEquals(8, c.server().recv(in, 0, 8, MsgFlags.WAITALL));
            Net.assertBytes("wait-all", in);
            writer.join();
        }
    }

    @Test
    void dontWaitMakesOneCallNonBlocking() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET); Arena a = Arena.ofConfined()) {
            MemorySegment in = a.allocate(8);
            assertTrue(c.server().isBlocking());
            assertEquals(Socket.WOULD_BLOCK, c.server().recv(in, MsgFlags.DONTWAIT));
            assertEquals(Constants.EAGAIN, c.server().lastError());
            assertTrue(c.server().isBlocking(), "the socket itself stays blocking");
            c.client().sendAll(Net.utf8("now"));
            int n;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((n = c.server().recv(in, MsgFlags.DONTWAIT)) == Socket.WOULD_BLOCK && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(3, n);
        }
    }

    @Test
    void outOfBandByteArrivesSeparatelyAndMarksTheStream() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET); Arena a = Arena.ofConfined()) {
            c.client().sendAll(Net.utf8("ab"));
            MemorySegment urgent = Net.segment(a, "!");
            assertEquals(1, c.client().send(urgent, MsgFlags.OOB));
            // wait until the urgent byte is there
            java.util.List<Socket> except = new java.util.ArrayList<>(java.util.List.of(c.server()));
            assertEquals(1, Select.select(null, null, except, Duration.ofSeconds(5)));
            assertEquals(1, except.size());
            assertFalse(c.server().atMark(), "ordinary bytes come first");
            MemorySegment in = a.allocate(8);
            assertEquals(1, c.server().recv(in, MsgFlags.OOB));
            assertEquals('!', in.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(2, c.server().recv(in.asSlice(0, 2), MsgFlags.WAITALL));
            assertTrue(c.server().atMark(), "the read pointer reached the mark");
        }
    }

    @Test
    void outOfBandInlineWithSoOobinline() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET); Arena a = Arena.ofConfined()) {
            c.server().setOption(NativeOptions.SO_OOBINLINE, true);
            assertTrue(c.server().getOption(NativeOptions.SO_OOBINLINE));
            c.client().sendAll(Net.utf8("xy"));
            c.client().send(Net.segment(a, "!"), MsgFlags.OOB);
            c.client().shutdown(How.WRITE);
            byte[] all = new byte[8];
            int got = 0;
            for (int n; (n = c.server().recv(all, got, all.length - got, 0)) > 0; ) {
                got += n;
            }
            Net.assertBytes("xy!", Arrays.copyOf(all, got));
            IOException e = assertThrows(IOException.class, () -> c.server().recv(a.allocate(1), MsgFlags.OOB));
            assertEquals("EINVAL", ((ErrnoException) e).errnoName(), "no separate urgent byte when inline");
        }
    }

    @Test
    void moreCoalescesDatagramsUntilTheLastSend() throws IOException {
        assumeTrue(LINUX, "MSG_MORE is Linux-only");
        try (Socket rx = Socket.open(Domain.INET, Type.DGRAM); Socket tx = Socket.open(Domain.INET, Type.DGRAM);
             Arena a = Arena.ofConfined()) {
            rx.bind(Net.ANY4);
            tx.connect(rx.localAddress());
            tx.send(Net.segment(a, "ab"), MsgFlags.MORE);
            tx.send(Net.segment(a, "cd"), MsgFlags.MORE);
            MemorySegment in = a.allocate(64);
            assertEquals(Socket.WOULD_BLOCK, rx.recv(in, MsgFlags.DONTWAIT), "nothing sent while MORE is pending");
            tx.send(Net.segment(a, "ef"), 0);
            assertEquals(6, rx.recv(in));
            assertEquals("abcdef", Net.str(in, 6));
        }
    }

    @Test
    void moreHoldsBackTcpSegmentsLikeCork() throws IOException {
        assumeTrue(LINUX, "MSG_MORE is Linux-only");
        try (Net.Conn c = Net.tcp(Domain.INET); Arena a = Arena.ofConfined()) {
            c.client().send(Net.segment(a, "par"), MsgFlags.MORE);
            MemorySegment in = a.allocate(16);
            assertEquals(Socket.WOULD_BLOCK, c.server().recv(in, MsgFlags.DONTWAIT), "partial frame held back");
            c.client().send(Net.segment(a, "tial"), 0);
            assertEquals(7, c.server().recv(in.asSlice(0, 7), MsgFlags.WAITALL));
            assertEquals("partial", Net.str(in, 7));
        }
    }

    @Test
    void unknownOrUnsupportedFlagsAreRejected() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET); Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(4);
            assertThrows(IllegalArgumentException.class, () -> c.client().send(buf, 1 << 29));
            assertThrows(IllegalArgumentException.class, () -> c.client().recv(buf, 1 << 29));
            assertThrows(UnsupportedOperationException.class, () -> c.client().send(buf, MsgFlags.UNSUPPORTED));
            if (!LINUX) {
                assertEquals(MsgFlags.UNSUPPORTED, MsgFlags.MORE);
            }
        }
    }

    // ---- read / write (socket_read / socket_write) -------------------------------------------------

    @Test
    void binaryReadReturnsWhatIsThereAndEmptyAtEndOfStream() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            assertEquals(5, c.client().write(Net.utf8("hello")));
            byte[] got = c.server().read(8192);
            Net.assertBytes("hello", got);
            c.client().write(Net.utf8("abcdef"));
            Net.assertBytes("abc", readExactly(c.server(), 3));
            c.client().shutdown(How.WRITE);
            Net.assertBytes("def", c.server().read(100, ReadMode.BINARY));
            assertEquals(0, c.server().read(100).length, "end of stream");
            assertEquals(0, c.server().read(0).length);
            assertThrows(IllegalArgumentException.class, () -> c.server().read(-1));
            assertThrows(IllegalArgumentException.class, () -> c.server().read(1, null));
        }
    }

    private static byte[] readExactly(Socket s, int n) throws IOException {
        byte[] b = new byte[n];
        assertEquals(n, s.recv(b, 0, n, MsgFlags.WAITALL));
        return b;
    }

    @Test
    void normalReadStopsAfterEachLineEnd() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            c.client().write(Net.utf8("one\ntwo\r\nthree"));
            c.client().shutdown(How.WRITE);
            Socket s = c.server();
            Net.assertBytes("one\n", s.read(100, ReadMode.NORMAL));
            Net.assertBytes("two\r", s.read(100, ReadMode.NORMAL));
            Net.assertBytes("\n", s.read(100, ReadMode.NORMAL));
            Net.assertBytes("three", s.read(100, ReadMode.NORMAL));
            assertEquals(0, s.read(100, ReadMode.NORMAL).length);
        }
    }

    @Test
    void normalReadStopsAtTheLengthAndLeavesTheRest() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            c.client().write(Net.utf8("abcdef\n"));
            Net.assertBytes("ab", c.server().read(2, ReadMode.NORMAL));
            Net.assertBytes("cdef\n", c.server().read(100, ReadMode.NORMAL));
        }
    }

    @Test
    void nonBlockingReadReturnsNullWithEAGAIN() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            c.server().setBlocking(false);
            assertNull(c.server().read(10));
            assertEquals(Constants.EAGAIN, c.server().lastError());
            assertNull(c.server().read(10, ReadMode.NORMAL));
            c.client().write(Net.utf8("x\n"));
            byte[] got = null;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (got == null && System.nanoTime() < deadline) {
                got = c.server().read(10, ReadMode.NORMAL);
            }
            Net.assertBytes("x\n", got);
        }
    }

    @Test
    void writeReturnsTheCountAndWouldBlockWhenFull() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.first().setBlocking(false);
            byte[] chunk = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = p.first().write(chunk)) != Socket.WOULD_BLOCK) {
                assertTrue(n > 0);
                total += n;
            }
            assertEquals(Constants.EAGAIN, p.first().lastError());
            assertTrue(total > 0);
            assertThrows(IllegalStateException.class, () -> p.first().sendAll(chunk), "sendAll needs blocking mode");
        }
    }

    // ---- shutdown ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "tcp6", "unix"})
    void shutdownWriteEndsThePeersStreamButNotOurs(String kind) throws IOException {
        try (Net.Conn c = stream(kind)) {
            c.client().shutdown(How.WRITE);
            assertEquals(0, c.server().recv(new byte[4]), "peer reads end of stream");
            c.server().sendAll(Net.utf8("still"));
            Net.assertBytes("still", Net.readN(c.client(), 5));
            IOException e = assertThrows(IOException.class, () -> c.client().send(Net.utf8("late")));
            assertEquals("EPIPE", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void shutdownReadMakesRecvReturnEndOfStream() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            c.server().shutdown(How.READ);
            assertEquals(0, c.server().recv(new byte[4]));
            c.server().shutdown(How.BOTH);
            assertEquals(0, c.client().recv(new byte[4]));
        }
    }

    @Test
    void shutdownOfAnUnconnectedSocketIsENOTCONN() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            IOException e = assertThrows(IOException.class, () -> s.shutdown(How.BOTH));
            assertEquals("shutdown", ((ErrnoException) e).operation());
            assertEquals("ENOTCONN", ((ErrnoException) e).errnoName());
            assertThrows(IllegalArgumentException.class, () -> s.shutdown(null));
        }
    }

    @Test
    void recvOnAnUnconnectedStreamSocketIsENOTCONN() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            IOException e = assertThrows(IOException.class, () -> s.recv(new byte[4]));
            assertEquals("ENOTCONN", ((ErrnoException) e).errnoName());
            assertEquals(Constants.ENOTCONN, s.lastError());
        }
    }

    @Test
    void recvReturnsZeroAfterThePeerCloses() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            c.client().write(Net.utf8("last"));
            c.client().close();
            Net.assertBytes("last", Net.readN(c.server(), 4));
            assertEquals(0, c.server().recv(new byte[4]));
            assertEquals(0, c.server().recv(new byte[4]), "and stays at end of stream");
        }
    }

    // ---- timeouts ---------------------------------------------------------------------------------

    @Test
    void recvTimesOutUnderSoRcvtimeoAndTheSocketStaysUsable() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET); Arena a = Arena.ofConfined()) {
            c.server().setOption(NativeOptions.SO_RCVTIMEO, Duration.ofMillis(120));
            long t0 = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> c.server().recv(a.allocate(4)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 100, "waited " + ms + " ms");
            ErrnoException ee = assertInstanceOf(ErrnoException.class, e);
            assertEquals("recv", ee.operation());
            assertEquals("EAGAIN", ee.errnoName());
            assertEquals(Constants.EAGAIN, c.server().lastError());
            c.client().write(Net.utf8("ok"));
            Net.assertBytes("ok", Net.readN(c.server(), 2));
        }
    }

    @Test
    void recvFromTimesOutUnderSoRcvtimeo() throws IOException {
        try (Socket udp = Socket.open(Domain.INET6, Type.DGRAM); Arena a = Arena.ofConfined()) {
            udp.bind(Net.ANY6);
            udp.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofMillis(80));
            // once to load the failure's code (tens of ms the first time), then timed
            assertThrows(SocketTimeoutException.class, () -> udp.recvFrom(a.allocate(4), 0));
            long t0 = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> udp.recvFrom(a.allocate(4), 0));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 70, "waited " + ms + " ms of 80");
            assertEquals("recvfrom", ((ErrnoException) e).operation());
        }
    }

    @Test
    void sendTimesOutUnderSoSndtimeoWhenThePeerDoesNotRead() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM); Arena a = Arena.ofConfined()) {
            p.first().setOption(NativeOptions.SO_SNDTIMEO, Duration.ofMillis(100));
            MemorySegment chunk = a.allocate(256 * 1024);
            long t0 = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> {
                while (true) {
                    p.first().sendAll(chunk);
                }
            });
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 90, "the full buffer's send gave up after " + ms + " ms of 100");
            assertEquals("send", ((ErrnoException) e).operation());
            assertEquals("EAGAIN", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void availableCountsQueuedBytes() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            assertEquals(0, p.second().available());
            p.first().sendAll(new byte[1234]);
            assertEquals(1234, p.second().available());
            p.second().recv(new byte[1000]);
            assertEquals(234, p.second().available());
        }
    }
}
