package dev.nativesockets.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Where io_uring is switched off, the ring says so and why; {@code kernel.io_uring_disabled} is restored. */
class UringUnavailableTest {
    private static final Path SYSCTL = Path.of("/proc/sys/kernel/io_uring_disabled");

    @Test
    void disabledBySysctlNamesTheCause() throws Exception {
        if (!Files.exists(SYSCTL)) {
            System.out.println("SKIP: no sysctl kernel.io_uring_disabled on this kernel (before 6.6)");
            Assumptions.abort("no sysctl kernel.io_uring_disabled");
        }
        String old = Files.readString(SYSCTL).strip();
        try {
            try {
                Files.writeString(SYSCTL, "2");
            } catch (IOException e) {
                System.out.println("SKIP: cannot write kernel.io_uring_disabled (needs root outside a container): " + e);
                Assumptions.abort("cannot write kernel.io_uring_disabled: " + e);
            }
            UringUnavailableException e = assertThrows(UringUnavailableException.class, () -> Uring.open(4));
            assertEquals("EPERM", e.errnoName());
            assertEquals("io_uring_setup", e.operation());
            assertTrue(e.getMessage().contains("kernel.io_uring_disabled=2"), e.getMessage());
            assertFalse(Uring.isSupported());
            assertThrows(UringUnavailableException.class, Uring::requireSupported);
        } finally {
            Files.writeString(SYSCTL, old);
        }
        assertEquals(old, Files.readString(SYSCTL).strip(), "restored");
        if ("0".equals(old)) {
            assertTrue(Uring.isSupported());
        }
    }
}
