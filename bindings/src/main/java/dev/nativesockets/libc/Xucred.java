package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct xucred}: peer credentials (LOCAL_PEERCRED; Darwin only). */
public final class Xucred {
    private Xucred() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("xucred");
    /** {@code sizeof(struct xucred)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field CR_VERSION = Field.of(LAYOUT, "cr_version");
    public static final Field CR_UID = Field.of(LAYOUT, "cr_uid");
    public static final Field CR_NGROUPS = Field.of(LAYOUT, "cr_ngroups");
    public static final Field CR_GROUPS = Field.of(LAYOUT, "cr_groups");
}
