package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code List<Message>} batch calls as a hot loop uses them (benchmarks/UdpBatch nativesockets_list_mmsg): the same Message objects sent and
 * received again and again, each call's results right; and a message twice in one batch still
 * rejected, also when it was fine in the previous call.
 */
class MmsgBatchReuseTest {
    @BeforeEach
    void linuxOnly() {
        assumeTrue(Platform.current().isLinux(), "sendmmsg/recvmmsg are Linux-only");
    }

    @Test
    void reusedMessagesCarryEachCallsData() throws Exception {
        InetSocketAddress lo = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (Socket a = Socket.open(Domain.INET, Type.DGRAM); Socket b = Socket.open(Domain.INET, Type.DGRAM)) {
            a.bind(lo);
            b.bind(lo);
            a.connect(b.localAddress());
            b.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
            Arena arena = Arena.ofAuto();
            List<Message> out = new ArrayList<>();
            List<Message> in = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                out.add(Message.of(arena.allocate(4)));
                in.add(Message.of(arena.allocate(16)));
            }
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < 8; i++) {
                    out.get(i).data().get(0).set(ValueLayout.JAVA_INT, 0, round * 100 + i);
                }
                assertEquals(8, a.sendMmsg(out, 0));
                int got = 0;
                while (got < 8) {
                    got += b.recvMmsg(got == 0 ? in : in.subList(got, 8), MsgFlags.WAITFORONE, null);
                }
                for (int i = 0; i < 8; i++) {
                    assertEquals(4, in.get(i).length(), "round " + round + " message " + i);
                    assertEquals(round * 100 + i, in.get(i).data().get(0).get(ValueLayout.JAVA_INT, 0));
                    assertEquals(a.localAddress(), in.get(i).address());
                    assertEquals(4, out.get(i).length());
                }
            }
            Message m = out.get(0);
            assertThrows(IllegalArgumentException.class, () -> a.sendMmsg(List.of(m, out.get(1), m), 0));
            assertThrows(IllegalArgumentException.class, () -> b.recvMmsg(List.of(in.get(2), in.get(2)), 0, null));
            assertEquals(2, a.sendMmsg(List.of(m, out.get(1)), 0)); // the same message alone is fine again
        }
    }
}
