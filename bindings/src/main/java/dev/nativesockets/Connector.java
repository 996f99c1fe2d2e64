package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * How a {@link Socket} connects: {@code connect(2)} plain (blocking or not), timed (non-blocking
 * {@code connect(2)}, {@code poll(2)} for {@code POLLOUT}, {@code SO_ERROR}), parked (a virtual
 * thread's, through {@link SocketWait}), and the back-off a Unix listener with a full backlog
 * needs ({@code EAGAIN}: nothing is in progress, so the connect is tried again every 10 ms). The
 * public calls and their contract are {@link Socket#connect(SocketAddress)},
 * {@link Socket#connect(SocketAddress, Duration)} and {@link Socket#finishConnect()}.
 */
final class Connector {
    private Connector() {}

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
