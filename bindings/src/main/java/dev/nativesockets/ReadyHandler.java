package dev.nativesockets;

import java.io.IOException;

/**
 * Receives the registrations a {@link Readiness#await} found ready, one call per event, on the
 * waiting thread. A lambda that captures nothing (or a long-lived object) keeps the loop free of
 * allocation: the registration and the operations are handed over, never boxed or collected.
 */
@FunctionalInterface
public interface ReadyHandler {
    /**
     * @param registration the ready registration; its {@link Registration#attachment()} is what you attached
     * @param readyOps {@link Readiness#READ}, {@link Readiness#WRITE} (only those in its interest),
     *     with {@link Readiness#HANGUP} and {@link Readiness#ERROR} when the kernel says so
     * @throws IOException to end the wait with it; events not yet handed over are handed over by the next wait
     */
    void ready(Registration registration, int readyOps) throws IOException;
}
