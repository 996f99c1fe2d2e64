package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct sockaddr_un}: Unix-domain address; {@code sun_path} is 108 bytes on Linux, 104 on Darwin. */
public final class SockaddrUn {
    private SockaddrUn() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("sockaddr_un");
    /** {@code sizeof(struct sockaddr_un)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field SUN_LEN = Field.of(LAYOUT, "sun_len");
    public static final Field SUN_FAMILY = Field.of(LAYOUT, "sun_family");
    public static final Field SUN_PATH = Field.of(LAYOUT, "sun_path");
}
