package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct msghdr}: the argument of sendmsg/recvmsg; length fields are wider on Linux. */
public final class Msghdr {
    private Msghdr() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("msghdr");
    /** {@code sizeof(struct msghdr)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field MSG_NAME = Field.of(LAYOUT, "msg_name");
    public static final Field MSG_NAMELEN = Field.of(LAYOUT, "msg_namelen");
    public static final Field MSG_IOV = Field.of(LAYOUT, "msg_iov");
    public static final Field MSG_IOVLEN = Field.of(LAYOUT, "msg_iovlen");
    public static final Field MSG_CONTROL = Field.of(LAYOUT, "msg_control");
    public static final Field MSG_CONTROLLEN = Field.of(LAYOUT, "msg_controllen");
    public static final Field MSG_FLAGS = Field.of(LAYOUT, "msg_flags");
}
