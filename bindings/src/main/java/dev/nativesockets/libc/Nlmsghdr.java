package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct nlmsghdr}: the header in front of every netlink message (Linux). */
public final class Nlmsghdr {
    private Nlmsghdr() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("nlmsghdr");
    /** {@code sizeof(struct nlmsghdr)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field NLMSG_LEN = Field.of(LAYOUT, "nlmsg_len");
    public static final Field NLMSG_TYPE = Field.of(LAYOUT, "nlmsg_type");
    public static final Field NLMSG_FLAGS = Field.of(LAYOUT, "nlmsg_flags");
    public static final Field NLMSG_SEQ = Field.of(LAYOUT, "nlmsg_seq");
    public static final Field NLMSG_PID = Field.of(LAYOUT, "nlmsg_pid");
}
