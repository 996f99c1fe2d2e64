package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.linux.Netlink;
import dev.nativesockets.linux.NetlinkMessage;
import dev.nativesockets.linux.Packet;
import dev.nativesockets.linux.PacketAddress;
import dev.nativesockets.linux.PacketMembership;
import dev.nativesockets.linux.ZeroCopy;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's examples for ICMP, netlink, packet sockets, vsock, UDP GSO/GRO and zero-copy, as
 * written there (plus timeouts and checks), each skipped with its reason where the machine lacks
 * the privilege or the kernel support.
 */
class FamiliesReadmeExampleTest {

    @Test
    void icmpEcho() throws IOException {
        Privilege.requireNetRaw("the ICMP example falls back to a raw socket");
        // ---- as in the README ----
        InetAddress target = InetAddress.getByName("127.0.0.1");
        Socket icmp;
        try {
            icmp = Icmp.openPing(false);               // SOCK_DGRAM: if ping_group_range allows
        } catch (IOException refused) {
            icmp = Icmp.openRaw(false);                // SOCK_RAW: needs CAP_NET_RAW
        }
        try (Socket s = icmp; Arena arena = Arena.ofConfined()) {
            s.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
            MemorySegment buf = arena.allocate(1500);
            int len = Icmp.echoRequest(buf, false, 0x1234, 1, "hi".getBytes());
            s.sendTo(buf.asSlice(0, len), 0, new InetSocketAddress(target, 0));
            Icmp.Packet reply;
            do {                                       // a raw socket also sees the request itself
                Received r = s.recvFrom(buf, 0);
                reply = Icmp.parse(buf, r.length(), s.type() == Type.RAW); // raw IPv4: IP header first
            } while (reply == null || !reply.isEchoReply(false) || reply.sequence() != 1);
            // ---- checks ----
            assertEquals(2, reply.dataLength());
        }
    }

    @Test
    void netlinkLinksAndChanges() throws IOException {
        Privilege.requireLinux("netlink");
        // ---- as in the README ----
        for (NetlinkMessage.Link link : Netlink.links()) {        // RTM_GETLINK dump
            System.out.println(link.index() + ": " + link.name() + " mtu " + link.mtu());
        }
        try (Socket events = Netlink.openRoute(); Arena arena = Arena.ofConfined()) {
            Netlink.joinGroup(events, Netlink.GROUP_LINK);        // NETLINK_ADD_MEMBERSHIP
            events.setBlocking(false);
            List<NetlinkMessage> changes = Netlink.receive(events, arena.allocate(64 * 1024));
            // ---- checks ----
            assertNotNull(changes);
        }
        assertTrue(Netlink.links().stream().anyMatch(l -> "lo".equals(l.name())));
    }

    @Test
    void packetCapture() throws IOException {
        Privilege.requireNetRaw("packet sockets");
        // ---- as in the README ----
        try (Socket sniff = Packet.openOn("lo", Type.RAW, Packet.ALL); Arena arena = Arena.ofConfined()) {
            sniff.setOption(NativeOptions.PACKET_ADD_MEMBERSHIP, PacketMembership.promiscuous(Interfaces.index("lo")));
            sniff.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
            try (Socket udp = Socket.open(Domain.INET, Type.DGRAM)) { // something to see
                udp.sendTo("x".getBytes(), 0, 1, 0, new InetSocketAddress("127.0.0.1", 9));
            }
            MemorySegment frame = arena.allocate(65_536);
            Received r = sniff.recvFrom(frame, 0);
            PacketAddress from = (PacketAddress) r.source();      // sockaddr_ll
            System.out.printf("%d bytes, ethertype 0x%04x, ifindex %d%n", r.length(), from.protocol(), from.interfaceIndex());
            // ---- checks ----
            assertEquals(Interfaces.index("lo"), from.interfaceIndex());
        }
    }

    @Test
    void udpGsoAndGro() throws IOException {
        Privilege.requireLinux("UDP GSO/GRO");
        try (Socket rx = Socket.open(Domain.INET, Type.DGRAM); Socket tx = Socket.open(Domain.INET, Type.DGRAM);
             Arena arena = Arena.ofConfined()) {
            rx.bind(new InetSocketAddress("127.0.0.1", 0));
            rx.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
            InetSocketAddress to = (InetSocketAddress) rx.localAddress();
            // ---- as in the README ----
            rx.setOption(NativeOptions.UDP_GRO, true);                  // receive coalesced
            MemorySegment data = arena.allocate(12_000);                // ten datagrams' worth
            tx.sendMsg(new Message().data(data).address(to).control(SegmentSize.of(1200))); // UDP_SEGMENT
            Message in = Message.allocate(65_536, ControlMessage.space(4));
            long n = rx.recvMsg(in);                                    // 12000 bytes at once
            SegmentSize g = in.received(SegmentSize.class);             // UDP_GRO: 1200 each
            // ---- checks ----
            assertEquals(12_000, n);
            assertEquals(1200, g.size());
            assertEquals(10, g.segments(n));
        }
    }

    @Test
    void zeroCopy() throws Exception {
        Privilege.requireLinux("MSG_ZEROCOPY");
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            Socket tcp = c.client();
            // ---- as in the README ----
            ZeroCopy zc = ZeroCopy.enable(tcp);                  // SO_ZEROCOPY
            ZeroCopy.Buffer b = zc.allocate(64 * 1024);          // memory the library keeps alive
            b.segment().fill((byte) 'x');                        // write while no send is in flight
            zc.send(b, 0, b.size());                             // MSG_ZEROCOPY; b.segment() now refuses
            zc.awaitCompletions(Duration.ofSeconds(5));          // MSG_ERRQUEUE: SO_EE_ORIGIN_ZEROCOPY
            b.segment();                                         // free to reuse
            // ---- checks ----
            assertEquals(0, zc.pending());
            assertEquals(1, zc.sends());
        }
    }

    @Test
    void vsockAddress() throws IOException {
        Socket s = Privilege.openVsock();
        // ---- as in the README ----
        try (s) {
            s.bind(VsockAddress.of(VsockAddress.CID_ANY, VsockAddress.PORT_ANY));
            VsockAddress local = (VsockAddress) s.localAddress();  // the port the kernel picked
            // ---- checks ----
            assertTrue(local.port() != VsockAddress.PORT_ANY);
        } catch (IOException e) {
            Privilege.require(false, "AF_VSOCK without a transport to bind: " + e.getMessage());
        }
    }
}
