package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct packet_mreq}: PACKET_ADD_MEMBERSHIP / PACKET_DROP_MEMBERSHIP argument (Linux). */
public final class PacketMreq {
    private PacketMreq() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("packet_mreq");
    /** {@code sizeof(struct packet_mreq)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field MR_IFINDEX = Field.of(LAYOUT, "mr_ifindex");
    public static final Field MR_TYPE = Field.of(LAYOUT, "mr_type");
    public static final Field MR_ALEN = Field.of(LAYOUT, "mr_alen");
    public static final Field MR_ADDRESS = Field.of(LAYOUT, "mr_address");
}
