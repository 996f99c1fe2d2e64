package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct pollfd}: one entry of poll(2). */
public final class Pollfd {
    private Pollfd() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("pollfd");
    /** {@code sizeof(struct pollfd)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field FD = Field.of(LAYOUT, "fd");
    public static final Field EVENTS = Field.of(LAYOUT, "events");
    public static final Field REVENTS = Field.of(LAYOUT, "revents");
}
