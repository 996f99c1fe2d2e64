package dev.nativesockets.linux;

import dev.nativesockets.internal.LinuxAccess;

/** The Linux package's one handle on the core's internals, and the argument rule the core applies. */
final class Internals {
    private Internals() {}

    static final LinuxAccess.Core CORE = LinuxAccess.core();

    /** As in the core: a null argument is an {@link IllegalArgumentException} naming it, before any native call. */
    static <T> T requireArg(T v, String what) {
        if (v == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        return v;
    }
}
