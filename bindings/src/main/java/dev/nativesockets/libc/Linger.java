package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct linger}: the SO_LINGER value. */
public final class Linger {
    private Linger() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("linger");
    /** {@code sizeof(struct linger)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field L_ONOFF = Field.of(LAYOUT, "l_onoff");
    public static final Field L_LINGER = Field.of(LAYOUT, "l_linger");
}
