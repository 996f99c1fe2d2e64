package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct sockaddr}: generic address header; {@code sa_len} exists on Darwin only. */
public final class Sockaddr {
    private Sockaddr() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("sockaddr");
    /** {@code sizeof(struct sockaddr)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field SA_LEN = Field.of(LAYOUT, "sa_len");
    public static final Field SA_FAMILY = Field.of(LAYOUT, "sa_family");
}
