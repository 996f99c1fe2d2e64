package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct nlmsgerr}: the payload of NLMSG_ERROR: negative errno (0 for an ack) and the request's header (Linux). */
public final class Nlmsgerr {
    private Nlmsgerr() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("nlmsgerr");
    /** {@code sizeof(struct nlmsgerr)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field ERROR = Field.of(LAYOUT, "error");
    public static final Field MSG = Field.of(LAYOUT, "msg");
}
