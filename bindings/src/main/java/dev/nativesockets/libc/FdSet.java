package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct fd_set}: the bit set of select(2), FD_SETSIZE bits. */
public final class FdSet {
    private FdSet() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("fd_set");
    /** {@code sizeof(struct fd_set)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field FDS_BITS = Field.of(LAYOUT, "fds_bits");
}
