package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Platform;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * How a {@link Socket} makes connections: {@code accept(2)}/{@code accept4(2)} (a virtual
 * thread's with the descriptor {@code O_NONBLOCK} for its span, since accept takes no
 * {@code MSG_DONTWAIT}), and {@code connect(2)} plain (blocking or not), timed (non-blocking
 * {@code connect(2)}, {@code poll(2)} for {@code POLLOUT}, {@code SO_ERROR}), parked (a virtual
 * thread's, through {@link SocketWait}), and the back-off a Unix listener with a full backlog
 * needs ({@code EAGAIN}: nothing is in progress, so the connect is tried again every 10 ms). The
 * public calls and their contract are {@link Socket#connect(SocketAddress)},
 * {@link Socket#connect(SocketAddress, Duration)}, {@link Socket#finishConnect()} and
 * {@link Socket#accept(boolean)}.
 */
final class Connector {
    private Connector() {}

    private static final boolean LINUX = Platform.current().isLinux();

    /** {@link Socket#accept(boolean)}. */
    static Socket accept(Socket so, boolean nonBlocking) throws IOException {
        Scratch s = so.scratch();
        int fd = so.acquire();
        try {
            int c;
            if (so.blockingMode() && Thread.currentThread().isVirtual()) {
                // accept(2) has no per-call MSG_DONTWAIT: the descriptor is O_NONBLOCK while any
                // virtual thread's accept is in, and as the user set it otherwise
                so.waits().enterNonBlocking(s, fd);
                try {
                    long deadline = 0;
                    for (;;) {
                        int mark = so.waits().readyMark(Readiness.READ);
                        c = acceptOnce(s, fd, nonBlocking);
                        if (c >= 0 || !SocketWait.retryOrPark(true, s.errno())) {
                            break;
                        }
                        deadline = so.waits().awaitReady("accept", Readiness.READ, deadline, Constants.SO_RCVTIMEO, s.errno(), mark);
                        s = so.scratch(); // the park gave the lease back (see Scratch)
                    }
                } finally {
                    so.waits().leaveNonBlocking(s, fd);
                }
            } else {
                for (;;) {
                    c = acceptOnce(s, fd, nonBlocking);
                    if (c >= 0 || s.errno() != Constants.EINTR && !(SocketWait.isWouldBlock(s.errno()) && so.blockingMode() && so.waits().inNonBlockingSpan())) {
                        break;
                    }
                    if (s.errno() != Constants.EINTR) {
                        // a blocking accept met the O_NONBLOCK of a virtual thread's accept: wait, then retry
                        so.waits().awaitBlocking("accept", s, fd, Constants.POLLIN);
                    }
                }
            }
            if (c < 0) {
                int errno = s.errno();
                if (SocketWait.isWouldBlock(errno) && !so.blockingMode()) {
                    so.wouldBlock(errno);
                    return null;
                }
                throw so.failIo("accept", errno);
            }
            if (so.handle().isClosed()) {
                LibC.close(s.cs, c);
                throw new SocketClosedException("accept");
            }
            if (!LINUX) {
                // Darwin's accept inherits O_NONBLOCK from the listener: set exactly what was asked for
                LibC.fcntl(s.cs, c, Constants.F_SETFL, nonBlocking ? Constants.O_NONBLOCK : 0);
            }
            Socket accepted = SocketCreation.adopted(c, so.family(), so.rawType(), !LINUX);
            accepted.blockingModeSet(!nonBlocking);
            return accepted;
        } finally {
            so.release();
        }
    }

    private static int acceptOnce(Scratch s, int fd, boolean nonBlocking) {
        return LINUX
                ? LibC.accept4(s.cs, fd, MemorySegment.NULL, MemorySegment.NULL,
                        Constants.SOCK_CLOEXEC | (nonBlocking ? Constants.SOCK_NONBLOCK : 0))
                : LibC.accept(s.cs, fd, MemorySegment.NULL, MemorySegment.NULL);
    }

    /** A century: longer connect timeouts are cut to it (Duration.toMillis() would overflow). */
    private static final long MAX_CONNECT_SECONDS = 36_500L * 86_400;

    /** {@link Socket#connect(SocketAddress)}. */
    static boolean connect(Socket so, SocketAddress address) throws IOException {
        so.checkFamily(address);
        Scratch s = so.scratch();
        int len = Addresses.encode(address, s.addr, so.family());
        int fd = so.acquire();
        try {
            if (so.blockingMode() && Thread.currentThread().isVirtual()) {
                // SO_SNDTIMEO bounds a blocking Unix connect (Linux): the parked one too
                connectParked(so, s, fd, len, so.family() == Constants.AF_UNIX ? so.waits().timeoutDeadline(Constants.SO_SNDTIMEO) : Long.MAX_VALUE);
                return true;
            }
            if (LibC.connect(s.cs, fd, s.addr, len) == 0) {
                so.checkNotClosedDuring("connect");
                return true;
            }
            int errno = s.errno();
            if (errno == Constants.EINPROGRESS || (errno == Constants.EINTR && so.blockingMode())) {
                if (!so.blockingMode()) {
                    so.wouldBlock(errno);
                    return false;
                }
                // interrupted blocking connect goes on in the kernel: wait for it like a timed one
                awaitConnect(so, s, fd, -1);
                return true;
            }
            if (SocketWait.isWouldBlock(errno) && !so.blockingMode()) {
                so.wouldBlock(errno);
                return false; // Unix sockets with a full backlog
            }
            // a blocking Unix connect's EAGAIN: its SO_SNDTIMEO ran out (Linux), a timeout like any other
            throw so.family() == Constants.AF_UNIX ? so.failIo("connect", errno) : so.fail("connect", errno);
        } finally {
            so.release();
        }
    }

    /** {@link Socket#connect(SocketAddress, Duration)}. */
    static void connect(Socket so, SocketAddress address, Duration timeout) throws IOException {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        so.checkFamily(address);
        Scratch s = so.scratch();
        int len = Addresses.encode(address, s.addr, so.family());
        int fd = so.acquire();
        try {
            // the library's rule (WaitTimeout): 100 years or more is forever, which for a connect
            // is as long as the kernel keeps trying; a century of milliseconds cannot overflow
            long nanos = WaitTimeout.nanos(timeout);
            long millis = nanos < 0 ? MAX_CONNECT_SECONDS * 1000 : Math.max(1, timeout.toMillis());
            if (Thread.currentThread().isVirtual()) {
                connectParked(so, s, fd, len, System.nanoTime() + millis * 1_000_000);
                return;
            }
            boolean wasBlocking = so.blockingMode();
            so.setNonBlocking(s, fd, true);
            try {
                long deadline = System.nanoTime() + millis * 1_000_000;
                int errno;
                for (;;) {
                    if (LibC.connect(s.cs, fd, s.addr, len) == 0) {
                        return;
                    }
                    errno = s.errno();
                    if (!SocketWait.isWouldBlock(errno) || so.family() != Constants.AF_UNIX) {
                        break;
                    }
                    // a Unix listener with a full backlog: nothing is in progress, so try again shortly
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        so.recordError(Constants.ETIMEDOUT);
                        throw Errno.timeout("connect", Constants.ETIMEDOUT);
                    }
                    SocketWait.nap(s, (int) Math.min(left, 10));
                    if (so.handle().isClosed()) {
                        throw new SocketClosedException("connect");
                    }
                }
                if (errno != Constants.EINPROGRESS && errno != Constants.EINTR) {
                    throw so.fail("connect", errno);
                }
                awaitConnect(so, s, fd, Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } finally {
                if (wasBlocking) {
                    so.setNonBlocking(s, fd, false);
                }
            }
        } finally {
            so.release();
        }
    }

    /** {@link Socket#finishConnect()}. */
    static boolean finishConnect(Socket so) throws IOException {
        Scratch s = so.scratch();
        int fd = so.acquire();
        try {
            int ready = so.waits().pollOne(s, fd, Constants.POLLOUT, 0);
            if (ready == 0) {
                return false;
            }
            int err = soError(so, s, fd);
            if (err != 0) {
                throw so.fail("connect", err);
            }
            s.addrLen.set(ValueLayout.JAVA_INT, 0, Scratch.ADDR_SIZE);
            if (LibC.getpeername(s.cs, fd, s.addr, s.addrLen) < 0) {
                if (s.errno() == Constants.ENOTCONN) {
                    return false; // writable but not connected: a Unix connect that never started
                }
                throw so.fail("getpeername", s.errno());
            }
            return true;
        } finally {
            so.release();
        }
    }

    /**
     * A connect on a virtual thread: non-blocking {@code connect(2)} (the descriptor is
     * {@code O_NONBLOCK} for its span), the thread parked until the socket is writable or the
     * deadline passes, then {@code SO_ERROR}. A Unix listener with a full backlog is retried every
     * 10 ms (a sleep: it parks too), as the timed connect does.
     */
    private static void connectParked(Socket so, Scratch s, int fd, int len, long deadline) throws IOException {
        so.waits().enterNonBlocking(s, fd);
        try {
            int errno;
            for (;;) {
                if (LibC.connect(s.cs, fd, s.addr, len) == 0) {
                    so.checkNotClosedDuring("connect");
                    return;
                }
                errno = s.errno();
                if (errno == Constants.EINTR) {
                    continue;
                }
                if (!SocketWait.isWouldBlock(errno) || so.family() != Constants.AF_UNIX) {
                    break;
                }
                so.waits().checkDeadline("connect", deadline, Constants.ETIMEDOUT);
                so.waits().sleep("connect", 10);
                if (so.handle().isClosed()) {
                    throw new SocketClosedException("connect");
                }
            }
            if (errno != Constants.EINPROGRESS && errno != Constants.EALREADY) {
                throw so.fail("connect", errno);
            }
            for (int mark = so.waits().readyMark(Readiness.WRITE); so.waits().pollOne(s, fd, Constants.POLLOUT, 0) == 0; mark = so.waits().readyMark(Readiness.WRITE)) {
                so.waits().checkDeadline("connect", deadline, Constants.ETIMEDOUT);
                so.waits().park("connect", Readiness.WRITE, deadline, mark);
                s = so.scratch(); // the park gave the lease back (see Scratch)
            }
            int err = soError(so, s, fd);
            if (err != 0) {
                throw so.fail("connect", err);
            }
        } finally {
            so.waits().leaveNonBlocking(s, fd);
        }
    }

    private static void awaitConnect(Socket so, Scratch s, int fd, long timeoutMillis) throws IOException {
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000;
        for (;;) {
            long left = timeoutMillis < 0 ? -1 : Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
            int ready = so.waits().pollOne(s, fd, Constants.POLLOUT, (int) Math.min(left, Integer.MAX_VALUE));
            if (so.handle().isClosed()) {
                throw new SocketClosedException("connect");
            }
            if (ready > 0) {
                break;
            }
            so.waits().checkDeadline("connect", deadline, Constants.ETIMEDOUT);
        }
        int err = soError(so, s, fd);
        if (err != 0) {
            throw so.fail("connect", err);
        }
    }

    private static int soError(Socket so, Scratch s, int fd) throws IOException {
        s.valueLen.set(ValueLayout.JAVA_INT, 0, 4);
        if (LibC.getsockopt(s.cs, fd, Constants.SOL_SOCKET, Constants.SO_ERROR, s.value, s.valueLen) < 0) {
            throw so.fail("getsockopt(SOL_SOCKET, SO_ERROR)", s.errno());
        }
        return s.value.get(ValueLayout.JAVA_INT, 0);
    }
}
