package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct in_pktinfo}: IP_PKTINFO ancillary data. */
public final class InPktinfo {
    private InPktinfo() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("in_pktinfo");
    /** {@code sizeof(struct in_pktinfo)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field IPI_IFINDEX = Field.of(LAYOUT, "ipi_ifindex");
    public static final Field IPI_SPEC_DST = Field.of(LAYOUT, "ipi_spec_dst");
    public static final Field IPI_ADDR = Field.of(LAYOUT, "ipi_addr");
}
