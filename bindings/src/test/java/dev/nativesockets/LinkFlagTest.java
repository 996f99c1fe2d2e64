package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.linux.Netlink;
import dev.nativesockets.linux.NetlinkMessage;
import dev.nativesockets.linux.LinkFlag;
import dev.nativesockets.linux.HardwareType;
import dev.nativesockets.libc.Constants;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The safe layer's names for interface flags and hardware types match the raw table, and lo reads as ip(8) shows it. */
class LinkFlagTest {
    @Test
    void masksAreTheHeadersValues() {
        assertEquals(Constants.IFF_UP, LinkFlag.UP.mask());
        assertEquals(Constants.IFF_LOWER_UP, LinkFlag.LOWER_UP.mask());
        assertEquals(Constants.IFF_RUNNING, LinkFlag.RUNNING.mask());
        assertEquals(Constants.ARPHRD_LOOPBACK, HardwareType.LOOPBACK);
        assertEquals(Constants.ARPHRD_ETHER, HardwareType.ETHER);
        assertEquals(Constants.ARPHRD_NONE, HardwareType.NONE);
    }

    @Test
    void ofDecodesInIpsOrderAndIgnoresUnknownBits() {
        assumeTrue(Net.LINUX, "IFF_LOWER_UP is Linux's");
        int flags = Constants.IFF_UP | Constants.IFF_LOOPBACK | Constants.IFF_RUNNING | Constants.IFF_LOWER_UP | (1 << 30);
        assertEquals(List.of(LinkFlag.LOOPBACK, LinkFlag.UP, LinkFlag.LOWER_UP, LinkFlag.RUNNING),
                List.copyOf(LinkFlag.of(flags)));
        assertEquals(EnumSet.noneOf(LinkFlag.class), LinkFlag.of(0));
        assertTrue(LinkFlag.UP.isSet(flags));
        assertFalse(LinkFlag.PROMISC.isSet(flags));
    }

    @Test
    void loopbackIsUpAndOfItsHardwareType() throws Exception {
        assumeTrue(Net.LINUX, "netlink is Linux-only");
        NetlinkMessage.Link lo = Netlink.links().stream().filter(l -> "lo".equals(l.name())).findFirst().orElseThrow();
        assertTrue(LinkFlag.of(lo.flags()).containsAll(EnumSet.of(LinkFlag.LOOPBACK, LinkFlag.UP)), lo.toString());
        assertEquals(HardwareType.LOOPBACK, lo.hardwareType());
    }
}
