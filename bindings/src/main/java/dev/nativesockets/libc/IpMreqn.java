package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct ip_mreqn}: IPv4 multicast membership by interface index (Linux only). */
public final class IpMreqn {
    private IpMreqn() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("ip_mreqn");
    /** {@code sizeof(struct ip_mreqn)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field IMR_MULTIADDR = Field.of(LAYOUT, "imr_multiaddr");
    public static final Field IMR_ADDRESS = Field.of(LAYOUT, "imr_address");
    public static final Field IMR_IFINDEX = Field.of(LAYOUT, "imr_ifindex");
}
