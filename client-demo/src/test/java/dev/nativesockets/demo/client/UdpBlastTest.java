package dev.nativesockets.demo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.Domain;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import dev.nativesockets.demo.DemoProcess;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code client-demo.jar udp-blast} with and without {@code --gso}: a plain receiver (no GRO) gets
 * every datagram, of the asked size, in order. 150 datagrams fit the receive buffer whole, so none
 * is dropped even if the receiver does not keep up.
 */
@Timeout(120)
class UdpBlastTest {
    static final Duration TIME = Duration.ofSeconds(60);
    private static final int COUNT = 150;
    private static final int SIZE = 1000;

    @Test
    void plain() throws Exception {
        blast(false);
    }

    @Test
    void withGso() throws Exception {
        blast(true);
    }

    private static void blast(boolean gso) throws Exception {
        try (Socket rx = Socket.open(Domain.INET, Type.DGRAM); Arena arena = Arena.ofConfined()) {
            rx.setOption(NativeOptions.SO_RCVBUF, 8 << 20);
            rx.bind(new InetSocketAddress("127.0.0.1", 0));
            rx.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(10));
            int port = ((InetSocketAddress) rx.localAddress()).getPort();
            String[] args = gso
                    ? new String[] {"udp-blast", "--port", Integer.toString(port), "--count", "" + COUNT, "--size", "" + SIZE, "--gso"}
                    : new String[] {"udp-blast", "--port", Integer.toString(port), "--count", "" + COUNT, "--size", "" + SIZE};
            try (DemoProcess c = DemoProcess.client(args)) {
                MemorySegment buf = arena.allocate(65_536);
                ValueLayout.OfInt number = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
                for (int i = 0; i < COUNT; i++) {
                    int n = rx.recv(buf, 0);
                    assertEquals(SIZE, n, "datagram " + i);
                    assertEquals(i, buf.get(number, 0), "datagrams arrive in order");
                }
                assertEquals(0, c.exitCode(TIME), c::toString);
                assertTrue(Pattern.compile("udp-blast: sent " + COUNT + " datagrams of " + SIZE + " bytes to 127\\.0\\.0\\.1:"
                        + port + " in \\d+\\.\\d{3} s: \\d+ datagrams/s, [\\d.]+ MB/s \\("
                        + (gso ? "GSO, 64 datagrams per message, 1 sendmmsg calls" : "no GSO, 3 sendmmsg calls") + "\\)\n")
                        .matcher(c.stdout()).matches(), c::toString);
            }
        }
    }
}
