package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct sockaddr_nl}: netlink address: port id and multicast group mask (Linux). */
public final class SockaddrNl {
    private SockaddrNl() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("sockaddr_nl");
    /** {@code sizeof(struct sockaddr_nl)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field NL_FAMILY = Field.of(LAYOUT, "nl_family");
    public static final Field NL_PID = Field.of(LAYOUT, "nl_pid");
    public static final Field NL_GROUPS = Field.of(LAYOUT, "nl_groups");
}
