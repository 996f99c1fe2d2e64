package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct sockaddr_storage}: room for any address family. */
public final class SockaddrStorage {
    private SockaddrStorage() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("sockaddr_storage");
    /** {@code sizeof(struct sockaddr_storage)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field SS_LEN = Field.of(LAYOUT, "ss_len");
    public static final Field SS_FAMILY = Field.of(LAYOUT, "ss_family");
}
