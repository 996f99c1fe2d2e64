package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct sockaddr_ll}: link-layer address of a packet socket (Linux). */
public final class SockaddrLl {
    private SockaddrLl() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("sockaddr_ll");
    /** {@code sizeof(struct sockaddr_ll)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field SLL_FAMILY = Field.of(LAYOUT, "sll_family");
    public static final Field SLL_PROTOCOL = Field.of(LAYOUT, "sll_protocol");
    public static final Field SLL_IFINDEX = Field.of(LAYOUT, "sll_ifindex");
    public static final Field SLL_HATYPE = Field.of(LAYOUT, "sll_hatype");
    public static final Field SLL_PKTTYPE = Field.of(LAYOUT, "sll_pkttype");
    public static final Field SLL_HALEN = Field.of(LAYOUT, "sll_halen");
    public static final Field SLL_ADDR = Field.of(LAYOUT, "sll_addr");
}
