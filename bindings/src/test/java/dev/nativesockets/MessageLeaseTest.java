package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A virtual thread's {@link MessageStaging.Buffers} is a lease for one message call (issue 23): it
 * must never be shared by two threads on one carrier, also while one of them is parked in the
 * middle of its call with its {@code msghdr}, {@code iovec}s and control staged. Runs
 * {@link MessageLeaseChild} in a JVM with one carrier and checks every byte and every passed
 * descriptor of every message. A lease handed back before the park (or a pool that gave one entry
 * to two borrowers) fails it: the parked receiver's retry then reads the iovec another thread
 * staged over its own, and its payload lands in the other's message.
 */
@Tag("reliability")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MessageLeaseTest {
    @Test
    void messageCallsOnOneCarrierNeverShareTheirStagedBuffers() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Path.of(Socket.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + File.pathSeparator
                + Path.of(MessageLeaseChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1",
                "-cp", cp, MessageLeaseChild.class.getName())
                .redirectErrorStream(true).start();
        try {
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            child.waitFor(60, TimeUnit.SECONDS);
            assertEquals("OK " + MessageLeaseChild.PAIRS * MessageLeaseChild.ROUNDS, out.lines().reduce((a, b) -> b).orElse(""), out);
        } finally {
            child.destroyForcibly();
        }
    }
}
