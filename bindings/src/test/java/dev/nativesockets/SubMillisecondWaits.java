package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;

/**
 * Times waits given a sub-millisecond timeout, to see that the timeout reached the kernel as
 * given: not rounded down to 0 (a wait that returns before its timeout; the kernel never wakes a
 * timed-out wait early, so one such wait is proof) and not rounded up to 1 ms (a wait of 1 ms or
 * more, every time: one wait measured clearly under 1 ms is proof it was not). Noise only makes
 * waits longer, so the first check holds on any machine and the second retries until one wait
 * comes back early enough, for a few seconds.
 */
final class SubMillisecondWaits {
    private SubMillisecondWaits() {}

    /** One wait with the given timeout that expects nothing to be ready: returns the event count. */
    @FunctionalInterface
    interface Wait {
        int await(Duration timeout) throws IOException;
    }

    static final Duration TIMEOUT = Duration.ofNanos(200_000);
    /** A measured wait under this was not rounded up to 1 ms (margin below 1 ms for clock reads). */
    private static final long UNDER_ONE_MILLI = 900_000;

    /** Every timed-out wait lasted at least the timeout: nothing rounded it down to a poll. */
    static void assertNeverShorterThanTheTimeout(Wait w, int waits) throws IOException {
        long shortest = Long.MAX_VALUE;
        for (int i = 0; i < waits; i++) {
            long t0 = System.nanoTime();
            assertEquals(0, w.await(TIMEOUT), "nothing is ready: the wait times out");
            long took = System.nanoTime() - t0;
            shortest = Math.min(shortest, took);
            long shortBy = TIMEOUT.toNanos() - took;
            assertTrue(shortBy <= 0, "a wait of " + TIMEOUT.toNanos() / 1000 + " µs returned after " + took / 1000
                    + " µs: the timeout was cut short (rounded down?)");
        }
        System.out.println("SubMillisecondWaits: " + waits + " waits of " + TIMEOUT.toNanos() / 1000
                + " µs, shortest " + shortest / 1000 + " µs");
    }

    /** Some timed-out wait came back well under 1 ms: the timeout was not rounded up to 1 ms. */
    static void assertNotRoundedUpToAMillisecond(Wait w) throws IOException {
        long end = System.nanoTime() + 5_000_000_000L;
        long shortest = Long.MAX_VALUE;
        int tries = 0;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            assertEquals(0, w.await(TIMEOUT));
            long took = System.nanoTime() - t0;
            tries++;
            shortest = Math.min(shortest, took);
            if (took < UNDER_ONE_MILLI) {
                System.out.println("SubMillisecondWaits: a " + TIMEOUT.toNanos() / 1000 + " µs wait took "
                        + took / 1000 + " µs (try " + tries + ")");
                return;
            }
        }
        fail(tries + " waits of " + TIMEOUT.toNanos() / 1000 + " µs in 5 s, none under "
                + UNDER_ONE_MILLI / 1000 + " µs (shortest " + shortest / 1000 + " µs): rounded up to 1 ms");
    }
}
