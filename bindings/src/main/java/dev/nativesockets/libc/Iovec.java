package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct iovec}: one scatter/gather buffer. */
public final class Iovec {
    private Iovec() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("iovec");
    /** {@code sizeof(struct iovec)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field IOV_BASE = Field.of(LAYOUT, "iov_base");
    public static final Field IOV_LEN = Field.of(LAYOUT, "iov_len");
}
