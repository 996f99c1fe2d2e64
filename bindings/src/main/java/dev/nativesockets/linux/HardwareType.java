package dev.nativesockets.linux;

import dev.nativesockets.libc.Constants;

/**
 * Link-layer types ({@code ARPHRD_*} of {@code <net/if_arp.h>}, Linux): the
 * {@link NetlinkMessage.Link#hardwareType()} of an interface ({@code ifi_type}), also
 * {@link PacketAddress#hardwareType()} ({@code sll_hatype}).
 */
public final class HardwareType {
    private HardwareType() {}

    /** {@code ARPHRD_ETHER}: Ethernet. */
    public static final int ETHER = Constants.ARPHRD_ETHER;
    /** {@code ARPHRD_LOOPBACK}: the loopback device. */
    public static final int LOOPBACK = Constants.ARPHRD_LOOPBACK;
    /** {@code ARPHRD_NONE}: no link-layer header (tun devices, WireGuard). */
    public static final int NONE = Constants.ARPHRD_NONE;
}
