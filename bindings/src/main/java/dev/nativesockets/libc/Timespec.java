package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct timespec}: recvmmsg/kevent timeouts and SO_TIMESTAMPNS values. */
public final class Timespec {
    private Timespec() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("timespec");
    /** {@code sizeof(struct timespec)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field TV_SEC = Field.of(LAYOUT, "tv_sec");
    public static final Field TV_NSEC = Field.of(LAYOUT, "tv_nsec");
}
