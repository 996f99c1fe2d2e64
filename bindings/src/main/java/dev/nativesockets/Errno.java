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
 * <p>Messages come from {@code strerror_r(3)} (the XSI variant on every platform). The
 * {@code E*} constants hold the running platform's errno values (from the same table the probe test
 * checks against {@code <errno.h>}), so a caller compares {@code e.errno() == Errno.ECONNREFUSED}
 * without knowing that Linux and Darwin number it differently.
 */
public final class Errno {
    private Errno() {}

    // ---- errno values, as this platform numbers them (EAGAIN is 11 on Linux, 35 on Darwin), to
    // compare with ErrnoException.errno(), lastError() and what the raw option forms report.
    // An errno the platform lacks would hold Constants.UNSUPPORTED; every one listed here exists
    // on Linux and on Darwin. Errno.number(name) reaches any other errno the platform table knows.

    /** {@code EPERM} on this platform. */
    public static final int EPERM = Constants.EPERM;
    /** {@code ENOENT} on this platform. */
    public static final int ENOENT = Constants.ENOENT;
    /** {@code EINTR} on this platform. */
    public static final int EINTR = Constants.EINTR;
    /** {@code EIO} on this platform. */
    public static final int EIO = Constants.EIO;
    /** {@code EBADF} on this platform. */
    public static final int EBADF = Constants.EBADF;
    /** {@code EAGAIN} on this platform. */
    public static final int EAGAIN = Constants.EAGAIN;
    /** {@code EWOULDBLOCK} on this platform. */
    public static final int EWOULDBLOCK = Constants.EWOULDBLOCK;
    /** {@code ENOMEM} on this platform. */
    public static final int ENOMEM = Constants.ENOMEM;
    /** {@code EACCES} on this platform. */
    public static final int EACCES = Constants.EACCES;
    /** {@code EFAULT} on this platform. */
    public static final int EFAULT = Constants.EFAULT;
    /** {@code EINVAL} on this platform. */
    public static final int EINVAL = Constants.EINVAL;
    /** {@code ENFILE} on this platform. */
    public static final int ENFILE = Constants.ENFILE;
    /** {@code EMFILE} on this platform. */
    public static final int EMFILE = Constants.EMFILE;
    /** {@code ENOSPC} on this platform. */
    public static final int ENOSPC = Constants.ENOSPC;
    /** {@code EPIPE} on this platform. */
    public static final int EPIPE = Constants.EPIPE;
    /** {@code ENAMETOOLONG} on this platform. */
    public static final int ENAMETOOLONG = Constants.ENAMETOOLONG;
    /** {@code ENOSYS} on this platform. */
    public static final int ENOSYS = Constants.ENOSYS;
    /** {@code ENOTSOCK} on this platform. */
    public static final int ENOTSOCK = Constants.ENOTSOCK;
    /** {@code EDESTADDRREQ} on this platform. */
    public static final int EDESTADDRREQ = Constants.EDESTADDRREQ;
    /** {@code EMSGSIZE} on this platform. */
    public static final int EMSGSIZE = Constants.EMSGSIZE;
    /** {@code EPROTOTYPE} on this platform. */
    public static final int EPROTOTYPE = Constants.EPROTOTYPE;
    /** {@code ENOPROTOOPT} on this platform. */
    public static final int ENOPROTOOPT = Constants.ENOPROTOOPT;
    /** {@code EPROTONOSUPPORT} on this platform. */
    public static final int EPROTONOSUPPORT = Constants.EPROTONOSUPPORT;
    /** {@code ESOCKTNOSUPPORT} on this platform. */
    public static final int ESOCKTNOSUPPORT = Constants.ESOCKTNOSUPPORT;
    /** {@code EOPNOTSUPP} on this platform. */
    public static final int EOPNOTSUPP = Constants.EOPNOTSUPP;
    /** {@code ENOTSUP} on this platform. */
    public static final int ENOTSUP = Constants.ENOTSUP;
    /** {@code EAFNOSUPPORT} on this platform. */
    public static final int EAFNOSUPPORT = Constants.EAFNOSUPPORT;
    /** {@code EADDRINUSE} on this platform. */
    public static final int EADDRINUSE = Constants.EADDRINUSE;
    /** {@code EADDRNOTAVAIL} on this platform. */
    public static final int EADDRNOTAVAIL = Constants.EADDRNOTAVAIL;
    /** {@code ENETDOWN} on this platform. */
    public static final int ENETDOWN = Constants.ENETDOWN;
    /** {@code ENETUNREACH} on this platform. */
    public static final int ENETUNREACH = Constants.ENETUNREACH;
    /** {@code ECONNABORTED} on this platform. */
    public static final int ECONNABORTED = Constants.ECONNABORTED;
    /** {@code ECONNRESET} on this platform. */
    public static final int ECONNRESET = Constants.ECONNRESET;
    /** {@code ENOBUFS} on this platform. */
    public static final int ENOBUFS = Constants.ENOBUFS;
    /** {@code EISCONN} on this platform. */
    public static final int EISCONN = Constants.EISCONN;
    /** {@code ENOTCONN} on this platform. */
    public static final int ENOTCONN = Constants.ENOTCONN;
    /** {@code ESHUTDOWN} on this platform. */
    public static final int ESHUTDOWN = Constants.ESHUTDOWN;
    /** {@code ETIMEDOUT} on this platform. */
    public static final int ETIMEDOUT = Constants.ETIMEDOUT;
    /** {@code ECONNREFUSED} on this platform. */
    public static final int ECONNREFUSED = Constants.ECONNREFUSED;
    /** {@code EHOSTUNREACH} on this platform. */
    public static final int EHOSTUNREACH = Constants.EHOSTUNREACH;
    /** {@code EALREADY} on this platform. */
    public static final int EALREADY = Constants.EALREADY;
    /** {@code EINPROGRESS} on this platform. */
    public static final int EINPROGRESS = Constants.EINPROGRESS;
    /** {@code ENODEV} on this platform. */
    public static final int ENODEV = Constants.ENODEV;
    /** {@code ENXIO} on this platform. */
    public static final int ENXIO = Constants.ENXIO;
    /** {@code ENOTTY} on this platform. */
    public static final int ENOTTY = Constants.ENOTTY;
    /** {@code EEXIST} on this platform. */
    public static final int EEXIST = Constants.EEXIST;

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
        Scratch.enterCall(); // also outside a call: a virtual thread gives its lease back after
        try {
            MemorySegment buf = Scratch.get().text;
            if (LibC.strerror_r(errno, buf, buf.byteSize()) != 0) {
                return "Unknown error " + errno;
            }
            return buf.getString(0);
        } finally {
            Scratch.exitCall();
        }
    }

    /**
     * The errno of the last call that failed on this thread, on any socket, 0 if none (PHP's
     * {@code socket_last_error()} without a socket). A non-blocking call that would have blocked
     * counts ({@code EAGAIN}, {@code EINPROGRESS}), as in PHP. No system call.
     */
    public static int lastError() {
        return lastHolder()[0];
    }

    /** Forgets this thread's last error (PHP's {@code socket_clear_error()} without a socket). */
    public static void clearError() {
        lastHolder()[0] = 0;
    }

    static void recordLast(int errno) {
        lastHolder()[0] = errno;
    }

    /**
     * A virtual thread's last errno: on the heap, not in its {@link Scratch}, which is only leased
     * for a call and then another thread's.
     */
    private static final ThreadLocal<int[]> VIRTUAL_LAST = new ThreadLocal<>();

    private static int[] lastHolder() {
        if (!Thread.currentThread().isVirtual()) {
            return Scratch.get().lastErrnoHolder;
        }
        int[] h = VIRTUAL_LAST.get();
        if (h == null) {
            h = new int[1];
            VIRTUAL_LAST.set(h);
        }
        return h;
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
