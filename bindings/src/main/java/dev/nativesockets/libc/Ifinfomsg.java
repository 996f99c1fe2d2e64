package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct ifinfomsg}: the fixed part of RTM_NEWLINK / RTM_GETLINK (Linux). */
public final class Ifinfomsg {
    private Ifinfomsg() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("ifinfomsg");
    /** {@code sizeof(struct ifinfomsg)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field IFI_FAMILY = Field.of(LAYOUT, "ifi_family");
    public static final Field IFI_TYPE = Field.of(LAYOUT, "ifi_type");
    public static final Field IFI_INDEX = Field.of(LAYOUT, "ifi_index");
    public static final Field IFI_FLAGS = Field.of(LAYOUT, "ifi_flags");
    public static final Field IFI_CHANGE = Field.of(LAYOUT, "ifi_change");
}
