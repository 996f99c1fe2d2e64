package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct cmsghdr}: control-message header; {@code cmsg_len} is size_t on Linux, socklen_t on Darwin. */
public final class Cmsghdr {
    private Cmsghdr() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("cmsghdr");
    /** {@code sizeof(struct cmsghdr)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field CMSG_LEN = Field.of(LAYOUT, "cmsg_len");
    public static final Field CMSG_LEVEL = Field.of(LAYOUT, "cmsg_level");
    public static final Field CMSG_TYPE = Field.of(LAYOUT, "cmsg_type");
}
