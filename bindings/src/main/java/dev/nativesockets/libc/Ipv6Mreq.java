package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct ipv6_mreq}: IPv6 multicast membership. */
public final class Ipv6Mreq {
    private Ipv6Mreq() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("ipv6_mreq");
    /** {@code sizeof(struct ipv6_mreq)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field IPV6MR_MULTIADDR = Field.of(LAYOUT, "ipv6mr_multiaddr");
    public static final Field IPV6MR_INTERFACE = Field.of(LAYOUT, "ipv6mr_interface");
}
