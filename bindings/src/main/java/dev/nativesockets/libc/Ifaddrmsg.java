package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct ifaddrmsg}: the fixed part of RTM_NEWADDR / RTM_GETADDR (Linux). */
public final class Ifaddrmsg {
    private Ifaddrmsg() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("ifaddrmsg");
    /** {@code sizeof(struct ifaddrmsg)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field IFA_FAMILY = Field.of(LAYOUT, "ifa_family");
    public static final Field IFA_PREFIXLEN = Field.of(LAYOUT, "ifa_prefixlen");
    public static final Field IFA_FLAGS = Field.of(LAYOUT, "ifa_flags");
    public static final Field IFA_SCOPE = Field.of(LAYOUT, "ifa_scope");
    public static final Field IFA_INDEX = Field.of(LAYOUT, "ifa_index");
}
