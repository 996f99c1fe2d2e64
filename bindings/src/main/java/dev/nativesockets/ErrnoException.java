package dev.nativesockets;

/**
 * What every NativeSockets failure carries: the operation (the syscall or library call that
 * failed), the errno number, its symbolic name and the C library's text for it.
 *
 * <p>Implemented by exceptions that extend the JDK type a caller already catches
 * ({@link java.net.ConnectException}, {@link java.net.BindException},
 * {@link java.net.SocketTimeoutException}, …), so existing handlers keep working and new ones can
 * switch on {@link #errno()} or {@link #errnoName()}.
 */
public interface ErrnoException {
    /** Everything below in one value. */
    ErrnoDetails details();

    /** The failed call, e.g. {@code connect} or {@code setsockopt(SOL_SOCKET, SO_RCVBUF)}. */
    default String operation() {
        return details().operation();
    }

    /** The errno value, as the platform numbers it. */
    default int errno() {
        return details().errno();
    }

    /** The symbolic name, e.g. {@code ECONNREFUSED}; {@code E<number>} if the platform table lacks it. */
    default String errnoName() {
        return details().name();
    }

    /** The C library's message for the errno ({@code strerror_r}). */
    default String strerror() {
        return details().strerror();
    }
}
