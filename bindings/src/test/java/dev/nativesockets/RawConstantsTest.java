package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link Errno}'s errno constants and {@link OptionLevel}'s levels, used as a caller would: compared
 * with what real failures report, and passed to the raw option forms on real sockets.
 */
class RawConstantsTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    /** An option name no level defines. */
    private static final int NO_SUCH_OPTION = 0x7ffe;

    private static int errnoOf(Executable e) {
        IOException thrown = assertThrows(IOException.class, e::run);
        return assertInstanceOf(ErrnoException.class, thrown).errno();
    }

    interface Executable {
        void run() throws Exception;
    }

    @Test
    void everyErrnoConstantIsThePlatformsNumberForItsName() throws Exception {
        int n = 0;
        for (Field f : Errno.class.getFields()) {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("E")) {
                int v = f.getInt(null);
                assertNotEquals(Constants.UNSUPPORTED, v, f.getName());
                assertEquals(Errno.number(f.getName()), v, f.getName());
                // EWOULDBLOCK is EAGAIN, and on Linux ENOTSUP is EOPNOTSUPP: the name may be the alias's
                assertEquals(v, Errno.number(Errno.name(v)), f.getName());
                n++;
            }
        }
        assertTrue(n >= 40, n + " errno constants");
    }

    @Test
    void errnoConstantsMatchWhatFailedCallsReport() throws Exception {
        int freePort;
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            s.bind(LOOPBACK);
            freePort = ((InetSocketAddress) s.localAddress()).getPort(); // bound, not listening: refuses
            try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort);
                assertEquals(Errno.ECONNREFUSED, errnoOf(() -> c.connect(target)));
            }
        }
        try (Socket l = Socket.listen(LOOPBACK, 1); Socket other = Socket.open(Domain.INET, Type.STREAM)) {
            assertEquals(Errno.EADDRINUSE, errnoOf(() -> other.bind(l.localAddress())));
            assertEquals(Errno.ENOPROTOOPT, errnoOf(() -> l.getIntOption(OptionLevel.SOL_SOCKET, NO_SUCH_OPTION)));
        }
        SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
        try (Socket a = p.first(); Socket b = p.second()) {
            b.close();
            assertEquals(Errno.EPIPE, errnoOf(() -> a.send(new byte[] {1})));
        }
    }

    @Test
    void levelsReachTheirOptionsOnRealSockets() throws Exception {
        try (Socket tcp = Socket.open(Domain.INET, Type.STREAM)) {
            assertEquals(Constants.SOCK_STREAM, tcp.getIntOption(OptionLevel.SOL_SOCKET, NativeOptions.SO_TYPE.optname()));
            tcp.setOption(StandardSocketOptions.TCP_NODELAY, true);
            assertNotEquals(0, tcp.getIntOption(OptionLevel.IPPROTO_TCP, NativeOptions.TCP_NODELAY.optname()));
            tcp.setOption(StandardSocketOptions.TCP_NODELAY, false);
            assertEquals(0, tcp.getIntOption(OptionLevel.IPPROTO_TCP, NativeOptions.TCP_NODELAY.optname()));
            tcp.setIntOption(OptionLevel.IPPROTO_IP, NativeOptions.IP_TTL.optname(), 33);
            assertEquals(33, tcp.getOption(NativeOptions.IP_TTL));
        }
        try (Socket udp = Socket.open(Domain.INET, Type.DGRAM)) {
            // the UDP level answers for itself: a name it does not know is refused, not misread
            assertEquals(Errno.ENOPROTOOPT, errnoOf(() -> udp.getIntOption(OptionLevel.IPPROTO_UDP, NO_SUCH_OPTION)));
        }
        Socket v6;
        try {
            v6 = Socket.open(Domain.INET6, Type.STREAM);
        } catch (IOException e) {
            Privilege.skipOnlyFor(e, "no IPv6 on this machine", "EAFNOSUPPORT");
            return;
        }
        try (v6) {
            v6.setIntOption(OptionLevel.IPPROTO_IPV6, NativeOptions.IPV6_V6ONLY.optname(), 1);
            assertEquals(true, v6.getOption(NativeOptions.IPV6_V6ONLY));
            v6.setIntOption(OptionLevel.IPPROTO_IPV6, NativeOptions.IPV6_V6ONLY.optname(), 0);
            assertEquals(false, v6.getOption(NativeOptions.IPV6_V6ONLY));
        }
    }

    @Test
    void everyNativeOptionSitsAtOneOfTheLevels() {
        Set<Integer> levels = Set.of(OptionLevel.SOL_SOCKET, OptionLevel.IPPROTO_IP, OptionLevel.IPPROTO_IPV6,
                OptionLevel.IPPROTO_TCP, OptionLevel.IPPROTO_UDP, OptionLevel.SOL_PACKET);
        TreeSet<String> stray = new TreeSet<>();
        for (Field f : NativeOptions.class.getFields()) {
            try {
                if (f.get(null) instanceof NativeOption<?> o && o.isSupported() && !levels.contains(o.level())) {
                    stray.add(o.name() + " at level " + o.level());
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        assertEquals(Set.of(), stray);
    }
}
