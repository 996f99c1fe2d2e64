package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct icmp6_hdr}: the ICMPv6 header; {@code icmp6_dataun} holds the echo id and sequence in network order. */
public final class Icmp6Hdr {
    private Icmp6Hdr() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("icmp6_hdr");
    /** {@code sizeof(struct icmp6_hdr)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field ICMP6_TYPE = Field.of(LAYOUT, "icmp6_type");
    public static final Field ICMP6_CODE = Field.of(LAYOUT, "icmp6_code");
    public static final Field ICMP6_CKSUM = Field.of(LAYOUT, "icmp6_cksum");
    public static final Field ICMP6_DATAUN = Field.of(LAYOUT, "icmp6_dataun");
}
