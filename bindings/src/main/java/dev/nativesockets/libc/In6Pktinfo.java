package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct in6_pktinfo}: IPV6_PKTINFO ancillary data. */
public final class In6Pktinfo {
    private In6Pktinfo() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("in6_pktinfo");
    /** {@code sizeof(struct in6_pktinfo)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field IPI6_ADDR = Field.of(LAYOUT, "ipi6_addr");
    public static final Field IPI6_IFINDEX = Field.of(LAYOUT, "ipi6_ifindex");
}
