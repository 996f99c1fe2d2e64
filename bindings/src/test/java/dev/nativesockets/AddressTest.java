package dev.nativesockets;

import static dev.nativesockets.Net.ANY4;
import static dev.nativesockets.Net.ANY6;
import static dev.nativesockets.Net.LINUX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** localAddress / peerAddress (getsockname / getpeername) and SockAddr, for every kind of address. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AddressTest {
    @TempDir
    Path dir;

    @Test
    void inetAddressesComeBackAsInetSocketAddressesWithTheKernelsPort() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            InetSocketAddress local = (InetSocketAddress) c.client().localAddress();
            InetSocketAddress peer = (InetSocketAddress) c.client().peerAddress();
            assertEquals(Net.LO4, local.getAddress());
            assertTrue(local.getPort() > 0);
            assertEquals(c.listener().localAddress(), peer);
            assertEquals(c.server().localAddress(), peer);
            assertEquals(local, c.server().peerAddress());
        }
    }

    @Test
    void ipv6LoopbackHasNoScope() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET6)) {
            InetSocketAddress local = (InetSocketAddress) c.client().localAddress();
            Inet6Address a = assertInstanceOf(Inet6Address.class, local.getAddress());
            assertTrue(a.isLoopbackAddress());
            assertEquals(0, a.getScopeId());
            assertEquals(local, c.server().peerAddress());
        }
    }

    @Test
    void unboundSocketsReportTheWildcard() throws IOException {
        try (Socket v4 = Socket.open(Domain.INET, Type.STREAM); Socket v6 = Socket.open(Domain.INET6, Type.DGRAM)) {
            assertEquals(new InetSocketAddress(Net.addr("0.0.0.0"), 0), v4.localAddress());
            assertEquals(new InetSocketAddress(Net.addr("::"), 0), v6.localAddress());
        }
    }

    @Test
    void peerAddressOfAnUnconnectedSocketIsENOTCONN() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            IOException e = assertThrows(IOException.class, s::peerAddress);
            assertEquals("getpeername", ((ErrnoException) e).operation());
            assertEquals("ENOTCONN", ((ErrnoException) e).errnoName());
        }
    }

    /** fe80::…%if: the scope id travels through bind, getsockname, sendto and recvfrom. */
    @Test
    void linkLocalIpv6AddressesKeepTheirScopeId() throws IOException {
        Inet6Address ll = Net.linkLocal();
        assumeTrue(ll != null, "no interface with an IPv6 link-local address here (fe80::1%lo is not configured)");
        int scope = ll.getScopeId();
        try (Socket a = Socket.open(Domain.INET6, Type.DGRAM); Socket b = Socket.open(Domain.INET6, Type.DGRAM)) {
            try {
                a.bind(new InetSocketAddress(ll, 0));
            } catch (IOException e) {
                // a link-local address still in duplicate address detection cannot be bound yet
                Privilege.skipOnlyFor(e, "cannot bind " + ll + " (tentative?)", "EADDRNOTAVAIL");
            }
            b.bind(new InetSocketAddress(ll, 0));
            InetSocketAddress local = (InetSocketAddress) a.localAddress();
            Inet6Address addr = assertInstanceOf(Inet6Address.class, local.getAddress());
            assertEquals(scope, addr.getScopeId(), "scope id from sin6_scope_id");
            assertTrue(addr.isLinkLocalAddress());
            a.sendTo(Net.utf8("ll"), 0, 2, 0, b.localAddress());
            Received r = b.recvFrom(new byte[4], 0, 4, 0);
            assertEquals(2, r.length());
            assertEquals(local, r.source());
            assertEquals(scope, ((Inet6Address) ((InetSocketAddress) r.source()).getAddress()).getScopeId());
            // the raw bytes carry it too: sin6_scope_id is the last 4 bytes of sockaddr_in6
            byte[] raw = a.localSockAddr().bytes();
            assertEquals(28, raw.length);
            int rawScope = java.nio.ByteBuffer.wrap(raw, 24, 4).order(java.nio.ByteOrder.nativeOrder()).getInt();
            assertEquals(scope, rawScope);
        }
    }

    @Test
    void linkLocalWithoutScopeCannotBeBound() throws IOException {
        Inet6Address ll = Net.linkLocal();
        assumeTrue(ll != null, "no interface with an IPv6 link-local address here");
        try (Socket a = Socket.open(Domain.INET6, Type.DGRAM)) {
            Inet6Address unscoped = Inet6Address.getByAddress(null, ll.getAddress(), -1);
            IOException e = assertThrows(IOException.class, () -> a.bind(new InetSocketAddress(unscoped, 0)));
            assertEquals("EINVAL", ((ErrnoException) e).errnoName(), "the kernel needs the scope of a link-local address");
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void socketPairEndsAreUnnamed() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            assertEquals(UnixDomainSocketAddress.of(""), p.first().localAddress());
            assertEquals(UnixDomainSocketAddress.of(""), p.first().peerAddress());
            SockAddr raw = p.first().localSockAddr();
            assertEquals(Constants.AF_UNIX, raw.family());
            assertFalse(raw.isAbstractUnix());
        }
    }

    @Test
    void unixPathListenerAndItsUnnamedClient() throws IOException {
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve("named.sock"));
        try (Socket l = Socket.listen(path, 2); Socket c = Socket.open(Domain.UNIX, Type.STREAM)) {
            c.connect(path);
            try (Socket a = l.accept()) {
                assertEquals(path, l.localAddress());
                assertEquals(path, a.localAddress());
                assertEquals(path, c.peerAddress());
                assertEquals(UnixDomainSocketAddress.of(""), c.localAddress());
                assertEquals(UnixDomainSocketAddress.of(""), a.peerAddress());
            }
        }
    }

    @Test
    void abstractNamesComeBackAsSockAddr() throws IOException {
        assumeTrue(LINUX, "abstract names are Linux-only");
        String name = "ns-addr-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        SockAddr abs = SockAddr.abstractUnix(name);
        assertTrue(abs.isAbstractUnix());
        assertEquals("@" + name, abs.toString());
        try (Socket l = Socket.listen(abs, 2); Socket c = Socket.open(Domain.UNIX, Type.STREAM)) {
            SocketAddress local = l.localAddress();
            assertEquals(abs, local);
            SockAddr back = assertInstanceOf(SockAddr.class, local);
            assertArrayEquals(name.getBytes(StandardCharsets.UTF_8), back.abstractName());
            assertEquals(back, back.toSocketAddress(), "no JDK type can say it");
            c.connect(abs);
            assertEquals(abs, c.peerAddress());
            assertEquals(abs.hashCode(), c.peerAddress().hashCode());
            assertFalse(dir.resolve(name).toFile().exists());
            l.accept().close();
        }
    }

    @Test
    void abstractNamesMayContainNulBytes() throws IOException {
        assumeTrue(LINUX, "abstract names are Linux-only");
        byte[] name = {'n', 0, 's', 0, (byte) System.nanoTime()};
        SockAddr abs = SockAddr.abstractUnix(name);
        try (Socket s = Socket.open(Domain.UNIX, Type.DGRAM)) {
            s.bind(abs);
            assertArrayEquals(name, ((SockAddr) s.localAddress()).abstractName());
        }
    }

    @Test
    void bindingTheEmptyPathAutobindsToAnAbstractName() throws IOException {
        assumeTrue(LINUX, "autobind is Linux-only");
        try (Socket s = Socket.open(Domain.UNIX, Type.DGRAM)) {
            s.bind(UnixDomainSocketAddress.of(""));
            SockAddr got = assertInstanceOf(SockAddr.class, s.localAddress());
            assertTrue(got.isAbstractUnix());
            assertEquals(5, got.abstractName().length, "Linux autobind names are five hex digits");
            assertTrue(new String(got.abstractName(), StandardCharsets.US_ASCII).matches("[0-9a-f]{5}"));
        }
    }

    @Test
    void abstractNameThatDoesNotFitIsRejected() {
        assumeTrue(LINUX, "abstract names are Linux-only");
        assertThrows(IllegalArgumentException.class, () -> SockAddr.abstractUnix("x".repeat(200)));
        SockAddr longest = SockAddr.abstractUnix("y".repeat(Addresses.SUN_PATH_SIZE - 1));
        assertEquals(Addresses.SUN_PATH_SIZE - 1, longest.abstractName().length);
    }

    @Test
    void sockAddrOfInetAddressesRoundTrips() {
        InetSocketAddress v4 = new InetSocketAddress(Net.LO4, 8080);
        SockAddr raw = SockAddr.of(v4);
        assertEquals(Constants.AF_INET, raw.family());
        byte[] b = raw.bytes();
        assertEquals(16, b.length);
        assertEquals(0x1F, b[2] & 0xFF, "port in network order");
        assertEquals(0x90, b[3] & 0xFF);
        assertArrayEquals(new byte[] {127, 0, 0, 1}, java.util.Arrays.copyOfRange(b, 4, 8));
        assertEquals(v4, raw.toSocketAddress());
        assertEquals(raw, SockAddr.fromBytes(b));
        assertEquals(raw, SockAddr.of(raw));
        b[0] ^= 1;
        assertArrayEquals(raw.bytes(), SockAddr.of(v4).bytes(), "bytes() is a copy");

        InetSocketAddress v6 = new InetSocketAddress(Net.LO6, 443);
        SockAddr raw6 = SockAddr.of(v6);
        assertEquals(Constants.AF_INET6, raw6.family());
        assertEquals(28, raw6.bytes().length);
        assertEquals(v6, raw6.toSocketAddress());
        assertNotEquals(raw, raw6);

        UnixDomainSocketAddress path = UnixDomainSocketAddress.of("/tmp/some.sock");
        assertEquals(path, SockAddr.of(path).toSocketAddress());
    }

    @Test
    void sockAddrFromBytesChecksTheLength() {
        assertThrows(IllegalArgumentException.class, () -> SockAddr.fromBytes(new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.fromBytes(new byte[129]));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.of(null));
    }

    @Test
    void rawSockAddrWorksForBindAndConnect() throws IOException {
        try (Socket l = Socket.open(Domain.INET, Type.STREAM); Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            l.bind(SockAddr.of(ANY4));
            l.listen(1);
            SockAddr target = l.localSockAddr();
            assertEquals(l.localAddress(), target.toSocketAddress());
            c.connect(target);
            assertEquals(target, c.peerSockAddr());
            l.accept().close();
        }
    }

    @Test
    void v4MappedAddressesOnAnIpv6SocketDecodeAsIpv4() throws IOException {
        try (Socket s = Socket.open(Domain.INET6, Type.DGRAM)) {
            s.bind(new InetSocketAddress(Net.LO4, 0)); // encoded as ::ffff:127.0.0.1
            InetSocketAddress local = (InetSocketAddress) s.localAddress();
            assertEquals(Net.LO4, local.getAddress());
            byte[] raw = s.localSockAddr().bytes();
            assertEquals(Constants.AF_INET6, s.localSockAddr().family());
            assertEquals((byte) 0xff, raw[8 + 10]);
            assertEquals((byte) 0xff, raw[8 + 11]);
        }
    }
}
