package dev.nativesockets;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.AddressInfo.Flag;
import dev.nativesockets.AddressInfo.Hints;
import dev.nativesockets.AddressInfo.NameFlag;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Platform;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * getaddrinfo/getnameinfo: PHP's socket_addrinfo_lookup/bind/connect/explain. Only numeric hosts,
 * "localhost" and /etc/services are used, so no test depends on DNS.
 */
class AddressInfoTest {
    private static final boolean LINUX = Platform.current().isLinux();

    private static boolean servicesKnowHttp() {
        try {
            return Files.readAllLines(Path.of("/etc/services")).stream()
                    .anyMatch(l -> l.matches("^http\\s+80/tcp.*"));
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void localhostResolvesToTheLoopbackAddress() throws Exception {
        List<AddressInfo> all = AddressInfo.lookup("localhost", "7", Hints.any().withType(Type.STREAM));
        assertFalse(all.isEmpty());
        assertTrue(all.stream().allMatch(i -> i.type() == Type.STREAM && i.protocol() == Constants.IPPROTO_TCP), all.toString());
        assertTrue(all.stream().anyMatch(i -> i.address().equals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7))),
                all.toString());
        assertTrue(all.stream().allMatch(i -> ((InetSocketAddress) i.address()).getAddress().isLoopbackAddress()));
    }

