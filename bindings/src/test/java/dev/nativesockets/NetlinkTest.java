package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.linux.Netlink;
import dev.nativesockets.linux.NetlinkMessage;
import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Routing netlink on this machine: the link dump holds {@code lo} with its real index, the address
 * dump holds 127.0.0.1/8 and ::1/128 on it, a socket subscribed to the IPv4 address group sees an
 * address added to and removed from {@code lo} (root and {@code ip} needed), and the parser stops
 * at lengths that claim more than there is.
 */
class NetlinkTest {

    @Test
    void linkDumpContainsLoWithItsRealIndex() throws IOException {
        Privilege.requireLinux("netlink");
        int loIndex = Interfaces.index("lo");
        List<NetlinkMessage.Link> links = Netlink.links();
        NetlinkMessage.Link lo = links.stream().filter(l -> "lo".equals(l.name())).findFirst().orElseThrow(
                () -> new AssertionError("no lo in " + links));
        assertEquals(loIndex, lo.index());
        assertTrue((lo.flags() & Constants.IFF_LOOPBACK) != 0, lo::toString);
        assertEquals(Constants.ARPHRD_LOOPBACK, lo.hardwareType());
        assertTrue(lo.mtu() > 0, lo::toString);
        assertEquals(6, lo.address().length, "lo has a 6-byte all-zero hardware address");
        assertFalse(lo.deleted());
        for (NetlinkMessage.Link l : links) {
            assertEquals(l.name(), Interfaces.name(l.index()), "the dump and if_indextoname agree");
        }
    }

    @Test
    void addressDumpContainsLoopbackAddresses() throws IOException {
        Privilege.requireLinux("netlink");
        int loIndex = Interfaces.index("lo");
        List<NetlinkMessage.Address> all = Netlink.addresses();
        assertTrue(all.stream().anyMatch(a -> a.index() == loIndex && Net.LO4.equals(a.address())
                && a.prefixLength() == 8 && a.family() == Constants.AF_INET), all::toString);
        boolean v6 = java.net.NetworkInterface.getByIndex(loIndex).inetAddresses().anyMatch(Net.LO6::equals);
        if (v6) {
            assertTrue(all.stream().anyMatch(a -> a.index() == loIndex && Net.LO6.equals(a.address())
                    && a.prefixLength() == 128 && a.family() == Constants.AF_INET6), all::toString);
        }
    }

    @Test
    void oneSocketServesSeveralDumps() throws IOException {
        Privilege.requireLinux("netlink");
        try (Socket s = Netlink.openRoute()) {
            int links = Netlink.links(s).size();
            assertTrue(links >= 1);
            assertFalse(Netlink.addresses(s).isEmpty());
            assertEquals(links, Netlink.links(s).size());
        }
    }

    @Test
    void subscriberSeesAnAddressComeAndGo() throws Exception {
        Privilege.requireLinux("netlink");
        Privilege.require("root".equals(System.getProperty("user.name")), "adding an address to lo needs root");
        Privilege.require(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin/ip"))
                || java.nio.file.Files.isExecutable(java.nio.file.Path.of("/sbin/ip")), "no ip(8) to change an address");
        InetAddress probe = InetAddress.getByName("127.18.0.18");
        try (Socket s = Netlink.openRoute(); Arena arena = Arena.ofConfined()) {
            Netlink.joinGroup(s, Netlink.GROUP_IPV4_ADDRESS);
            s.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
            MemorySegment buf = arena.allocate(64 * 1024); // the size Netlink dumps with
            ip("addr", "add", "127.18.0.18/32", "dev", "lo");
            try {
                NetlinkMessage.Address added = awaitAddress(s, buf, probe, false);
                assertEquals(Interfaces.index("lo"), added.index());
                assertEquals(32, added.prefixLength());
            } finally {
                ip("addr", "del", "127.18.0.18/32", "dev", "lo");
            }
            NetlinkMessage.Address removed = awaitAddress(s, buf, probe, true);
            assertTrue(removed.deleted());
            Netlink.leaveGroup(s, Netlink.GROUP_IPV4_ADDRESS);
        }
    }

    private static NetlinkMessage.Address awaitAddress(Socket s, MemorySegment buf, InetAddress a, boolean deleted) throws IOException {
        for (int i = 0; i < 50; i++) {
            for (NetlinkMessage m : Netlink.receive(s, buf)) {
                if (m instanceof NetlinkMessage.Address x && a.equals(x.address()) && x.deleted() == deleted) {
                    return x;
                }
            }
        }
        throw new AssertionError("no " + (deleted ? "RTM_DELADDR" : "RTM_NEWADDR") + " for " + a);
    }

    private static void ip(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "ip";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + " failed");
    }

    @Test
    void membershipArgumentsAreCheckedFirst() throws IOException {
        Privilege.requireLinux("netlink");
        try (Socket s = Netlink.openRoute(); Socket udp = Socket.open(Domain.INET, Type.DGRAM)) {
            assertThrows(IllegalArgumentException.class, () -> Netlink.joinGroup(s, 0));
            assertThrows(IllegalArgumentException.class, () -> Netlink.joinGroup(udp, Netlink.GROUP_LINK));
            assertThrows(IllegalArgumentException.class, () -> Netlink.links(udp));
        }
    }

    @Test
    void lengthsThatClaimTooMuchEndTheWalk() {
        MemorySegment buf = Arena.ofAuto().allocate(256);
        // a link message whose nlmsg_len runs past the data: nothing is decoded
        int len = header(buf, 0, 64, Constants.RTM_NEWLINK);
        assertTrue(Netlink.parse(buf, 40).isEmpty());
        // a complete link message with one IFLA_IFNAME "lo" and one attribute claiming 200 bytes
        len = 16 + 16 + 8 + 8;
        header(buf, 0, len, Constants.RTM_NEWLINK);
        buf.set(ValueLayout.JAVA_INT_UNALIGNED, 16 + 4, 7); // ifi_index
        attr(buf, 32, 7, Constants.IFLA_IFNAME, new byte[] {'l', 'o', 0});
        attr(buf, 40, 200, Constants.IFLA_MTU, new byte[] {1, 2, 3, 4});
        List<NetlinkMessage> ms = Netlink.parse(buf, len);
        assertEquals(1, ms.size());
        NetlinkMessage.Link l = assertInstanceOf(NetlinkMessage.Link.class, ms.get(0));
        assertEquals("lo", l.name());
        assertEquals(7, l.index());
        assertEquals(-1, l.mtu(), "the overlong attribute is not read");
        // an error message carrying -EPERM
        header(buf, 0, 36, Constants.NLMSG_ERROR);
        buf.set(ValueLayout.JAVA_INT_UNALIGNED, 16, -Constants.EPERM);
        NetlinkMessage.Error e = assertInstanceOf(NetlinkMessage.Error.class, Netlink.parse(buf, 36).get(0));
        assertEquals(Constants.EPERM, e.errno());
        assertThrows(IllegalArgumentException.class, () -> Netlink.parse(buf, 257));
        assertNotNull(Netlink.parse(buf, 0));
    }

    private static int header(MemorySegment buf, int at, int len, int type) {
        buf.asSlice(at, Math.min(len, buf.byteSize() - at)).fill((byte) 0);
        buf.set(ValueLayout.JAVA_INT_UNALIGNED, at, len);
        buf.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 4, (short) type);
        return len;
    }

    private static void attr(MemorySegment buf, int at, int rtaLen, int type, byte[] data) {
        buf.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) rtaLen);
        buf.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2, (short) type);
        MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, at + 4, data.length);
    }
}
