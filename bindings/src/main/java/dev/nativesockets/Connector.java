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
        int mode = SocketWait.mode(so, 0);
        // a blocking accept can meet a virtual accept's O_NONBLOCK span after it entered the
        // kernel: the EAGAIN it then gets at SO_RCVTIMEO is indistinguishable from the span's, so
        // its deadline is fixed here, before the first attempt, and the poll(2) wait that follows
        // an EAGAIN ends there rather than a second SO_RCVTIMEO later (not the hot path: one
        // nanoTime per accept, the option cached)
        long firstDeadline = mode == SocketWait.BLOCK ? so.waits().timeoutDeadline(Constants.SO_RCVTIMEO) : 0;
        int fd = so.acquire();
        try {
            int c;
            if (mode == SocketWait.PARK) {
                // accept(2) has no per-call MSG_DONTWAIT: the descriptor is O_NONBLOCK while any
                // virtual thread's accept is in, and as the user set it otherwise
                so.waits().enterNonBlocking(s, fd);
            }
            try {
                for (long deadline = firstDeadline;;) {
                    int mark = so.waits().readyMark(mode, Readiness.READ);
                    c = acceptOnce(s, fd, nonBlocking);
                    if (c >= 0 || (deadline = so.waits().retry(mode, "accept", Readiness.READ, fd, deadline, s.errno(), mark)) == SocketWait.DONE) {
                        break;
                    }
                    s = so.scratch(); // a park gave the lease back (see Scratch)
                }
            } finally {
                if (mode == SocketWait.PARK) {
                    so.waits().leaveNonBlocking(s, fd);
                }
            }
            if (c < 0) {
                SocketWait.failed(so, mode, "accept", s.errno()); // throws unless would-block
                return null;
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
        int mode = SocketWait.mode(so, 0);
        int fd = so.acquire();
        try {
            if (mode == SocketWait.PARK || mode == SocketWait.BLOCK && so.family() == Constants.AF_UNIX) {
                // a parked connect, or a blocking Unix one: the kernel's wait for room on a full
                // listener is not ended by close(), so it is waited out here. SO_SNDTIMEO bounds
                // a blocking Unix connect (Linux), this one too
                connectWaiting(so, s, fd, len, mode,
                        so.family() == Constants.AF_UNIX ? so.waits().timeoutDeadline(Constants.SO_SNDTIMEO) : Long.MAX_VALUE);
                return true;
            }
            if (LibC.connect(s.cs, fd, s.addr, len) == 0) {
                so.checkNotClosedDuring("connect");
                return true;
            }
            int errno = s.errno();
            if (mode == SocketWait.NOW) {
                if (errno == Constants.EINPROGRESS || SocketWait.isWouldBlock(errno)) {
                    so.wouldBlock(errno); // EAGAIN: a Unix listener's full backlog
                    return false;
                }
                throw so.fail("connect", errno);
            }
            if (errno != Constants.EINPROGRESS && errno != Constants.EINTR) {
                throw so.fail("connect", errno);
            }
            // an interrupted blocking connect goes on in the kernel: wait for it like a timed one
            so.waits().awaitReadyFor("connect", SocketWait.BLOCK, fd, Readiness.WRITE, Long.MAX_VALUE, Constants.ETIMEDOUT);
            checkSoError(so, so.scratch(), fd);
            return true;
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
        // waits whatever the socket's mode: parked on a virtual thread, in poll(2) on a platform one
        int mode = Thread.currentThread().isVirtual() ? SocketWait.PARK : SocketWait.BLOCK;
        int fd = so.acquire();
        try {
            // the library's rule (WaitTimeout): 100 years or more is forever, which for a connect
            // is as long as the kernel keeps trying; a century of milliseconds cannot overflow
            long nanos = WaitTimeout.nanos(timeout);
            long millis = nanos < 0 ? MAX_CONNECT_SECONDS * 1000 : Math.max(1, timeout.toMillis());
            connectWaiting(so, s, fd, len, mode, System.nanoTime() + millis * 1_000_000);
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
     * A connect that waits in {@code mode} ({@link SocketWait#PARK} or {@link SocketWait#BLOCK})
     * until {@code deadline} ({@link Long#MAX_VALUE}: none): non-blocking {@code connect(2)} (the
     * descriptor is {@code O_NONBLOCK} for its span), a Unix listener with a full backlog retried
     * every 10 ms ({@link SocketWait#backOff}), a connect in progress waited for until writable
     * ({@link SocketWait#awaitReadyFor}), then {@code SO_ERROR}. A close from another thread ends
     * every wait with {@link SocketClosedException}.
     */
    private static void connectWaiting(Socket so, Scratch s, int fd, int len, int mode, long deadline) throws IOException {
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
                // a sleep or a nap, not a park: the thread keeps its scratch, and the address in it
                so.waits().backOff("connect", mode, deadline);
            }
            if (errno != Constants.EINPROGRESS && errno != Constants.EALREADY) {
                throw so.fail("connect", errno);
            }
            so.waits().awaitReadyFor("connect", mode, fd, Readiness.WRITE, deadline, Constants.ETIMEDOUT);
            s = so.scratch(); // a park gave the lease back (see Scratch)
            checkSoError(so, s, fd);
        } finally {
            so.waits().leaveNonBlocking(so.scratch(), fd);
        }
    }

    private static void checkSoError(Socket so, Scratch s, int fd) throws IOException {
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
