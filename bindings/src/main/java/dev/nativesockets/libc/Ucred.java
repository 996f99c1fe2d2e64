package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct ucred}: peer credentials (SO_PEERCRED, SCM_CREDENTIALS; Linux only). */
public final class Ucred {
    private Ucred() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("ucred");
    /** {@code sizeof(struct ucred)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field PID = Field.of(LAYOUT, "pid");
    public static final Field UID = Field.of(LAYOUT, "uid");
    public static final Field GID = Field.of(LAYOUT, "gid");
}
