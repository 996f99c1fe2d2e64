package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct icmphdr}: the ICMPv4 header; {@code un} holds the echo id and sequence in network order. */
public final class Icmphdr {
    private Icmphdr() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("icmphdr");
    /** {@code sizeof(struct icmphdr)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field TYPE = Field.of(LAYOUT, "type");
    public static final Field CODE = Field.of(LAYOUT, "code");
    public static final Field CHECKSUM = Field.of(LAYOUT, "checksum");
    public static final Field UN = Field.of(LAYOUT, "un");
}
