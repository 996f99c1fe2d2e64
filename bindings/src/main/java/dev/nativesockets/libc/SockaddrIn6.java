package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct sockaddr_in6}: IPv6 address with flow info and scope id. */
public final class SockaddrIn6 {
    private SockaddrIn6() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("sockaddr_in6");
    /** {@code sizeof(struct sockaddr_in6)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field SIN6_LEN = Field.of(LAYOUT, "sin6_len");
    public static final Field SIN6_FAMILY = Field.of(LAYOUT, "sin6_family");
    public static final Field SIN6_PORT = Field.of(LAYOUT, "sin6_port");
    public static final Field SIN6_FLOWINFO = Field.of(LAYOUT, "sin6_flowinfo");
    public static final Field SIN6_ADDR = Field.of(LAYOUT, "sin6_addr");
    public static final Field SIN6_SCOPE_ID = Field.of(LAYOUT, "sin6_scope_id");
}
