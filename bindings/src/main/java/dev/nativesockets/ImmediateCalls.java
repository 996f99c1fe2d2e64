package dev.nativesockets;

import static dev.nativesockets.Checks.requireArg;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;

/**
 * The calls on one socket that never wait, so none of them goes through {@link SocketWait}:
 * naming ({@code bind(2)}, {@code listen(2)}, {@code getsockname(2)}, {@code getpeername(2)}),
 * {@code shutdown(2)}, {@code fcntl(O_NONBLOCK)}, and the reads of the socket's state
 * ({@code ioctl(FIONREAD)}, {@code sockatmark(3)}). Each is one system call on the socket's descriptor between
 * {@link Socket#acquire()} and {@link Socket#release()}, its errno turned into the socket's
 * exception by {@link Socket#fail} — the JDK's {@code sun.nio.ch.Net} for these calls.
 */
final class ImmediateCalls {
    private ImmediateCalls() {}

    /** {@link Socket#bind}: the address is checked and encoded before the call. */
    static void bind(Socket so, SocketAddress address) throws IOException {
        so.checkFamily(address);
        Scratch s = so.scratch();
        int len = Addresses.encode(address, s.addr, so.family());
        int fd = so.acquire();
        try {
            if (LibC.bind(s.cs, fd, s.addr, len) < 0) {
                throw so.fail("bind", s.errno());
            }
        } finally {
            so.release();
        }
    }

    /** {@link Socket#listen(int)}. */
    static void listen(Socket so, int backlog) throws IOException {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must not be negative: " + backlog);
        }
        Scratch s = so.scratch();
        int fd = so.acquire();
        try {
            if (LibC.listen(s.cs, fd, backlog) < 0) {
                throw so.fail("listen", s.errno());
            }
        } finally {
            so.release();
        }
    }

    /**
     * {@code getpeername(2)} if {@code peer}, else {@code getsockname(2)}: as a {@link SockAddr}
     * if {@code raw}, else decoded ({@link Addresses#decode}).
     */
    static SocketAddress name(Socket so, boolean peer, boolean raw) throws IOException {
        Scratch s = so.scratch();
        int fd = so.acquire();
        try {
            s.addrLen.set(ValueLayout.JAVA_INT, 0, Scratch.ADDR_SIZE);
            int r = peer ? LibC.getpeername(s.cs, fd, s.addr, s.addrLen) : LibC.getsockname(s.cs, fd, s.addr, s.addrLen);
            if (r < 0) {
                throw so.fail(peer ? "getpeername" : "getsockname", s.errno());
            }
            int len = Math.min(s.addrLen.get(ValueLayout.JAVA_INT, 0), Scratch.ADDR_SIZE);
            if (raw) {
                return SockAddr.fromSegment(s.addr, len);
            }
            return Addresses.decode(s.addr, len, false);
        } finally {
            so.release();
        }
    }

    /** {@link Socket#shutdown}: also wakes the socket's parked virtual threads. */
    static void shutdown(Socket so, How how) throws IOException {
        requireArg(how, "how");
        Scratch s = so.scratch();
        int fd = so.acquire();
        try {
            if (LibC.shutdown(s.cs, fd, how.value) < 0) {
                throw so.fail("shutdown", s.errno());
            }
            // a thread blocked in the kernel is woken by the shutdown; a parked one may not be: a
            // Unix socket with a full buffer is neither writable nor hung up after SHUT_WR, so no
            // edge comes. Parked calls retry and see what a blocked one would (EPIPE, or 0)
            so.waits().wakeAll();
        } finally {
            so.release();
        }
    }

    /** {@link Socket#setBlocking}: the mode and the flag change together in {@link SocketWait}. */
    static void setBlocking(Socket so, boolean on) throws IOException {
        Scratch s = so.scratch();
        int fd = so.acquire();
        try {
            so.waits().setBlocking(s, fd, on);
        } finally {
            so.release();
        }
    }

    /**
     * {@code fcntl(F_GETFL)} then, if it changes anything, {@code fcntl(F_SETFL)} with
     * {@code O_NONBLOCK} on or off. The caller holds the descriptor ({@code fd}) and keeps the
     * socket's blocking mode: {@link SocketWait} also sets the flag for a virtual thread's span.
     */
    static void setNonBlocking(Socket so, Scratch s, int fd, boolean nonBlocking) throws IOException {
        int flags = LibC.fcntl(s.cs, fd, Constants.F_GETFL, 0);
        if (flags < 0) {
            throw so.fail("fcntl(F_GETFL)", s.errno());
        }
        int next = nonBlocking ? flags | Constants.O_NONBLOCK : flags & ~Constants.O_NONBLOCK;
        if (next != flags && LibC.fcntl(s.cs, fd, Constants.F_SETFL, next) < 0) {
            throw so.fail("fcntl(F_SETFL)", s.errno());
        }
    }

    /** {@link Socket#available}: {@code ioctl(FIONREAD)}. */
    static int available(Socket so) throws IOException {
        Scratch s = so.scratch();
        int fd = so.acquire();
        try {
            if (LibC.ioctl(s.cs, fd, Constants.FIONREAD, s.value) < 0) {
                throw so.fail("ioctl(FIONREAD)", s.errno());
            }
            return s.value.get(ValueLayout.JAVA_INT, 0);
        } finally {
            so.release();
        }
    }

    /** {@link Socket#atMark}: {@code sockatmark(3)}. */
    static boolean atMark(Socket so) throws IOException {
        Scratch s = so.scratch();
        int fd = so.acquire();
        try {
            int r = LibC.sockatmark(s.cs, fd);
            if (r < 0) {
                throw so.fail("sockatmark", s.errno());
            }
            return r == 1;
        } finally {
            so.release();
        }
    }
}
