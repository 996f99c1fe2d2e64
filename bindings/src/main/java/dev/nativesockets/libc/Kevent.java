package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct kevent}: kqueue change/event entry (Darwin only). */
public final class Kevent {
    private Kevent() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("kevent");
    /** {@code sizeof(struct kevent)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field IDENT = Field.of(LAYOUT, "ident");
    public static final Field FILTER = Field.of(LAYOUT, "filter");
    public static final Field FLAGS = Field.of(LAYOUT, "flags");
    public static final Field FFLAGS = Field.of(LAYOUT, "fflags");
    public static final Field DATA = Field.of(LAYOUT, "data");
    public static final Field UDATA = Field.of(LAYOUT, "udata");
}
