package dev.nativesockets.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** compare.sh's progress: the step, done of total and time left; one rewritten line on a terminal, plain lines in a log. */
class ProgressTest {
    @Test
    void aLogGetsOnePlainLinePerStepWithCountsAndTimeLeft() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        p.plan("tcp_rt_64 · nativesockets", 10);
        p.plan("tcp_rt_64 · channel", 10);
        p.plan("echo_loop same N=10,000", 80);
        p.start("tcp_rt_64 · nativesockets");
        p.done();
        p.start("tcp_rt_64 · channel");
        String log = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains("\r"), log);
        assertTrue(log.contains("[compare] 1/3 tcp_rt_64 · nativesockets"), log);
        assertTrue(log.contains("[compare] 2/3 tcp_rt_64 · channel"), log);
        assertTrue(log.contains(" left"), log);
        assertTrue(log.lines().count() >= 3, log);
    }

    @Test
    void aTerminalGetsOneLineRewrittenInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        p.plan("a", 1);
        p.plan("b", 1);
        p.start("a");
        p.done();
        p.start("b");
        p.done();
        p.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.chars().filter(c -> c == '\n').count(), "one line, ended once: " + out);
        assertTrue(out.contains("\r\033[K[compare] 2/2 b"), out);
        assertTrue(out.endsWith("all 2 steps done — " + out.substring(out.lastIndexOf("— ") + 2)), out);
    }

    @Test
    void theEstimateScalesTheRestByThePaceSoFar() {
        Progress p = new Progress(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
        p.plan("a", 10);
        p.plan("b", 30);
        p.start("a");
        p.done();
        // step a was planned at 10 s; had it taken 20 s, the 30 s left would take 60 s
        assertEquals("about 1m00s left", p.left(20));
        assertEquals("about 15s left", p.left(5));
        assertEquals("1h01m", Progress.clock(3660));
    }

    @Test
    void anUnplannedStepIsShownAndCounted() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        p.plan("a", 10);
        p.start("surprise");
        p.done();
        p.start("a");
        String log = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("1/2 surprise") && log.contains("2/2 a"), log);
    }
}
