package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nativesockets.internal.Descriptors;
import org.junit.jupiter.api.Test;

/**
 * The bridge that lets the Linux package hold descriptor owners is not API: on the class path,
 * where its package is reachable, anyone but the Linux package is refused (such a caller could
 * release a descriptor's count it never took, and free a number a ring operation still uses).
 */
class InternalAccessTest {
    @Test
    void onlyTheLinuxPackageGetsTheDescriptorAccess() {
        assertThrows(IllegalCallerException.class, Descriptors::get);
        assertThrows(IllegalCallerException.class, () -> Descriptors.install(null));
    }
}
