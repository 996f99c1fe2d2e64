package dev.nativesockets;

import static dev.nativesockets.Net.ANY4;
import static dev.nativesockets.Net.ANY6;
import static dev.nativesockets.Net.LINUX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Linger;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** getsockopt/setsockopt: StandardSocketOptions, every NativeOptions option, and the raw forms. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OptionsTest {

    @SuppressWarnings("unchecked")
    static <T> NativeOption<T> option(String name) {
        try {
            return (NativeOption<T>) NativeOptions.class.getField(name).get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("NativeOptions." + name, e);
        }
    }

    static List<NativeOption<?>> allNativeOptions() throws IllegalAccessException {
        List<NativeOption<?>> all = new ArrayList<>();
        for (Field f : NativeOptions.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == NativeOption.class) {
                all.add((NativeOption<?>) f.get(null));
            }
        }
        return all;
    }

    /** A socket of the kind an option's level calls for. */
    static Socket socketFor(String kind, List<AutoCloseable> cleanup) throws IOException {
        return switch (kind) {
            case "tcp" -> closedAfter(Net.tcp(Domain.INET), cleanup).server();
            case "tcp6" -> closedAfter(Net.tcp(Domain.INET6), cleanup).server();
            case "tcp-unconnected" -> closedAfter(Socket.open(Domain.INET, Type.STREAM), cleanup);
            case "udp" -> closedAfter(Socket.open(Domain.INET, Type.DGRAM), cleanup);
            case "udp6" -> closedAfter(Socket.open(Domain.INET6, Type.DGRAM), cleanup);
            case "unix" -> closedAfter(Socket.pair(Domain.UNIX, Type.STREAM), cleanup).first();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static <T extends AutoCloseable> T closedAfter(T resource, List<AutoCloseable> cleanup) {
        cleanup.add(resource);
        return resource;
    }

    static String kindFor(NativeOption<?> o) {
        if (o.name().equals("SO_PEERCRED") || o.name().equals("SO_PASSCRED")) {
            return "unix";
        }
        if (o.level() == Constants.IPPROTO_TCP || o.level() == Constants.SOL_SOCKET) {
            return "tcp";
        }
        if (o.level() == Constants.IPPROTO_IPV6) {
            return "udp6";
        }
        return "udp";
    }

    static void closeAll(List<AutoCloseable> cleanup) throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    // ---- every option ------------------------------------------------------------------------------

    @Test
    void everyNativeOptionIsReadableWritableOrClearlyRefused() throws Exception {
        List<NativeOption<?>> all = allNativeOptions();
        assertTrue(all.size() >= 50, "options found: " + all.size());
        Set<String> nullable = Set.of("IP_MULTICAST_IF", "IPV6_MULTICAST_IF", "SO_BINDTODEVICE");
        for (NativeOption<?> o : all) {
            List<AutoCloseable> cleanup = new ArrayList<>();
            try {
                Socket s = socketFor(kindFor(o), cleanup);
                if (!o.isSupported()) {
                    assertFalse(s.supportsOption(o), o.name());
                    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> s.getOption(o), o.name());
                    assertTrue(e.getMessage().contains(o.name()), e.getMessage());
                    continue;
                }
                assertTrue(s.supportsOption(o), o.name());
                assertTrue(o.level() != Constants.UNSUPPORTED && o.optname() != Constants.UNSUPPORTED);
                if (o.readable()) {
                    Object v = s.getOption(o);
                    if (!nullable.contains(o.name())) {
                        assertNotNull(v, o.name());
                    }
                    if (v != null) {
                        assertInstanceOf(o.type(), v, o.name());
                    }
                } else {
                    assertThrows(UnsupportedOperationException.class, () -> s.getOption(o), o.name() + " is write-only");
                }
                if (!o.writable()) {
                    @SuppressWarnings("unchecked")
                    NativeOption<Object> any = (NativeOption<Object>) o;
                    assertThrows(UnsupportedOperationException.class, () -> s.setOption(any, 1), o.name() + " is read-only");
                }
            } finally {
                closeAll(cleanup);
            }
        }
    }

    @Test
    void platformSpecificOptionsAreUnsupportedElsewhere() throws IOException {
        NativeOption<Boolean> other = LINUX ? NativeOptions.SO_NOSIGPIPE : NativeOptions.TCP_QUICKACK;
        assertFalse(other.isSupported());
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            assertFalse(s.supportsOption(other));
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> s.setOption(other, true));
            assertTrue(e.getMessage().contains("not supported on"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> s.getOption(other));
        }
    }

    @ParameterizedTest
    @CsvSource({
            "SO_REUSEADDR,tcp-unconnected", "SO_REUSEPORT,tcp-unconnected", "SO_KEEPALIVE,tcp", "SO_BROADCAST,udp",
            "SO_OOBINLINE,tcp", "SO_PASSCRED,unix", "SO_TIMESTAMP,udp", "SO_TIMESTAMPNS,udp", "TCP_NODELAY,tcp",
            "TCP_CORK,tcp", "IP_MULTICAST_LOOP,udp", "IP_PKTINFO,udp", "IP_RECVTTL,udp", "IP_RECVTOS,udp",
            "IP_FREEBIND,udp", "IPV6_V6ONLY,udp6", "IPV6_MULTICAST_LOOP,udp6", "IPV6_RECVPKTINFO,udp6",
            "IPV6_RECVHOPLIMIT,udp6", "IPV6_RECVTCLASS,udp6"})
    void booleanOptionsFlipAndReadBack(String name, String kind) throws Exception {
        NativeOption<Boolean> o = option(name);
        assumeTrue(o.isSupported(), name + " is not on this platform");
        List<AutoCloseable> cleanup = new ArrayList<>();
        try {
            Socket s = socketFor(kind, cleanup);
            boolean before = s.getOption(o);
            s.setOption(o, !before);
            assertEquals(!before, s.getOption(o), name);
            s.setOption(o, before);
            assertEquals(before, s.getOption(o), name);
        } finally {
            closeAll(cleanup);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "SO_RCVLOWAT,tcp,10", "TCP_USER_TIMEOUT,tcp,12345", "TCP_KEEPIDLE,tcp,77", "TCP_KEEPINTVL,tcp,13",
            "TCP_KEEPCNT,tcp,4", "TCP_FASTOPEN,tcp-unconnected,5", "TCP_MAXSEG,tcp-unconnected,1000",
            "TCP_NOTSENT_LOWAT,tcp,16384", "IP_TTL,udp,17", "IP_TOS,udp,16", "IP_MULTICAST_TTL,udp,3",
            "IPV6_UNICAST_HOPS,udp6,9", "IPV6_TCLASS,udp6,32", "IPV6_MULTICAST_HOPS,udp6,4", "SO_LINGER,tcp,7"})
    void integerOptionsTakeAValueAndReadItBack(String name, String kind, int value) throws Exception {
        NativeOption<Integer> o = option(name);
        assumeTrue(o.isSupported(), name + " is not on this platform");
        assumeTrue(LINUX || !name.equals("TCP_FASTOPEN"), "Darwin's TCP_FASTOPEN is an on/off switch");
        List<AutoCloseable> cleanup = new ArrayList<>();
        try {
            Socket s = socketFor(kind, cleanup);
            assertFalse(s.getOption(o) == value, name + " already had the test value");
            s.setOption(o, value);
            assertEquals(value, s.getOption(o), name);
        } finally {
            closeAll(cleanup);
        }
    }

    @Test
    void badValuesAreRejectedBeforeTheCall() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            assertThrows(IllegalArgumentException.class, () -> s.setOption(NativeOptions.SO_RCVBUF, -1));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(NativeOptions.TCP_NODELAY, null));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofMillis(-5)));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(NativeOptions.SO_BINDTODEVICE, "x".repeat(100)));
            @SuppressWarnings({"unchecked", "rawtypes"})
            SocketOption<Object> raw = (SocketOption) NativeOptions.TCP_NODELAY;
            assertThrows(IllegalArgumentException.class, () -> s.setOption(raw, "yes"), "wrong value type");
            assertThrows(IllegalArgumentException.class, () -> s.getOption((SocketOption<?>) null));
            assertThrows(IllegalArgumentException.class,
                    () -> s.setOption(NativeOptions.IP_ADD_MEMBERSHIP, new Membership(Net.addr("ff02::1"), 0)),
                    "IPv4 membership with an IPv6 group");
            assertThrows(IllegalArgumentException.class, () -> new Membership(Net.LO4, 0), "not multicast");
            assertThrows(IllegalArgumentException.class, () -> new Membership(Net.addr("239.1.1.1"), -1));
            assertEquals(0, s.lastError());
        }
    }

    @Test
    void optionsTheLibraryDoesNotKnowFailClearly() throws IOException {
        SocketOption<Integer> mine = new SocketOption<>() {
            public String name() { return "MY_OPTION"; }
            public Class<Integer> type() { return Integer.class; }
        };
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.getOption(mine));
            assertTrue(e.getMessage().contains("MY_OPTION") && e.getMessage().contains("NativeOptions"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.setOption(mine, 1));
            assertFalse(s.supportsOption(mine));
            assertTrue(s.supportsOption(StandardSocketOptions.SO_RCVBUF));
        }
    }

    @Test
    void anOptionOfAnotherFamilyIsRefusedByTheKernelWithItsErrno() throws IOException {
        try (Socket v4 = Socket.open(Domain.INET, Type.DGRAM)) {
            IOException e = assertThrows(IOException.class, () -> v4.setOption(NativeOptions.IPV6_V6ONLY, true));
            ErrnoException ee = (ErrnoException) e;
            assertTrue(Set.of("ENOPROTOOPT", "EOPNOTSUPP", "EINVAL").contains(ee.errnoName()), ee.errnoName());
            assertEquals("setsockopt(IPV6_V6ONLY)", ee.operation());
        }
    }

    // ---- StandardSocketOptions mapping -----------------------------------------------------------------

    @Test
    void standardBooleanOptionsMapOntoTheNativeOnes() throws IOException {
        try (Socket tcp = Socket.open(Domain.INET, Type.STREAM); Socket udp = Socket.open(Domain.INET6, Type.DGRAM)) {
            tcp.setOption(StandardSocketOptions.TCP_NODELAY, true);
            assertTrue(tcp.getOption(NativeOptions.TCP_NODELAY));
            tcp.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            assertTrue(tcp.getOption(NativeOptions.SO_KEEPALIVE));
            tcp.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            assertTrue(tcp.getOption(NativeOptions.SO_REUSEADDR));
            tcp.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            assertTrue(tcp.getOption(NativeOptions.SO_REUSEPORT));
            udp.setOption(StandardSocketOptions.SO_BROADCAST, true);
            assertTrue(udp.getOption(NativeOptions.SO_BROADCAST));
            udp.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
            assertFalse(udp.getOption(NativeOptions.IPV6_MULTICAST_LOOP), "IPv6 socket: IPV6_MULTICAST_LOOP");
            assertFalse(udp.getOption(StandardSocketOptions.IP_MULTICAST_LOOP));
        }
    }

    @Test
    void standardIntegerOptionsMapOntoTheNativeOnes() throws IOException {
        try (Socket v4 = Socket.open(Domain.INET, Type.DGRAM); Socket v6 = Socket.open(Domain.INET6, Type.DGRAM)) {
            v4.setOption(StandardSocketOptions.SO_SNDBUF, 65536);
            assertTrue(v4.getOption(NativeOptions.SO_SNDBUF) >= 65536);
            assertEquals(v4.getOption(NativeOptions.SO_SNDBUF), v4.getOption(StandardSocketOptions.SO_SNDBUF));
            v4.setOption(StandardSocketOptions.SO_RCVBUF, 70000);
            assertTrue(v4.getOption(NativeOptions.SO_RCVBUF) >= 70000);
            v4.setOption(StandardSocketOptions.IP_TOS, 0x28);
            assertEquals(0x28, v4.getOption(NativeOptions.IP_TOS));
            v6.setOption(StandardSocketOptions.IP_TOS, 0x48);
            assertEquals(0x48, v6.getOption(NativeOptions.IPV6_TCLASS), "IPv6 socket: IPV6_TCLASS");
            v4.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 9);
            assertEquals(9, v4.getOption(NativeOptions.IP_MULTICAST_TTL));
            v6.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 11);
            assertEquals(11, v6.getOption(NativeOptions.IPV6_MULTICAST_HOPS), "IPv6 socket: IPV6_MULTICAST_HOPS");
        }
    }

    @Test
    void standardLingerIsSecondsAndNegativeForOff() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            assertEquals(-1, s.getOption(StandardSocketOptions.SO_LINGER));
            s.setOption(StandardSocketOptions.SO_LINGER, 5);
            assertEquals(5, s.getOption(StandardSocketOptions.SO_LINGER));
            assertEquals(5, s.getOption(NativeOptions.SO_LINGER));
            s.setOption(StandardSocketOptions.SO_LINGER, -1);
            assertEquals(-1, s.getOption(NativeOptions.SO_LINGER));
        }
    }

    @Test
    void standardMulticastInterfaceMapsByFamily() throws IOException {
        NetworkInterface ni = multicastCapable().get(0);
        try (Socket v4 = Socket.open(Domain.INET, Type.DGRAM); Socket v6 = Socket.open(Domain.INET6, Type.DGRAM)) {
            v6.setOption(StandardSocketOptions.IP_MULTICAST_IF, ni);
            assertEquals(ni, v6.getOption(NativeOptions.IPV6_MULTICAST_IF));
            assertEquals(ni.getIndex(), v6.getIntOption(Constants.IPPROTO_IPV6, Constants.IPV6_MULTICAST_IF));
            assertEquals(null, v4.getOption(StandardSocketOptions.IP_MULTICAST_IF), "unset");
            if (ni.inetAddresses().anyMatch(a -> a instanceof java.net.Inet4Address)) {
                v4.setOption(StandardSocketOptions.IP_MULTICAST_IF, ni);
                assertEquals(ni, v4.getOption(NativeOptions.IP_MULTICAST_IF));
            }
        }
    }

    // ---- SOL_SOCKET specifics ---------------------------------------------------------------------------

    @Test
    void soLingerZeroMakesCloseResetTheConnection() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            c.client().setOption(NativeOptions.SO_LINGER, 0);
            c.client().close();
            IOException e = assertThrows(IOException.class, () -> c.server().recv(new byte[4]));
            assertEquals("ECONNRESET", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void receiveAndSendTimeoutsAreDurations() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            assertEquals(Duration.ZERO, s.getOption(NativeOptions.SO_RCVTIMEO), "no timeout by default");
            // the kernel keeps the timeout in clock ticks: it reads back rounded up to one
            Duration set = Duration.ofMillis(1500).plusNanos(250_000);
            s.setOption(NativeOptions.SO_RCVTIMEO, set);
            Duration got = s.getOption(NativeOptions.SO_RCVTIMEO);
            assertTrue(got.compareTo(set) >= 0 && got.compareTo(set.plusMillis(20)) < 0, "got " + got);
            s.setOption(NativeOptions.SO_SNDTIMEO, Duration.ofSeconds(3));
            assertEquals(Duration.ofSeconds(3), s.getOption(NativeOptions.SO_SNDTIMEO));
            s.setOption(NativeOptions.SO_SNDTIMEO, Duration.ZERO);
            assertEquals(Duration.ZERO, s.getOption(NativeOptions.SO_SNDTIMEO));
        }
    }

    @Test
    void soPeercredNamesThisProcess() throws IOException {
        assumeTrue(NativeOptions.SO_PEERCRED.isSupported());
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Credentials cred = p.first().getOption(NativeOptions.SO_PEERCRED);
            if (LINUX) {
                assertEquals(ProcessHandle.current().pid(), cred.pid());
            } else {
                assertEquals(-1, cred.pid(), "Darwin's xucred has no pid");
            }
            assertEquals(dev.nativesockets.libc.LibC.getuid(), cred.uid());
            assertEquals(dev.nativesockets.libc.LibC.getgid(), cred.gid());
        }
    }

    @Test
    void soPeercredOverAUnixListener(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        assumeTrue(NativeOptions.SO_PEERCRED.isSupported());
        try (Net.Conn c = Net.unixStream(dir)) {
            Credentials server = c.server().getOption(NativeOptions.SO_PEERCRED);
            Credentials client = c.client().getOption(NativeOptions.SO_PEERCRED);
            assertEquals(server, client, "both ends are this process");
            if (LINUX) {
                assertEquals(ProcessHandle.current().pid(), server.pid());
            }
        }
    }

    @Test
    void readOnlySocketFacts() throws IOException {
        try (Socket l = Socket.listen(ANY4, 1); Socket udp = Socket.open(Domain.INET, Type.DGRAM)) {
            assertTrue(l.getOption(NativeOptions.SO_ACCEPTCONN));
            assertFalse(udp.getOption(NativeOptions.SO_ACCEPTCONN));
            assertEquals(Type.DGRAM.value(), udp.getOption(NativeOptions.SO_TYPE));
            assertEquals(0, udp.getOption(NativeOptions.SO_ERROR));
            assertThrows(UnsupportedOperationException.class, () -> udp.setOption(NativeOptions.SO_TYPE, 1));
            assertThrows(UnsupportedOperationException.class, () -> udp.setOption(NativeOptions.SO_PEERCRED, new Credentials(1, 2, 3)));
        }
    }

    @Test
    void soErrorReportsAndClearsAPendingError() throws Exception {
        try (Socket a = Net.udpConnectedToAClosedPort()) {
            a.send(Net.utf8("?"));
            long deadline = System.nanoTime() + 5_000_000_000L;
            int err = 0;
            while (err == 0 && System.nanoTime() < deadline) {
                err = a.getOption(NativeOptions.SO_ERROR);
                Thread.sleep(5);
            }
            assertEquals(Constants.ECONNREFUSED, err, "ICMP port unreachable queued as SO_ERROR");
            assertEquals(0, a.getOption(NativeOptions.SO_ERROR), "reading it cleared it");
        }
    }

    @Test
    void soReuseportLetsTwoSocketsBindOnePort() throws IOException {
        try (Socket a = Socket.open(Domain.INET, Type.DGRAM); Socket b = Socket.open(Domain.INET, Type.DGRAM);
             Socket c = Socket.open(Domain.INET, Type.DGRAM)) {
            a.setOption(NativeOptions.SO_REUSEPORT, true);
            b.setOption(NativeOptions.SO_REUSEPORT, true);
            a.bind(ANY4);
            b.bind(a.localAddress());
            assertEquals(a.localAddress(), b.localAddress());
            IOException e = assertThrows(IOException.class, () -> c.bind(a.localAddress()), "without SO_REUSEPORT");
            assertEquals("EADDRINUSE", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void soBindtodeviceRestrictsToLoopback() throws IOException {
        assumeTrue(NativeOptions.SO_BINDTODEVICE.isSupported());
        NetworkInterface lo = NetworkInterface.getByInetAddress(Net.LO4);
        assumeTrue(lo != null, "no loopback interface");
        try (Socket l = Socket.listen(ANY4, 2); Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            try {
                c.setOption(NativeOptions.SO_BINDTODEVICE, lo.getName());
            } catch (SocketException e) {
                Privilege.skipOnlyFor(e, "SO_BINDTODEVICE needs CAP_NET_RAW", "EPERM", "EACCES");
            }
            assertEquals(lo.getName(), c.getOption(NativeOptions.SO_BINDTODEVICE));
            assertTrue(c.connect(l.localAddress()), "loopback traffic flows on lo");
            l.accept().close();
        }
        try (Socket s = Socket.open(Domain.INET, Type.DGRAM)) {
            s.setOption(NativeOptions.SO_BINDTODEVICE, lo.getName());
            s.setOption(NativeOptions.SO_BINDTODEVICE, "");
            assertEquals("", s.getOption(NativeOptions.SO_BINDTODEVICE), "empty name unbinds");
            IOException e = assertThrows(IOException.class, () -> s.setOption(NativeOptions.SO_BINDTODEVICE, "nosuchif0"));
            assertEquals("ENODEV", ((ErrnoException) e).errnoName());
        }
    }

    // ---- TCP specifics ------------------------------------------------------------------------------

    @Test
    void tcpInfoReportsTheConnectionState() throws IOException {
        assumeTrue(NativeOptions.TCP_INFO.isSupported(), "TCP_INFO is Linux-only");
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            TcpInfo listening = c.listener().getOption(NativeOptions.TCP_INFO);
            assertEquals(TcpInfo.LISTEN, listening.state());
            c.client().setOption(NativeOptions.TCP_NODELAY, true); // no Nagle/delayed-ACK stalls
            for (int i = 0; i < 20; i++) {
                c.client().sendAll(new byte[1000]);
                Net.readN(c.server(), 1000);
            }
            TcpInfo info = c.client().getOption(NativeOptions.TCP_INFO);
            assertEquals(TcpInfo.ESTABLISHED, info.state());
            assertTrue(info.sndMss() > 0 && info.advMss() > 0, info.toString());
            assertTrue(info.rttMicros() > 0, "an RTT estimate after 20 round trips: " + info);
            assertTrue(info.sndCwnd() > 0);
            assertEquals(0, info.totalRetrans(), "no loss on loopback");
            assertThrows(UnsupportedOperationException.class, () -> c.client().setOption(NativeOptions.TCP_INFO, info));
        }
    }

    @Test
    void tcpCorkHoldsPartialFramesUntilUncorked() throws IOException {
        assumeTrue(NativeOptions.TCP_CORK.isSupported(), "TCP_CORK is Linux-only");
        try (Net.Conn c = Net.tcp(Domain.INET); Arena a = Arena.ofConfined()) {
            c.client().setOption(NativeOptions.TCP_CORK, true);
            c.client().send(Net.utf8("cork"));
            MemorySegment in = a.allocate(8);
            assertEquals(Socket.WOULD_BLOCK, c.server().recv(in, MsgFlags.DONTWAIT), "held back while corked");
            c.client().setOption(NativeOptions.TCP_CORK, false);
            assertEquals(4, c.server().recv(in.asSlice(0, 4), MsgFlags.WAITALL));
        }
    }

    @Test
    void tcpQuickackCanBeSet() throws IOException {
        assumeTrue(NativeOptions.TCP_QUICKACK.isSupported(), "TCP_QUICKACK is Linux-only");
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            c.server().setOption(NativeOptions.TCP_QUICKACK, true);
            assertTrue(c.server().getOption(NativeOptions.TCP_QUICKACK));
        }
    }

    @Test
    void tcpCongestionControlByName() throws IOException {
        assumeTrue(NativeOptions.TCP_CONGESTION.isSupported(), "TCP_CONGESTION is Linux-only");
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            String current = s.getOption(NativeOptions.TCP_CONGESTION);
            assertFalse(current.isEmpty());
            s.setOption(NativeOptions.TCP_CONGESTION, "reno"); // always built in
            assertEquals("reno", s.getOption(NativeOptions.TCP_CONGESTION));
            IOException e = assertThrows(IOException.class, () -> s.setOption(NativeOptions.TCP_CONGESTION, "no-such-cc"));
            assertEquals("ENOENT", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void tcpFastopenQueueOnAListener() throws IOException {
        assumeTrue(LINUX, "a queue length on Linux; Darwin's TCP_FASTOPEN is an on/off switch");
        try (Socket l = Socket.open(Domain.INET6, Type.STREAM)) {
            l.setOption(NativeOptions.TCP_FASTOPEN, 16);
            l.bind(ANY6);
            l.listen(4);
            assertEquals(16, l.getOption(NativeOptions.TCP_FASTOPEN));
        }
    }

    // ---- IP specifics ----------------------------------------------------------------------------------

    @Test
    void ipv6V6onlyRefusesIpv4Clients() throws IOException {
        try (Socket l = Net.boundToIn6Any(Type.STREAM, true)) {
            l.listen(2);
            int port = Net.port(l);
            try (Socket v4 = Socket.open(Domain.INET, Type.STREAM); Socket v6 = Socket.open(Domain.INET6, Type.STREAM)) {
                ConnectException e = assertThrows(ConnectException.class, () -> v4.connect(new InetSocketAddress(Net.LO4, port)));
                assertEquals("ECONNREFUSED", ((ErrnoException) e).errnoName());
                assertTrue(v6.connect(new InetSocketAddress(Net.LO6, port)));
                l.accept().close();
            }
        }
    }

    @Test
    void ipFreebindAllowsBindingAnAbsentAddress() throws IOException {
        assumeTrue(NativeOptions.IP_FREEBIND.isSupported(), "IP_FREEBIND is Linux-only");
        try (Socket s = Socket.open(Domain.INET, Type.DGRAM)) {
            s.setOption(NativeOptions.IP_FREEBIND, true);
            InetSocketAddress absent = new InetSocketAddress(Net.addr("198.51.100.7"), 0);
            s.bind(absent);
            assertEquals(absent.getAddress(), ((InetSocketAddress) s.localAddress()).getAddress());
        }
    }

    // ---- multicast ------------------------------------------------------------------------------------

    /** Interfaces to try multicast on: loopback first, then any up interface that supports it. */
    static List<NetworkInterface> multicastCapable() throws SocketException {
        List<NetworkInterface> out = new ArrayList<>();
        NetworkInterface lo = NetworkInterface.getByInetAddress(Net.LO4);
        if (lo != null) {
            out.add(lo);
        }
        for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
            if (ni.isUp() && ni.supportsMulticast() && !out.contains(ni)) {
                out.add(ni);
            }
        }
        assumeTrue(!out.isEmpty(), "no interface to try multicast on");
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"INET", "INET6"})
    void multicastJoinReceivesAndLeaveStops(Domain d) throws Exception {
        boolean v6 = d == Domain.INET6;
        int salt = (int) (System.nanoTime() & 0xFFFF);
        InetAddress group = v6
                ? InetAddress.getByName("ff12::4e53:" + Integer.toHexString(salt))
                : InetAddress.getByName("239.255." + (salt >> 8) + "." + (salt & 0xFF | 1));
        List<String> refusals = new ArrayList<>();
        for (NetworkInterface ni : multicastCapable()) {
            if (v6 && ni.inetAddresses().noneMatch(a -> a instanceof java.net.Inet6Address)) {
                refusals.add(ni.getName() + ": no IPv6 address");
                continue;
            }
            try (Socket rx = Socket.open(d, Type.DGRAM); Socket tx = Socket.open(d, Type.DGRAM); Arena a = Arena.ofConfined()) {
                rx.setOption(NativeOptions.SO_REUSEADDR, true);
                rx.bind(new InetSocketAddress(InetAddress.getByName(v6 ? "::" : "0.0.0.0"), 0));
                InetSocketAddress to = new InetSocketAddress(group, Net.port(rx));
                Membership m = new Membership(group, ni.getIndex());
                try {
                    rx.setOption(v6 ? NativeOptions.IPV6_JOIN_GROUP : NativeOptions.IP_ADD_MEMBERSHIP, m);
                    tx.setOption(StandardSocketOptions.IP_MULTICAST_IF, ni);
                } catch (IOException e) {
                    refusals.add(ni.getName() + ": " + e.getMessage());
                    continue;
                }
                // stay on this host: hop limit 0 still loops back to local members
                tx.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
                tx.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
                rx.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofMillis(500));
                try {
                    tx.sendTo(Net.segment(a, "group"), 0, to);
                } catch (IOException e) {
                    refusals.add(ni.getName() + ": send " + e.getMessage());
                    continue;
                }
                MemorySegment in = a.allocate(16);
                Received r;
                try {
                    r = rx.recvFrom(in, 0);
                } catch (java.net.SocketTimeoutException e) {
                    refusals.add(ni.getName() + ": joined but nothing looped back");
                    continue;
                }
                assertEquals(5, r.length());
                assertEquals("group", Net.str(in, 5));
                // joining twice is refused by the kernel
                IOException twice = assertThrows(IOException.class,
                        () -> rx.setOption(v6 ? NativeOptions.IPV6_JOIN_GROUP : NativeOptions.IP_ADD_MEMBERSHIP, m));
                assertEquals("EADDRINUSE", ((ErrnoException) twice).errnoName());
                rx.setOption(v6 ? NativeOptions.IPV6_LEAVE_GROUP : NativeOptions.IP_DROP_MEMBERSHIP, m);
                tx.sendTo(Net.segment(a, "after"), 0, to);
                Thread.sleep(100);
                assertEquals(Socket.WOULD_BLOCK, rx.recv(in, MsgFlags.DONTWAIT), "nothing arrives after leaving");
                IOException again = assertThrows(IOException.class,
                        () -> rx.setOption(v6 ? NativeOptions.IPV6_LEAVE_GROUP : NativeOptions.IP_DROP_MEMBERSHIP, m));
                assertTrue(Set.of("EADDRNOTAVAIL", "EINVAL", "ENOENT").contains(((ErrnoException) again).errnoName()),
                        ((ErrnoException) again).errnoName());
                return;
            }
        }
        System.out.println("multicast " + d + " skipped: " + refusals);
        assumeTrue(false, "no interface carried " + d + " multicast: " + refusals);
    }

    // ---- raw forms --------------------------------------------------------------------------------------

    @Test
    void rawIntegerFormsReachAnyOption() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            s.setIntOption(Constants.SOL_SOCKET, Constants.SO_KEEPALIVE, 1);
            assertTrue(s.getOption(NativeOptions.SO_KEEPALIVE));
            s.setOption(NativeOptions.TCP_NODELAY, true);
            assertEquals(1, s.getIntOption(Constants.IPPROTO_TCP, Constants.TCP_NODELAY));
            assertEquals(Constants.SOCK_STREAM, s.getIntOption(Constants.SOL_SOCKET, Constants.SO_TYPE));
        }
    }

    @Test
    void rawSegmentFormsCarryStructs() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM); Arena a = Arena.ofConfined()) {
            MemorySegment linger = a.allocate(Linger.SIZE);
            Linger.L_ONOFF.set(linger, 1);
            Linger.L_LINGER.set(linger, 9);
            int level = Constants.SOL_SOCKET;
            int name = LINUX ? Constants.SO_LINGER : Constants.SO_LINGER_SEC;
            s.setOption(level, name, linger);
            assertEquals(9, s.getOption(NativeOptions.SO_LINGER));
            MemorySegment back = a.allocate(64);
            int len = s.getOption(level, name, back);
            assertEquals(Linger.SIZE, len);
            assertEquals(1, Linger.L_ONOFF.getInt(back));
            assertEquals(9, Linger.L_LINGER.getInt(back));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(level, name, MemorySegment.ofArray(new byte[8])));
            assertThrows(IllegalArgumentException.class, () -> s.getOption(level, name, a.allocate(8).asReadOnly()));
        }
    }
}
