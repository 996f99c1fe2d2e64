package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct rtattr}: the header of one routing attribute (IFLA_*, IFA_*) (Linux). */
public final class Rtattr {
    private Rtattr() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("rtattr");
    /** {@code sizeof(struct rtattr)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field RTA_LEN = Field.of(LAYOUT, "rta_len");
    public static final Field RTA_TYPE = Field.of(LAYOUT, "rta_type");
}
