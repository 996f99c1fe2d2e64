package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Platform;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * errno numbers, names and messages, and the mapping from a failed call to the exception it raises
 * (PHP's {@code socket_strerror}, {@code socket_last_error}, {@code socket_clear_error}).
 *
 * <p>Messages come from {@code strerror_r(3)} (the XSI variant on every platform).
 */
public final class Errno {
    private Errno() {}

    /** The symbolic name of {@code errno} on this platform ({@code ECONNREFUSED}), or {@code E<n>}. No system call. */
    public static String name(int errno) {
        String n = Platform.current().table().errnoName(errno);
        return n != null ? n : "E" + errno;
    }

    /** The errno number for a symbolic name, or -1 where this platform has no such errno. No system call. */
    public static int number(String name) {
        return Platform.current().table().errno(name);
    }

    /** The C library's message for {@code errno} ({@code strerror_r}); PHP's {@code socket_strerror}. */
    public static String strerror(int errno) {
        MemorySegment buf = Scratch.get().text;
        if (LibC.strerror_r(errno, buf, buf.byteSize()) != 0) {
            return "Unknown error " + errno;
        }
        return buf.getString(0);
    }

    /**
     * The errno of the last call that failed on this thread, on any socket, 0 if none (PHP's
     * {@code socket_last_error()} without a socket). A non-blocking call that would have blocked
     * counts ({@code EAGAIN}, {@code EINPROGRESS}), as in PHP. No system call.
     */
    public static int lastError() {
        return Scratch.get().lastErrno;
    }

    /** Forgets this thread's last error (PHP's {@code socket_clear_error()} without a socket). */
    public static void clearError() {
        Scratch.get().lastErrno = 0;
    }

    static void recordLast(int errno) {
        Scratch.get().lastErrno = errno;
    }

    /** The exception for {@code operation} failing with {@code errno}: a JDK type where one fits. */
    static java.io.IOException exception(String operation, int errno) {
        recordLast(errno);
        ErrnoDetails d = ErrnoDetails.of(operation, errno);
        if (errno == Constants.ECONNREFUSED || (errno == Constants.ETIMEDOUT && operation.startsWith("connect"))) {
            return new NativeConnectException(d);
        }
        if (errno == Constants.EADDRINUSE || errno == Constants.EADDRNOTAVAIL) {
            return new NativeBindException(d);
        }
        if (errno == Constants.EHOSTUNREACH || errno == Constants.ENETUNREACH) {
            return new NativeNoRouteToHostException(d);
        }
        return new NativeSocketException(d);
    }

    /** The timeout exception for {@code operation}; records {@code errno} as this thread's last error. */
    static NativeSocketTimeoutException timeout(String operation, int errno) {
        recordLast(errno);
        return new NativeSocketTimeoutException(ErrnoDetails.of(operation, errno));
    }

    /** A failed call with no more specific JDK type. */
    public static final class NativeSocketException extends SocketException implements ErrnoException {
        private final ErrnoDetails details;

        NativeSocketException(ErrnoDetails details) {
            super(details.message());
            this.details = details;
        }

        @Override public ErrnoDetails details() { return details; }
    }

    /** {@code ECONNREFUSED}, or a connect that timed out in the kernel ({@code ETIMEDOUT}). */
    public static final class NativeConnectException extends ConnectException implements ErrnoException {
        private final ErrnoDetails details;

        NativeConnectException(ErrnoDetails details) {
            super(details.message());
            this.details = details;
        }

        @Override public ErrnoDetails details() { return details; }
    }

    /** {@code EADDRINUSE} or {@code EADDRNOTAVAIL}. */
    public static final class NativeBindException extends BindException implements ErrnoException {
        private final ErrnoDetails details;

        NativeBindException(ErrnoDetails details) {
            super(details.message());
            this.details = details;
        }

        @Override public ErrnoDetails details() { return details; }
    }

    /** {@code EHOSTUNREACH} or {@code ENETUNREACH}. */
    public static final class NativeNoRouteToHostException extends NoRouteToHostException implements ErrnoException {
        private final ErrnoDetails details;

        NativeNoRouteToHostException(ErrnoDetails details) {
            super(details.message());
            this.details = details;
        }

        @Override public ErrnoDetails details() { return details; }
    }

    /**
     * A blocking call ran out of time: {@code EAGAIN} under {@code SO_RCVTIMEO}/{@code SO_SNDTIMEO},
     * or {@link Socket#connect(java.net.SocketAddress, java.time.Duration)} whose time ran out
     * (errno {@code ETIMEDOUT} then).
     */
    public static final class NativeSocketTimeoutException extends SocketTimeoutException implements ErrnoException {
        private final ErrnoDetails details;

        NativeSocketTimeoutException(ErrnoDetails details) {
            super(details.message());
            this.details = details;
        }

        @Override public ErrnoDetails details() { return details; }
    }
}
