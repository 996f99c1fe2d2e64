package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.internal.LinuxAccess;
import org.junit.jupiter.api.Test;

/**
 * The bridge that lets {@code dev.nativesockets.linux} use the core's package-private internals
 * (descriptor holds, the release watchers) is not a way in for anyone else: on the class path,
 * where the non-exported package is not closed, a caller outside the Linux package is refused,
 * and nobody but the core's bridge class can install an implementation.
 */
class LinuxAccessTest {
    @Test
    void onlyTheLinuxPackageGetsTheCoresInternals() {
        IllegalCallerException e = assertThrows(IllegalCallerException.class, () -> LinuxAccess.core());
        assertTrue(e.getMessage().contains(LinuxAccessTest.class.getName()), e.getMessage());
    }

    @Test
    void onlyTheCoreInstallsIt() {
        assertThrows(IllegalCallerException.class, () -> LinuxAccess.install(null));
    }
}