    @Test
    void numericHostsOfBothFamilies() throws Exception {
        AddressInfo v4 = AddressInfo.lookup("192.0.2.7", "443", Hints.any().withType(Type.STREAM)
                .withFlags(Flag.NUMERICHOST, Flag.NUMERICSERV)).get(0);
        assertEquals(Domain.INET, v4.domain());
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 443), v4.address());
        AddressInfo v6 = AddressInfo.lookup("2001:db8::1", "53", Hints.any().withType(Type.DGRAM)
                .withFlags(Flag.NUMERICHOST)).get(0);
        assertEquals(Domain.INET6, v6.domain());
        assertEquals(Type.DGRAM, v6.type());
        assertEquals(Constants.IPPROTO_UDP, v6.protocol());
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 53), v6.address());
        assertEquals(SockAddr.of(v6.address()), v6.sockAddr());
    }

    @Test
    void serviceNamesComeFromTheServicesDatabase() throws Exception {
        assumeTrue(servicesKnowHttp(), "/etc/services has no http entry");
        AddressInfo http = AddressInfo.lookup("127.0.0.1", "http", Hints.any().withType(Type.STREAM)).get(0);
        assertEquals(80, ((InetSocketAddress) http.address()).getPort());
    }

    @Test
    void errorsAreNamedByTheirEaiSymbol() {
        AddressInfoException bad = assertThrows(AddressInfoException.class,
                () -> AddressInfo.lookup("not-an-ip", null, Hints.any().withFlags(Flag.NUMERICHOST)));
        assertEquals("EAI_NONAME", bad.errnoName());
        assertEquals(Constants.EAI_NONAME, bad.errno());
        assertFalse(bad.strerror().isEmpty());
        assertTrue(bad.operation().startsWith("getaddrinfo(not-an-ip"));
        assertTrue(bad.getMessage().contains("EAI_NONAME"));
        assertInstanceOf(UnknownHostException.class, bad);
        assertInstanceOf(ErrnoException.class, bad);

        // a service name where a number is required
        AddressInfoException serv = assertThrows(AddressInfoException.class,
                () -> AddressInfo.lookup("127.0.0.1", "http", Hints.any().withFlags(Flag.NUMERICSERV)));
        assertTrue(Set.of("EAI_NONAME", "EAI_SERVICE").contains(serv.errnoName()), serv.getMessage());

        // an unknown service
        AddressInfoException unknown = assertThrows(AddressInfoException.class,
                () -> AddressInfo.lookup("127.0.0.1", "no-such-service-xyz", Hints.any().withType(Type.STREAM)));
        assertTrue(Set.of("EAI_SERVICE", "EAI_NONAME").contains(unknown.errnoName()), unknown.getMessage());

        if (LINUX) {
            assertEquals("EAI_FAMILY", assertThrows(AddressInfoException.class,
                    () -> AddressInfo.lookup("127.0.0.1", "80", new Hints(Set.of(), 12345, 0, 0))).errnoName());
            assertEquals("EAI_SOCKTYPE", assertThrows(AddressInfoException.class,
                    () -> AddressInfo.lookup("127.0.0.1", "80", Hints.any().withFamily(Domain.INET).withType(Type.STREAM)
                            .withProtocol(Constants.IPPROTO_UDP))).errnoName());
            assertEquals("EAI_ADDRFAMILY", assertThrows(AddressInfoException.class,
                    () -> AddressInfo.lookup("::1", null, Hints.any().withFamily(Domain.INET))).errnoName());
        }
    }

    @Test
    void passiveWithoutAHostIsTheWildcard() throws Exception {
        AddressInfo v4 = AddressInfo.lookup(null, "0", Hints.any().withFlags(Flag.PASSIVE).withFamily(Domain.INET)
                .withType(Type.STREAM)).get(0);
        assertTrue(((InetSocketAddress) v4.address()).getAddress().isAnyLocalAddress());
        AddressInfo v6 = AddressInfo.lookup(null, "0", Hints.any().withFlags(Flag.PASSIVE).withFamily(Domain.INET6)
                .withType(Type.STREAM)).get(0);
        assertEquals(Domain.INET6, v6.domain());
        assertTrue(((InetSocketAddress) v6.address()).getAddress().isAnyLocalAddress());
        // without PASSIVE a null host is the loopback address
        AddressInfo lo = AddressInfo.lookup(null, "0", Hints.any().withFamily(Domain.INET).withType(Type.STREAM)).get(0);
        assertTrue(((InetSocketAddress) lo.address()).getAddress().isLoopbackAddress());
    }

    @Test
    void familyTypeAndProtocolFilter() throws Exception {
        List<AddressInfo> dgram = AddressInfo.lookup("127.0.0.1", "80", Hints.any().withType(Type.DGRAM));
        assertEquals(1, dgram.size());
        assertEquals(Constants.IPPROTO_UDP, dgram.get(0).protocol());
        List<AddressInfo> tcp = AddressInfo.lookup("127.0.0.1", "80", Hints.any().withProtocol(Constants.IPPROTO_TCP));
        assertTrue(tcp.stream().allMatch(i -> i.type() == Type.STREAM), tcp.toString());
        List<AddressInfo> any = AddressInfo.lookup("127.0.0.1", "80", Hints.any());
        assertTrue(any.size() >= 2, "stream and datagram at least: " + any);
    }

    @Test
    void v4MappedGivesIpv6ResultsForIpv4Hosts() throws Exception {
        assumeTrue(LINUX, "glibc maps numeric IPv4 hosts; Darwin's resolver differs");
        AddressInfo mapped = AddressInfo.lookup("127.0.0.1", "80", Hints.any().withFamily(Domain.INET6)
                .withType(Type.STREAM).withFlags(Flag.V4MAPPED)).get(0);
        assertEquals(Constants.AF_INET6, mapped.family());
        assertEquals("::ffff:127.0.0.1", ((Map<?, ?>) mapped.explain().get("ai_addr")).get("sin6_addr"));
        // Java shows ::ffff:127.0.0.1 as the IPv4 address it stands for
        assertEquals(InetAddress.getLoopbackAddress(), ((InetSocketAddress) mapped.address()).getAddress());
    }

    @Test
    void canonicalNameAndAddrconfig() throws Exception {
        List<AddressInfo> canon = AddressInfo.lookup("localhost", null, Hints.any().withType(Type.STREAM)
                .withFlags(Flag.CANONNAME));
        assertTrue(canon.get(0).canonicalName() != null && !canon.get(0).canonicalName().isEmpty());
        assertEquals(canon.get(0).canonicalName(), canon.get(0).explain().get("ai_canonname"));
        if (canon.size() > 1) {
            assertNull(canon.get(1).canonicalName());
        }
        List<AddressInfo> cfg = AddressInfo.lookup("localhost", "80", Hints.any().withType(Type.STREAM)
                .withFlags(Flag.ADDRCONFIG));
        assertFalse(cfg.isEmpty());
        assertTrue(cfg.stream().allMatch(i -> i.address() instanceof InetSocketAddress));
    }

    @Test
    void bindAndConnectLikeSocketAddrinfoBindAndConnect() throws Exception {
        AddressInfo local = AddressInfo.lookup("127.0.0.1", "0", Hints.any().withType(Type.STREAM)
                .withFlags(Flag.PASSIVE, Flag.NUMERICHOST)).get(0);
        try (Socket server = local.bind()) {                         // socket_addrinfo_bind
            server.listen(4);
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            assertTrue(port > 0);
            AddressInfo remote = AddressInfo.lookup("127.0.0.1", Integer.toString(port),
                    Hints.any().withType(Type.STREAM)).get(0);
            try (Socket client = remote.connect();                  // socket_addrinfo_connect
                 Socket conn = server.accept()) {
                client.send("hi".getBytes(US_ASCII));
                assertEquals("hi", new String(conn.read(8), US_ASCII));
            }
            // connecting to a port nobody listens on fails as connect does
            server.close();
            assertThrows(java.net.ConnectException.class, remote::connect);
        }
        AddressInfo udp = AddressInfo.lookup("::1", "0", Hints.any().withType(Type.DGRAM)).get(0);
        try (Socket s = udp.bind()) {
            assertEquals(Domain.INET6, s.domain());
            assertEquals(Type.DGRAM, s.type());
        }
    }

    @Test
    void explainLooksLikePhps() throws Exception {
        AddressInfo v4 = AddressInfo.lookup("127.0.0.1", "80", Hints.any().withType(Type.STREAM)).get(0);
        Map<String, Object> e = v4.explain();
        assertEquals(List.of("ai_flags", "ai_family", "ai_socktype", "ai_protocol", "ai_addr"), List.copyOf(e.keySet()));
        assertEquals(Constants.AF_INET, e.get("ai_family"));
        assertEquals(Constants.SOCK_STREAM, e.get("ai_socktype"));
        assertEquals(Constants.IPPROTO_TCP, e.get("ai_protocol"));
        assertEquals(Map.of("sin_port", 80, "sin_addr", "127.0.0.1"), e.get("ai_addr"));
        AddressInfo v6 = AddressInfo.lookup("::1", "443", Hints.any().withType(Type.STREAM)).get(0);
        assertEquals(Map.of("sin6_port", 443, "sin6_addr", "::1"), v6.explain().get("ai_addr"));
        assertTrue(v6.toString().contains("sin6_addr"));
    }

    @Test
    void phpStyleHintsArray() throws Exception {
        List<AddressInfo> r = AddressInfo.lookup("127.0.0.1", "80", Map.of(
                "ai_family", Constants.AF_INET, "ai_socktype", Constants.SOCK_DGRAM,
                "ai_flags", Flag.NUMERICHOST.value() | Flag.NUMERICSERV.value()));
        assertEquals(1, r.size());
        assertEquals(Type.DGRAM, r.get(0).type());
        assertThrows(IllegalArgumentException.class, () -> AddressInfo.lookup("127.0.0.1", "80", Map.of("ai_bogus", 1)));
        assertThrows(IllegalArgumentException.class, () -> AddressInfo.lookup("127.0.0.1", "80", Map.of("ai_flags", 1 << 30)));
    }

    @Test
    void nameInfoNumericAndByName() throws Exception {
        InetSocketAddress lo80 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 80);
        assertEquals(new AddressInfo.NameInfo("127.0.0.1", "80"),
                AddressInfo.nameInfo(lo80, NameFlag.NUMERICHOST, NameFlag.NUMERICSERV));
        assertEquals(new AddressInfo.NameInfo("::1", "53"),
                AddressInfo.nameInfo(new InetSocketAddress(InetAddress.getByName("::1"), 53), NameFlag.NUMERICHOST,
                        NameFlag.NUMERICSERV, NameFlag.DGRAM));
        AddressInfo.NameInfo named = AddressInfo.nameInfo(lo80);
        assertTrue(named.host().startsWith("localhost"), named.toString()); // /etc/hosts
        if (servicesKnowHttp()) {
            assertEquals("http", named.service());
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeTheCall() {
        assertThrows(IllegalArgumentException.class, () -> AddressInfo.lookup(null, null));
        assertThrows(IllegalArgumentException.class, () -> AddressInfo.lookup("a\0b", null));
        assertThrows(IllegalArgumentException.class, () -> AddressInfo.lookup("localhost", "8\00"));
        assertThrows(IllegalArgumentException.class, () -> AddressInfo.nameInfo(null));
        assertThrows(IllegalArgumentException.class, () -> AddressInfo.nameInfo(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), (NameFlag) null));
        assertThrows(IllegalArgumentException.class, () -> AddressInfo.nameInfo(
                InetSocketAddress.createUnresolved("example.invalid", 80)));
        assertEquals(Set.of(Flag.PASSIVE), Hints.any().withFlags(Flag.PASSIVE).flags());
        assertThrows(UnsupportedOperationException.class, () -> Hints.any().flags().add(Flag.ALL));
    }
}
