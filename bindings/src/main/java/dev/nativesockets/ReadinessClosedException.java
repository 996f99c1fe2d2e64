package dev.nativesockets;

import java.io.IOException;

/**
 * A {@link Readiness#await} that was under way when another thread closed the readiness set: the
 * wait was woken and ended with this. A wait <em>started</em> on a closed set raises
 * {@link IllegalStateException} instead, before any system call.
 */
public final class ReadinessClosedException extends IOException {
    ReadinessClosedException() {
        super("wait: readiness set closed by another thread");
    }
}
