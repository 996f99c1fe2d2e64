package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct mmsghdr}: one entry of sendmmsg/recvmmsg (Linux only). */
public final class Mmsghdr {
    private Mmsghdr() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("mmsghdr");
    /** {@code sizeof(struct mmsghdr)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field MSG_HDR = Field.of(LAYOUT, "msg_hdr");
    public static final Field MSG_LEN = Field.of(LAYOUT, "msg_len");
}
