package dev.nativesockets;

import java.time.Duration;

/** Turns a wait's {@link Duration} into nanoseconds, checked before any system call. */
final class WaitTimeout {
    private WaitTimeout() {}

    /** Waits forever. */
    static final long FOREVER = -1;
    /**
     * The longest finite wait: {@code Integer.MAX_VALUE} milliseconds (about 24.8 days), what
     * {@code epoll_wait(2)} can be given. A longer one is refused rather than silently cut short
     * or overflowed; {@code null} waits forever.
     */
    static final Duration MAX = Duration.ofMillis(Integer.MAX_VALUE);

    /** {@code null} gives {@link #FOREVER}; otherwise 0 .. MAX in nanoseconds. */
    static long nanos(Duration timeout) {
        if (timeout == null) {
            return FOREVER;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        if (timeout.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("timeout " + timeout + " exceeds the longest wait, " + MAX
                    + "; pass null to wait without a limit");
        }
        return timeout.toNanos();
    }

    /** Milliseconds for an {@code int} timeout argument, rounded up so a wait never ends early. */
    static int millisCeil(long nanos) {
        return nanos < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
    }
}
