package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.linux.NetlinkAddress;
import dev.nativesockets.linux.PacketAddress;
import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import org.junit.jupiter.api.Test;

/**
 * {@link Socket#open(int, int, int)}, the typed addresses of the netlink, packet and vsock
 * families ({@link NetlinkAddress}, {@link PacketAddress}, {@link VsockAddress}) and
 * {@link Interfaces} ({@code if_nametoindex}/{@code if_indextoname}), on real sockets.
 */
class FamilyAddressTest {

    @Test
    void loopbackIndexAndNameAgreeWithTheJdk() throws IOException {
        NetworkInterface lo = NetworkInterface.getByInetAddress(Net.LO4);
        Privilege.require(lo != null, "no interface holds 127.0.0.1");
        assertEquals(lo.getIndex(), Interfaces.index(lo.getName()));
        assertEquals(lo.getName(), Interfaces.name(lo.getIndex()));
    }

    @Test
    void unknownInterfacesAreErrnoExceptions() {
        IOException byName = assertThrows(IOException.class, () -> Interfaces.index("nosuchif0"));
        assertEquals("ENODEV", ((ErrnoException) byName).errnoName());
        IOException byIndex = assertThrows(IOException.class, () -> Interfaces.name(Integer.MAX_VALUE));
        assertEquals("ENXIO", ((ErrnoException) byIndex).errnoName());
    }

    @Test
    void badInterfaceArgumentsFailBeforeLibc() {
        assertThrows(IllegalArgumentException.class, () -> Interfaces.index(""));
        assertThrows(IllegalArgumentException.class, () -> Interfaces.index("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> Interfaces.index("x".repeat(Constants.IF_NAMESIZE)));
        assertThrows(IllegalArgumentException.class, () -> Interfaces.index(null));
        assertThrows(IllegalArgumentException.class, () -> Interfaces.name(0));
    }

    @Test
    void openTakesNumbersAndChecksThemFirst() throws IOException {
        try (Socket s = Socket.open(Constants.AF_INET, Constants.SOCK_DGRAM, Constants.IPPROTO_UDP)) {
            assertEquals(Domain.INET, s.domain());
            assertEquals(Type.DGRAM, s.type());
        }
        assertThrows(IllegalArgumentException.class, () -> Socket.open(-1, Constants.SOCK_DGRAM, 0));
        assertThrows(IllegalArgumentException.class, () -> Socket.open(Constants.AF_INET, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Socket.open(Constants.AF_INET, Constants.SOCK_DGRAM, -1));
        assertThrows(IllegalArgumentException.class, () -> Socket.open(Constants.UNSUPPORTED, Constants.SOCK_DGRAM, 0));
        if (Net.LINUX) {
            assertThrows(IllegalArgumentException.class,
                    () -> Socket.open(Constants.AF_INET, Constants.SOCK_DGRAM | Constants.SOCK_NONBLOCK, 0));
        }
        // a family number no kernel has: the kernel's answer, as data
        IOException e = assertThrows(IOException.class, () -> Socket.open(250, Constants.SOCK_DGRAM, 0));
        assertEquals("EAFNOSUPPORT", ((ErrnoException) e).errnoName());
    }

    @Test
    void netlinkSocketBindsAndReportsItsPortId() throws IOException {
        Privilege.requireLinux("netlink");
        try (Socket s = Socket.open(Domain.NETLINK, Type.RAW, Constants.NETLINK_ROUTE)) {
            assertEquals(Domain.NETLINK, s.domain());
            s.bind(NetlinkAddress.of(0, 0));
            SocketAddress local = s.localAddress();
            NetlinkAddress nl = assertInstanceOf(NetlinkAddress.class, local);
            assertNotEquals(0, nl.pid(), "the kernel assigns a port id on bind");
            assertEquals(0, nl.groups());
        }
    }

    @Test
    void typedAddressesRoundTripThroughSockaddrBytes() {
        Privilege.requireLinux("sockaddr_nl, sockaddr_ll, sockaddr_vm");
        NetlinkAddress nl = NetlinkAddress.of(-2, Constants.RTMGRP_LINK | Constants.RTMGRP_IPV4_IFADDR);
        SockAddr raw = SockAddr.of(nl);
        assertEquals(Constants.AF_NETLINK, raw.family());
        assertEquals(12, raw.bytes().length);
        assertEquals(nl, raw.toSocketAddress());

        PacketAddress p = PacketAddress.of(Constants.ETH_P_IP, 1, Constants.ARPHRD_ETHER, PacketAddress.BROADCAST,
                new byte[] {1, 2, 3, 4, 5, 6});
        SockAddr praw = SockAddr.of(p);
        assertEquals(Constants.AF_PACKET, praw.family());
        // sll_protocol is in network order: 0x0800 is the bytes 08 00
        assertEquals(0x08, praw.bytes()[2]);
        assertEquals(0x00, praw.bytes()[3]);
        assertEquals(p, praw.toSocketAddress());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, ((PacketAddress) praw.toSocketAddress()).address());

        VsockAddress v = VsockAddress.of(VsockAddress.CID_ANY, 1234);
        SockAddr vraw = SockAddr.of(v);
        assertEquals(Constants.AF_VSOCK, vraw.family());
        assertEquals(v, vraw.toSocketAddress());
    }

    @Test
    void packetAddressArgumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> PacketAddress.of(0x10000, 1, 0, 0, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> PacketAddress.of(0, -1, 0, 0, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> PacketAddress.of(0, 1, 0, 256, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> PacketAddress.of(0, 1, 0, 0, new byte[9]));
        assertThrows(IllegalArgumentException.class, () -> PacketAddress.of(0, 1, 0, 0, null));
    }

    @Test
    void addressOfAnotherFamilyIsRefusedBeforeTheCall() throws IOException {
        Privilege.requireLinux("netlink");
        try (Socket s = Socket.open(Domain.INET, Type.DGRAM)) {
            assertThrows(IllegalArgumentException.class, () -> s.bind(NetlinkAddress.KERNEL));
        }
    }

    @Test
    void vsockOpensWhereTheKernelHasATransport() throws IOException {
        // no vsock module here: a skip only if the kernel's answer is a proper errno exception saying so
        Socket s = Privilege.openVsock();
        try (s) {
            assertEquals(Domain.VSOCK, s.domain());
            s.bind(VsockAddress.of(VsockAddress.CID_ANY, VsockAddress.PORT_ANY));
            VsockAddress local = assertInstanceOf(VsockAddress.class, s.localAddress());
            assertNotEquals(VsockAddress.PORT_ANY, local.port(), "bind picks a port");
        } catch (IOException e) {
            Privilege.require(false, "AF_VSOCK socket opened but no transport to bind: " + e.getMessage());
        }
    }
}
