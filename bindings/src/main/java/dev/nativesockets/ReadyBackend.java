package dev.nativesockets;

import java.io.IOException;

/**
 * What {@link Readiness} needs of a kernel mechanism. Descriptor numbers passed in are held by the
 * caller ({@code acquire}d, or in their close path before {@code close(2)}); the backend holds its
 * own descriptors around each system call.
 */
interface ReadyBackend {
    String name();

    /** The kernel set's own descriptor: readable while it has events to report. */
    FdHandle descriptor();

    /** Adds {@code fd} with a {@link Readiness} interest; events carry {@code token}. */
    void add(int fd, int interest, long token) throws IOException;

    /** Replaces the interest (re-arming a one-shot). */
    void modify(int fd, int oldInterest, int interest, long token) throws IOException;

    /** Removes {@code fd}, ignoring failure: it may be gone already (a fired one-shot on kqueue). */
    void delete(int fd, int interest);

    /** Marks the calling thread as the one waiter (throws if another is). */
    void enter();

    void leave();

    /** Waits; {@code nanos} -1 is forever. Returns how many events are stored. */
    int waitEvents(long nanos) throws IOException;

    /** The cookie of stored event {@code i}; {@link Readiness#WAKE_TOKEN} for the wake-up. */
    long token(int i);

    /** The {@link Readiness} ready bits of stored event {@code i}. */
    int readyOps(int i);

    /** Makes a wait return; quiet once closed. */
    void wakeup();

    /** Consumes the wake-up that a wait reported. */
    void clearWakeup();

    void close();
}
