package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct sock_extended_err}: an error-queue entry (IP_RECVERR, IPV6_RECVERR; zero-copy completions) (Linux). */
public final class SockExtendedErr {
    private SockExtendedErr() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("sock_extended_err");
    /** {@code sizeof(struct sock_extended_err)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field EE_ERRNO = Field.of(LAYOUT, "ee_errno");
    public static final Field EE_ORIGIN = Field.of(LAYOUT, "ee_origin");
    public static final Field EE_TYPE = Field.of(LAYOUT, "ee_type");
    public static final Field EE_CODE = Field.of(LAYOUT, "ee_code");
    public static final Field EE_INFO = Field.of(LAYOUT, "ee_info");
    public static final Field EE_DATA = Field.of(LAYOUT, "ee_data");
}
