package dev.nativesockets;

import java.time.Duration;

/**
 * The one rule for every {@link Duration} a wait takes (readiness sets, {@code Poller},
 * {@code Select}, {@code connect}, {@code recvMmsg}, {@code ZeroCopy.awaitCompletions}), checked
 * before any system call:
 *
 * <ul>
 *   <li>{@code null} waits forever (where the API allows it);</li>
 *   <li>a negative timeout is refused with {@link IllegalArgumentException};</li>
 *   <li>a timeout of {@link #FOREVER_FROM} (100 years) or more saturates: it waits forever, as
 *       {@code null} does — never an {@link ArithmeticException}, never a wait cut short;</li>
 *   <li>anything shorter is kept to the nanosecond where the system call can (else rounded up, so
 *       a wait never ends early), and a wait longer than one system call can take
 *       ({@code Integer.MAX_VALUE} ms, about 24.8 days, for {@code epoll_wait}/{@code poll}) is
 *       made of several.</li>
 * </ul>
 */
final class WaitTimeout {
    private WaitTimeout() {}

    /** Waits forever. */
    static final long FOREVER = -1;
    /**
     * From here on a timeout means "forever": 100 years, far below the 292 years at which
     * nanoseconds overflow a {@code long}, so {@code System.nanoTime() + nanos} and the
     * differences of such deadlines never overflow.
     */
    static final Duration FOREVER_FROM = Duration.ofDays(36_525);
    /** The longest wait one {@code int}-millisecond system call ({@code epoll_wait}, {@code poll}) can take, in nanoseconds. */
    static final long MAX_CALL_NANOS = Integer.MAX_VALUE * 1_000_000L;

    /** {@link #FOREVER} for {@code null} or a saturating timeout; otherwise 0 .. 100 years in nanoseconds. */
    static long nanos(Duration timeout) {
        if (timeout == null) {
            return FOREVER;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        if (timeout.compareTo(FOREVER_FROM) >= 0) {
            return FOREVER;
        }
        return timeout.toNanos();
    }

    /** The {@link System#nanoTime()} at which a wait of {@code nanos} ends; meaningless for {@link #FOREVER}. */
    static long deadline(long nanos) {
        return nanos < 0 ? 0 : System.nanoTime() + nanos;
    }

    /** Nanoseconds left until {@code deadline} (0 once passed), or {@link #FOREVER} if {@code nanos} was. */
    static long left(long nanos, long deadline) {
        return nanos < 0 ? FOREVER : Math.max(0, deadline - System.nanoTime());
    }

    /** Milliseconds for an {@code int} timeout argument, rounded up so a wait never ends early; -1 forever. */
    static int millisCeil(long nanos) {
        return nanos < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
    }
}
