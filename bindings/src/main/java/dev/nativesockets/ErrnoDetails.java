package dev.nativesockets;

/**
 * The facts of one failed call, as every {@link ErrnoException} carries them.
 *
 * @param operation the failed call, e.g. {@code connect}
 * @param errno     the errno (or {@code EAI_*} code) as the platform numbers it
 * @param name      its symbolic name, e.g. {@code ECONNREFUSED}
 * @param strerror  the C library's message for it
 */
public record ErrnoDetails(String operation, int errno, String name, String strerror) {
    /** The details of {@code operation} failing with {@code errno}, named and described by libc. */
    static ErrnoDetails of(String operation, int errno) {
        return new ErrnoDetails(operation, errno, Errno.name(errno), Errno.strerror(errno));
    }

    /** {@code operation: NAME (n): text}, the message of every NativeSockets exception. */
    String message() {
        return operation + ": " + name + " (" + errno + "): " + strerror;
    }
}
