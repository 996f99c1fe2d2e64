package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct sockaddr_in}: IPv4 address; {@code sin_port} and {@code sin_addr} in network order. */
public final class SockaddrIn {
    private SockaddrIn() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("sockaddr_in");
    /** {@code sizeof(struct sockaddr_in)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field SIN_LEN = Field.of(LAYOUT, "sin_len");
    public static final Field SIN_FAMILY = Field.of(LAYOUT, "sin_family");
    public static final Field SIN_PORT = Field.of(LAYOUT, "sin_port");
    public static final Field SIN_ADDR = Field.of(LAYOUT, "sin_addr");
}
