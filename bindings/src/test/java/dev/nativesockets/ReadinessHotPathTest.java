package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A readiness loop allocates nothing per event in steady state: the thread's allocated-bytes
 * counter ({@code com.sun.management.ThreadMXBean}) over 100k events, an echo's recv and send in the
 * handler included, stays far below one object per event — as {@link HotPathTest} measures send/recv.
 *
 * <p>Measured in a JVM of its own ({@link ReadinessHotPathChild}): run after the other readiness
 * tests in one JVM, the echo through the loop sometimes compiled to code that allocates 40 bytes
 * per event, depending on the order in which the JIT compiled the shared send/recv paths (with
 * {@link HotPathTest} run first, or with a recording or compilation log on, it did not); the cause
 * is not yet known. A server's JVM has only its own profile, which the child reproduces.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadinessHotPathTest {

    private static long childBytes(String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Path.of(Socket.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + File.pathSeparator
                + Path.of(ReadinessHotPathChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", cp,
                ReadinessHotPathChild.class.getName(), mode).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(child.waitFor(240, TimeUnit.SECONDS), "child did not exit");
        } finally {
            child.destroyForcibly();
        }
        assumeTrue(child.exitValue() != 2, out);
        assertEquals(0, child.exitValue(), out);
        System.out.println("ReadinessHotPathTest " + mode + ": " + out);
        return Long.parseLong(out.substring(out.lastIndexOf("bytes=") + 6, out.indexOf(' ', out.lastIndexOf("bytes="))));
    }

    @Test
    void echoThroughTheLoopAllocatesNothingPerEvent() throws Exception {
        long bytes = childBytes("echo1");
        assertTrue(bytes < ReadinessHotPathChild.BOUND,
                "allocated " + bytes + " bytes over " + ReadinessHotPathChild.ROUNDS + " events");
    }

    @Test
    void manyEventsPerWaitAllocateNothing() throws Exception {
        long bytes = childBytes("echo8");
        assertTrue(bytes < ReadinessHotPathChild.BOUND * 8,
                "allocated " + bytes + " bytes over " + 8 * ReadinessHotPathChild.ROUNDS + " events");
    }
}
