package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The error queue outside zero-copy: with {@code IP_RECVERR}/{@code IPV6_RECVERR}, the ICMP
 * port-unreachable that a datagram to a closed port on loopback draws is queued and read with
 * {@code recvmsg(MSG_ERRQUEUE)} as an {@link ExtendedError}: {@code ECONNREFUSED}, origin ICMP,
 * the offender's address. An {@code ExtendedError} cannot be sent.
 */
class ErrorQueueTest {

    @Test
    void portUnreachableArrivesAsAnExtendedErrorV4() throws IOException {
        check(Domain.INET, NativeOptions.IP_RECVERR, Constants.SO_EE_ORIGIN_ICMP, Constants.IPPROTO_IP, Constants.IP_RECVERR);
    }

    @Test
    void portUnreachableArrivesAsAnExtendedErrorV6() throws IOException {
        check(Domain.INET6, NativeOptions.IPV6_RECVERR, Constants.SO_EE_ORIGIN_ICMP6, Constants.IPPROTO_IPV6, Constants.IPV6_RECVERR);
    }

    private static void check(Domain d, NativeOption<Boolean> recverr, int origin, int level, int type) throws IOException {
        Privilege.requireLinux("IP_RECVERR");
        InetSocketAddress closed;
        try (Socket probe = Socket.open(d, Type.DGRAM)) {
            probe.bind(Net.loopback(d));
            closed = (InetSocketAddress) probe.localAddress(); // bound, then closed: nobody listens there
        }
        try (Socket s = Socket.open(d, Type.DGRAM); Arena arena = Arena.ofConfined()) {
            s.setOption(recverr, true);
            s.sendTo(arena.allocate(10), 0, closed);
            Message m = new Message().controlCapacity(256);
            long deadline = System.nanoTime() + 5_000_000_000L;
            long n;
            do {
                n = s.recvMsg(m, MsgFlags.ERRQUEUE | MsgFlags.DONTWAIT);
            } while (n == Socket.WOULD_BLOCK && System.nanoTime() < deadline && sleep());
            assertFalse(n == Socket.WOULD_BLOCK, "no error queued within 5 s");
            ExtendedError e = m.received(ExtendedError.class);
            assertNotNull(e, () -> "no extended error in " + m.received());
            assertEquals(level, e.level());
            assertEquals(type, e.type());
            assertEquals(Constants.ECONNREFUSED, e.errno());
            assertEquals(origin, e.origin());
            assertFalse(e.isZeroCopy());
            InetSocketAddress offender = (InetSocketAddress) e.offender();
            assertTrue(offender.getAddress().isLoopbackAddress(), offender::toString);
            Message send = new Message().data(arena.allocate(1)).address(closed);
            assertThrows(IllegalArgumentException.class, () -> send.control(e), "receive-only");
        }
    }

    private static boolean sleep() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
