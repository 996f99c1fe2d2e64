package dev.nativesockets.linux;

import dev.nativesockets.libc.Constants;
import java.util.EnumSet;

/**
 * One bit of an interface's flags ({@code IFF_*} of {@code <net/if.h>} and {@code <linux/if.h>}),
 * as a {@link NetlinkMessage.Link#flags()} carries them ({@code ifi_flags} of
 * {@code struct ifinfomsg}, Linux). Declared in the order ip(8) prints them, {@link #RUNNING} last
 * (ip prints {@code NO-CARRIER} for an interface that is {@link #UP} but not running).
 */
public enum LinkFlag {
    /** {@code IFF_LOOPBACK}. */
    LOOPBACK(Constants.IFF_LOOPBACK),
    /** {@code IFF_BROADCAST}: a valid broadcast address is set. */
    BROADCAST(Constants.IFF_BROADCAST),
    /** {@code IFF_POINTOPOINT}: a point-to-point link. */
    POINTOPOINT(Constants.IFF_POINTOPOINT),
    /** {@code IFF_MULTICAST}. */
    MULTICAST(Constants.IFF_MULTICAST),
    /** {@code IFF_NOARP}: no ARP. */
    NOARP(Constants.IFF_NOARP),
    /** {@code IFF_ALLMULTI}: receives all multicast packets. */
    ALLMULTI(Constants.IFF_ALLMULTI),
    /** {@code IFF_PROMISC}: promiscuous mode. */
    PROMISC(Constants.IFF_PROMISC),
    /** {@code IFF_MASTER}: master of a load balancer (bonding). */
    MASTER(Constants.IFF_MASTER),
    /** {@code IFF_SLAVE}: slave of a load balancer. */
    SLAVE(Constants.IFF_SLAVE),
    /** {@code IFF_DEBUG}. */
    DEBUG(Constants.IFF_DEBUG),
    /** {@code IFF_DYNAMIC}: addresses are lost when the interface goes down. */
    DYNAMIC(Constants.IFF_DYNAMIC),
    /** {@code IFF_AUTOMEDIA}: media type selected automatically. */
    AUTOMEDIA(Constants.IFF_AUTOMEDIA),
    /** {@code IFF_PORTSEL}: media type can be set. */
    PORTSEL(Constants.IFF_PORTSEL),
    /** {@code IFF_NOTRAILERS}. */
    NOTRAILERS(Constants.IFF_NOTRAILERS),
    /** {@code IFF_UP}: administratively up. */
    UP(Constants.IFF_UP),
    /** {@code IFF_LOWER_UP}: the driver signals the physical layer up (Linux). */
    LOWER_UP(Constants.IFF_LOWER_UP),
    /** {@code IFF_DORMANT}: the driver signals dormant (Linux). */
    DORMANT(Constants.IFF_DORMANT),
    /** {@code IFF_ECHO}: echoes sent packets (Linux). */
    ECHO(Constants.IFF_ECHO),
    /** {@code IFF_RUNNING}: operationally up (carrier). */
    RUNNING(Constants.IFF_RUNNING);

    private final int mask;

    LinkFlag(int mask) {
        this.mask = mask;
    }

    /** The bit, as the kernel sets it in {@code ifi_flags}; {@link Constants#UNSUPPORTED} where the platform lacks it. */
    public int mask() {
        return mask;
    }

    /** Whether {@code flags} (an {@code ifi_flags} value) has this bit. */
    public boolean isSet(int flags) {
        return mask != Constants.UNSUPPORTED && (flags & mask) != 0;
    }

    /** The flags set in {@code flags}, iterated in ip(8)'s order; bits this enum does not name are left out. */
    public static EnumSet<LinkFlag> of(int flags) {
        EnumSet<LinkFlag> set = EnumSet.noneOf(LinkFlag.class);
        for (LinkFlag f : values()) {
            if (f.isSet(flags)) {
                set.add(f);
            }
        }
        return set;
    }
}
