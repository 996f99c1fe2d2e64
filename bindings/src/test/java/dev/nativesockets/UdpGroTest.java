package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * UDP generic receive offload over loopback: with {@code UDP_GRO} on, the datagrams of one GSO
 * send arrive as one buffer and a {@link SegmentSize} control message ({@code UDP_GRO}) gives the
 * size of each — through {@code recvmsg} and a {@link MessageBatch} on {@code recvmmsg}; without
 * it they arrive one by one.
 */
class UdpGroTest {

    private static Socket receiver(boolean gro) throws IOException {
        Socket rx = Socket.open(Domain.INET, Type.DGRAM);
        rx.bind(Net.ANY4);
        rx.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
        if (gro) {
            try {
                rx.setOption(NativeOptions.UDP_GRO, true);
            } catch (IOException e) {
                rx.close();
                // a kernel before 5.0 does not know the option: ENOPROTOOPT; anything else is ours
                Privilege.requireKernelFeature(e, "UDP_GRO (Linux 5.0+)", Constants.ENOPROTOOPT);
            }
        }
        return rx;
    }

    /** One GSO send of {@code total} bytes in {@code size}-byte segments, bytes numbered from 0. */
    private static void gsoSend(Socket rx, int total, int size) throws IOException {
        try (Socket tx = Socket.open(Domain.INET, Type.DGRAM); Arena arena = Arena.ofConfined()) {
            UdpGsoTest.requireGso(tx);
            MemorySegment data = arena.allocate(total);
            for (int i = 0; i < total; i++) {
                data.set(ValueLayout.JAVA_BYTE, i, (byte) (i % 251));
            }
            Message m = new Message().data(data).address(rx.localAddress()).control(SegmentSize.of(size));
            // the kernel has UDP_SEGMENT (checked above): a failed send is a failure
            assertEquals(total, tx.sendMsg(m));
        }
    }

    @Test
    void groReceivesOneBufferWithTheSegmentSize() throws IOException {
        Privilege.requireLinux("UDP GRO");
        try (Socket rx = receiver(true)) {
            assertTrue(rx.getOption(NativeOptions.UDP_GRO));
            gsoSend(rx, 12_000, 1200);
            Message m = Message.allocate(65_536, ControlMessage.space(4));
            long n = rx.recvMsg(m);
            assertEquals(12_000, n, "the ten datagrams arrive coalesced");
            SegmentSize g = m.received(SegmentSize.class);
            assertNotNull(g, () -> "no UDP_GRO control message in " + m.received());
            assertTrue(g.received());
            assertEquals(1200, g.size());
            assertEquals(10, g.segments(n));
            MemorySegment data = m.data().get(0);
            for (int i = 0; i < n; i++) {
                assertEquals((byte) (i % 251), data.get(ValueLayout.JAVA_BYTE, i));
            }
        }
    }

    @Test
    void groThroughRecvMmsgAndABatch() throws IOException {
        Privilege.requireLinux("UDP GRO");
        try (Socket rx = receiver(true)) {
            gsoSend(rx, 4_500, 1000);
            gsoSend(rx, 3_000, 1500);
            MessageBatch batch = MessageBatch.allocate(4, 65_536, ControlMessage.space(4));
            int got = rx.recvMmsg(batch, 2, 0, Duration.ofSeconds(5));
            assertEquals(2, got);
            assertEquals(4_500, batch.length(0));
            assertEquals(1000, batch.received(0, SegmentSize.class).size());
            assertEquals(5, batch.received(0, SegmentSize.class).segments(batch.length(0)));
            assertEquals(3_000, batch.length(1));
            assertEquals(1500, batch.received(1, SegmentSize.class).size());
        }
    }

    @Test
    void withoutGroTheSegmentsArriveOneByOne() throws IOException {
        Privilege.requireLinux("UDP GRO");
        try (Socket rx = receiver(false)) {
            gsoSend(rx, 3_000, 1000);
            Message m = Message.allocate(65_536, ControlMessage.space(4));
            for (int i = 0; i < 3; i++) {
                assertEquals(1000, rx.recvMsg(m));
                assertNull(m.received(SegmentSize.class), "no UDP_GRO message without the option");
            }
        }
    }
}
