package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct ip_mreq}: IPv4 multicast membership by interface address. */
public final class IpMreq {
    private IpMreq() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("ip_mreq");
    /** {@code sizeof(struct ip_mreq)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field IMR_MULTIADDR = Field.of(LAYOUT, "imr_multiaddr");
    public static final Field IMR_INTERFACE = Field.of(LAYOUT, "imr_interface");
}
