package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct timeval}: SO_RCVTIMEO/SO_SNDTIMEO and select timeouts; tv_usec is 4 bytes on Darwin. */
public final class Timeval {
    private Timeval() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("timeval");
    /** {@code sizeof(struct timeval)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field TV_SEC = Field.of(LAYOUT, "tv_sec");
    public static final Field TV_USEC = Field.of(LAYOUT, "tv_usec");
}
