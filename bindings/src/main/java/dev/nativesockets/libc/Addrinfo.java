package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct addrinfo}: getaddrinfo results; Darwin swaps ai_canonname and ai_addr. */
public final class Addrinfo {
    private Addrinfo() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("addrinfo");
    /** {@code sizeof(struct addrinfo)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field AI_FLAGS = Field.of(LAYOUT, "ai_flags");
    public static final Field AI_FAMILY = Field.of(LAYOUT, "ai_family");
    public static final Field AI_SOCKTYPE = Field.of(LAYOUT, "ai_socktype");
    public static final Field AI_PROTOCOL = Field.of(LAYOUT, "ai_protocol");
    public static final Field AI_ADDRLEN = Field.of(LAYOUT, "ai_addrlen");
    public static final Field AI_ADDR = Field.of(LAYOUT, "ai_addr");
    public static final Field AI_CANONNAME = Field.of(LAYOUT, "ai_canonname");
    public static final Field AI_NEXT = Field.of(LAYOUT, "ai_next");
}
