package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * UDP generic segmentation offload over loopback: one send of many segments' worth of data leaves
 * as separate datagrams of the segment size, and a plain receiver (no GRO) gets each whole and in
 * order — through the {@code UDP_SEGMENT} socket option, and per message through
 * {@link SegmentSize} on {@code sendmsg}, {@code sendmmsg} and a {@link MessageBatch}.
 */
class UdpGsoTest {

    /** Fills {@code seg[0, len)} so that byte {@code i} is {@code (base + i) % 251}: every segment is distinct. */
    private static void pattern(MemorySegment seg, int len, int base) {
        for (int i = 0; i < len; i++) {
            seg.set(ValueLayout.JAVA_BYTE, i, (byte) ((base + i) % 251));
        }
    }

    /** Receives datagrams and checks they are {@code total} bytes cut in {@code size}-byte pieces, in order. */
    private static void expectSegments(Socket rx, int total, int size, int base) throws IOException {
        MemorySegment buf = Arena.ofAuto().allocate(65_536);
        int offset = 0;
        while (offset < total) {
            int expected = Math.min(size, total - offset);
            int n = rx.recv(buf, 0);
            assertEquals(expected, n, "datagram at offset " + offset);
            for (int i = 0; i < n; i++) {
                assertEquals((byte) ((base + offset + i) % 251), buf.get(ValueLayout.JAVA_BYTE, i), "byte " + (offset + i));
            }
            offset += n;
        }
    }

    /** Nothing else is queued: the sends made exactly the datagrams expected. */
    private static void expectNoMore(Socket rx) throws IOException {
        assertEquals(Socket.WOULD_BLOCK, rx.recv(Arena.ofAuto().allocate(65_536), MsgFlags.DONTWAIT));
    }

    private record Pair(Socket tx, Socket rx, SocketAddress to) implements AutoCloseable {
        @Override
        public void close() {
            tx.close();
            rx.close();
        }
    }

    private static Pair pair(Domain d) throws IOException {
        Socket rx = Socket.open(d, Type.DGRAM);
        Socket tx = Socket.open(d, Type.DGRAM);
        rx.bind(Net.loopback(d));
        rx.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
        rx.setOption(NativeOptions.SO_RCVBUF, 4 << 20);
        return new Pair(tx, rx, rx.localAddress());
    }

    static void requireGso(Socket s) throws IOException {
        Privilege.requireLinux("UDP GSO");
        try {
            s.getOption(NativeOptions.UDP_SEGMENT);
        } catch (IOException e) {
            // a kernel before 4.18 does not know the option: ENOPROTOOPT; anything else is ours
            Privilege.requireKernelFeature(e, "UDP_SEGMENT (Linux 4.18+)", Constants.ENOPROTOOPT);
        }
    }

    @Test
    void socketOptionCutsOneSendIntoDatagrams() throws IOException {
        try (Pair p = pair(Domain.INET); Arena arena = Arena.ofConfined()) {
            requireGso(p.tx());
            p.tx().setOption(NativeOptions.UDP_SEGMENT, 1200);
            assertEquals(1200, p.tx().getOption(NativeOptions.UDP_SEGMENT));
            MemorySegment data = arena.allocate(12_000);
            pattern(data, 12_000, 0);
            assertEquals(12_000, p.tx().sendTo(data, 0, p.to()));
            expectSegments(p.rx(), 12_000, 1200, 0);
            expectNoMore(p.rx());
        }
    }

    @Test
    void perMessageSegmentSizeOnSendMsgV4AndV6() throws IOException {
        for (Domain d : new Domain[] {Domain.INET, Domain.INET6}) {
            try (Pair p = pair(d); Arena arena = Arena.ofConfined()) {
                requireGso(p.tx());
                MemorySegment data = arena.allocate(5_500);
                pattern(data, 5_500, 7);
                Message m = new Message().data(data).address(p.to()).control(SegmentSize.of(1000));
                assertEquals(5_500, p.tx().sendMsg(m));
                expectSegments(p.rx(), 5_500, 1000, 7); // five of 1000 and a last one of 500
                expectNoMore(p.rx());
            }
        }
    }

    @Test
    void perMessageSegmentSizeOnSendMmsg() throws IOException {
        try (Pair p = pair(Domain.INET); Arena arena = Arena.ofConfined()) {
            requireGso(p.tx());
            MemorySegment a = arena.allocate(3_000);
            MemorySegment b = arena.allocate(2_400);
            pattern(a, 3_000, 0);
            pattern(b, 2_400, 3_000);
            List<Message> ms = List.of(
                    new Message().data(a).address(p.to()).control(SegmentSize.of(1500)),
                    new Message().data(b).address(p.to()).control(SegmentSize.of(1200)));
            assertEquals(2, p.tx().sendMmsg(ms, 0));
            expectSegments(p.rx(), 3_000, 1500, 0);
            expectSegments(p.rx(), 2_400, 1200, 3_000);
            expectNoMore(p.rx());
        }
    }

    @Test
    void perMessageSegmentSizeInAMessageBatch() throws IOException {
        try (Pair p = pair(Domain.INET)) {
            requireGso(p.tx());
            MessageBatch batch = MessageBatch.allocate(3, 8_000, ControlMessage.space(2));
            for (int i = 0; i < 3; i++) {
                pattern(batch.data(i), 8_000, i * 8_000);
                batch.sendLength(i, 8_000).address(i, p.to()).control(i, SegmentSize.of(1000 * (i + 1)));
            }
            assertEquals(3, p.tx().sendMmsg(batch, 3, 0));
            for (int i = 0; i < 3; i++) {
                expectSegments(p.rx(), 8_000, 1000 * (i + 1), i * 8_000);
            }
            expectNoMore(p.rx());
        }
    }

    @Test
    void badSegmentSizesAreRefusedBeforeTheCall() throws IOException {
        try (Pair p = pair(Domain.INET); Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(100);
            Message m = new Message().data(data).address(p.to());
            assertThrows(IllegalArgumentException.class, () -> m.control(SegmentSize.of(70_000)));
            assertThrows(IllegalArgumentException.class, () -> m.control(new SegmentSize(100, true)), "UDP_GRO is receive-only");
            MessageBatch batch = MessageBatch.allocate(1, 100, ControlMessage.space(2));
            assertThrows(IllegalArgumentException.class, () -> batch.control(0, SegmentSize.of(-1)));
            assertThrows(IllegalArgumentException.class, () -> p.tx().setOption(NativeOptions.UDP_SEGMENT, -1));
            assertEquals(Socket.WOULD_BLOCK, p.rx().recv(data, MsgFlags.DONTWAIT), "nothing was sent");
        }
    }

    @Test
    void moreThanTheKernelTakesIsItsError() throws IOException {
        try (Pair p = pair(Domain.INET); Arena arena = Arena.ofConfined()) {
            requireGso(p.tx());
            // 1300 segments of 50 bytes: far past the kernel's limit of segments per send (64, or 128 on newer kernels)
            MemorySegment data = arena.allocate(65_000);
            Message m = new Message().data(data).address(p.to()).control(SegmentSize.of(50));
            IOException e = assertThrows(IOException.class, () -> p.tx().sendMsg(m));
            assertEquals(Constants.EINVAL, ((ErrnoException) e).errno(), e.getMessage());
        }
    }
}
