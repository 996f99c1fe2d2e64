package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Pollfd;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * How every call on one {@link Socket} waits, in one place: a call that cannot go on at once
 * either returns would-block (non-blocking mode, {@code MSG_DONTWAIT}), blocks in the kernel (a
 * platform thread in blocking mode), or — a virtual thread in blocking mode — is issued
 * non-blocking and parks on the socket's {@link VirtualWait} until ready. Every waiting call
 * (accept, connect, each send and receive form, readv/writev, sendMsg/recvMsg, the mmsg family)
 * has the same shape around its system call:
 *
 * <pre>{@code
 * boolean parks = socket.parks(flags);
 * for (long deadline = 0;;) {
 *     int mark = waits.readyMark(ops);            // before the attempt: no edge is lost
 *     n = call(flags | (parks ? MSG_DONTWAIT : 0));
 *     if (n >= 0 || !SocketWait.retryOrPark(parks, errno)) break;
 *     deadline = waits.awaitReady(op, ops, deadline, SO_RCVTIMEO or SO_SNDTIMEO, errno, mark);
 * }
 * }</pre>
 *
 * The deadline rule lives here too: a parked call honours {@code SO_RCVTIMEO}/{@code SO_SNDTIMEO}
 * as the kernel would (cached, see {@link #timeoutDeadline}), and a connect its own timeout
 * ({@link #checkDeadline}). So a new way to wait (a completion ring) changes this class, not
 * every call. No allocation and no virtual call on any path: the confined platform-thread call
 * never reaches this class at all.
 *
 * <p>Holds the socket's virtual-thread state: its {@link VirtualWait} (made on the first park),
 * the timeout cache and its epoch, and how many virtual threads' accepts or connects have the
 * descriptor {@code O_NONBLOCK} (the interrupt rule is in {@link #park}).
 */
final class SocketWait {
    private final Socket socket;
    private final FdHandle handle;
    /** Where virtual threads park on this socket; made when one first has to wait. */
    private volatile VirtualWait virtualWait;
    /**
     * SO_RCVTIMEO / SO_SNDTIMEO in nanoseconds as a parked call needs them (0: none), read from the
     * kernel on first need and again after any SOL_SOCKET option is set through this socket;
     * -1: not known. A parked call then costs no getsockopt(2).
     */
    private volatile long rcvTimeoutNanos = -1;
    private volatile long sndTimeoutNanos = -1;
    /**
     * Moved by every SOL_SOCKET setsockopt(2) once done, so that a racing cache store is undone
     * (see timeoutDeadline); written under {@code this}, read without it.
     */
    private volatile int timeoutEpoch;
    /** Virtual threads whose accept or connect has the descriptor O_NONBLOCK; guarded by {@code this}. */
    private int nonBlockingUsers;

    SocketWait(Socket socket, FdHandle handle) {
        this.socket = socket;
        this.handle = handle;
    }

    static boolean isWouldBlock(int errno) {
        return errno == Constants.EAGAIN || errno == Constants.EWOULDBLOCK;
    }

    /**
     * After a failed attempt: whether to go round again — retried at once on EINTR, or (for a call
     * that {@code parks}, see {@link Socket#parks}) after {@link #awaitReady} on would-block.
     */
    static boolean retryOrPark(boolean parks, int errno) {
        return errno == Constants.EINTR || parks && isWouldBlock(errno);
    }

    // ---- O_NONBLOCK spans (accept and connect take no MSG_DONTWAIT) ----------------------------

    synchronized void enterNonBlocking(Scratch s, int fd) throws IOException {
        if (nonBlockingUsers == 0) {
            socket.setNonBlocking(s, fd, true);
        }
        nonBlockingUsers++;
    }

    synchronized void leaveNonBlocking(Scratch s, int fd) throws IOException {
        // closed during the call (an interrupt closes a virtual thread's socket): nothing to restore,
        // and a confined socket's number is already released — fcntl could reach another descriptor
        if (--nonBlockingUsers == 0 && socket.blockingMode() && !handle.isClosed()) {
            socket.setNonBlocking(s, fd, false);
        }
    }

    /**
     * {@link Socket#setBlocking}: switches {@code O_NONBLOCK} unless a virtual thread's span has it
     * on (its last leave restores the mode then), and records the mode, both under the span's lock.
     */
    synchronized void setBlocking(Scratch s, int fd, boolean on) throws IOException {
        if (!on || nonBlockingUsers == 0) {
            socket.setNonBlocking(s, fd, !on);
        }
        socket.blockingModeSet(on);
    }

    /** Whether a platform thread's blocking call can meet {@code O_NONBLOCK} set by a virtual thread's span. */
    boolean inNonBlockingSpan() {
        return nonBlockingUsers > 0; // a racy read: the caller only decides whether to poll and retry
    }

    /**
     * A blocking call on a platform thread that met a virtual thread's {@code O_NONBLOCK}: waits in
     * {@code poll(2)} until ready, then the caller retries.
     *
     * @throws SocketClosedException if the socket was closed meanwhile
     */
    void awaitBlocking(String op, Scratch s, int fd, int events) throws IOException {
        pollOne(s, fd, events, -1);
        if (handle.isClosed()) {
            throw new SocketClosedException(op);
        }
    }

    // ---- virtual threads ------------------------------------------------------------------------

    /**
     * Parks the calling virtual thread until the socket is ready for {@code ops}, and returns the
     * deadline for the next round. {@code deadline} 0 means "not known yet": the timeout option
     * ({@code SO_RCVTIMEO}/{@code SO_SNDTIMEO}, 0 for none) is read then, so a timeout keeps its
     * meaning on a virtual thread. Past the deadline it throws the timeout the kernel would have
     * reported. {@code errno} of {@code EINTR} returns at once: the caller retries.
     *
     * @throws SocketClosedException if the socket was closed meanwhile, or — the rule for virtual
     *     threads, as the JDK's sockets have it — the thread was interrupted while parked, which
     *     closes the socket (the interrupt status stays set)
     */
    long awaitReady(String op, int ops, long deadline, int timeoutName, int errno, int mark) throws IOException {
        if (errno == Constants.EINTR) {
            return deadline;
        }
        if (deadline == 0) {
            deadline = timeoutDeadline(timeoutName);
        } else {
            checkDeadline(op, deadline, Constants.EAGAIN);
        }
        park(op, ops, deadline, mark);
        return deadline;
    }

    /**
     * The one deadline rule: past {@code deadline} ({@link System#nanoTime()}; {@link Long#MAX_VALUE}
     * for none) the call times out with {@code errno} recorded ({@code EAGAIN} as the kernel's
     * {@code SO_RCVTIMEO}/{@code SO_SNDTIMEO} reports it, {@code ETIMEDOUT} for a connect).
     */
    void checkDeadline(String op, long deadline, int errno) throws IOException {
        if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0) {
            socket.recordError(errno);
            throw Errno.timeout(op, errno);
        }
    }

    /**
     * The readiness mark for {@code ops} ({@link VirtualWait#mark}) to take <em>before</em> a call
     * that may fail with would-block, and to hand to {@link #awaitReady} after it: the park is
     * skipped if an edge came in between. 0 before the socket's first park (see {@link #park}).
     */
    int readyMark(int ops) {
        VirtualWait w = virtualWait;
        return w == null ? 0 : w.mark(ops);
    }

    /**
     * Parks until ready for {@code ops} (an edge since {@code mark}) or the deadline; then a close
     * or an interrupt throws (see {@link #awaitReady}). The caller holds a call in flight, so the
     * descriptor is ours while the first park registers it.
     */
    void park(String op, int ops, long deadline, int mark) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw closedByInterrupt(op);
        }
        VirtualWait w = virtualWait;
        if (w == null) {
            synchronized (this) {
                w = virtualWait;
                if (w == null) {
                    try {
                        // a mark of 0 stays right: the registration starts at 0 and its edge-triggered
                        // add reports whatever is ready already, so nothing since the failed call is lost
                        virtualWait = w = VirtualWait.register(handle);
                    } catch (IllegalStateException closed) {
                        throw new SocketClosedException(op);
                    }
                }
            }
        }
        w.await(ops, mark, deadline);
        if (handle.isClosed()) {
            throw new SocketClosedException(op);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw closedByInterrupt(op);
        }
    }

    /** Sleeps a parked connect's back-off; an interrupt closes the socket as a park's does. */
    void sleep(String op, int millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw closedByInterrupt(op);
        }
    }

    private SocketClosedException closedByInterrupt(String op) {
        socket.close();
        return new SocketClosedException(op, true);
    }

    /** After {@link Socket#close()} or a {@code shutdown(2)}: parked virtual threads retry and see what a blocked call would. */
    void wakeAll() {
        VirtualWait w = virtualWait;
        if (w != null) {
            w.wakeAll();
        }
    }

    // ---- the timeout cache ------------------------------------------------------------------------

    /** A SOL_SOCKET option is being set: the timeouts a parked call uses are read again next time. */
    void forgetTimeouts(int level) {
        if (level == Constants.SOL_SOCKET) {
            rcvTimeoutNanos = -1;
            sndTimeoutNanos = -1;
        }
    }

    /**
     * A SOL_SOCKET option was set (or failed to be): a reader of the timeouts that raced the
     * setsockopt(2) may be about to store what it read before it, so first move the epoch (the
     * reader checks it after its store and undoes a store that raced) and then forget again. See
     * {@link #timeoutDeadline}.
     */
    void timeoutsChanged(int level) {
        if (level == Constants.SOL_SOCKET) {
            synchronized (this) { // setters are rare: a lock, not an atomic, keeps the increments whole
                timeoutEpoch++;
            }
            forgetTimeouts(level);
        }
    }

    /** {@link System#nanoTime()} when a call waiting under {@code SO_RCVTIMEO}/{@code SO_SNDTIMEO} times out; {@link Long#MAX_VALUE} for none. */
    long timeoutDeadline(int timeoutName) throws IOException {
        boolean rcv = timeoutName == Constants.SO_RCVTIMEO;
        long t = rcv ? rcvTimeoutNanos : sndTimeoutNanos;
        if (t < 0) {
            // coherent with the kernel under any interleaving with setOption: a setter moves the
            // epoch after its setsockopt(2) and then clears the cache. If the epoch is the same
            // after the store, either the setter's clear comes later or its setsockopt came
            // before the getsockopt below; if it moved, this read may be stale, so it is undone
            int epoch = timeoutEpoch;
            Duration d = socket.getOption(rcv ? NativeOptions.SO_RCVTIMEO : NativeOptions.SO_SNDTIMEO);
            // the one timeout rule (WaitTimeout): 100 years or more is forever (0 here), so a
            // kernel value past Duration.toNanos()'s 292 years never overflows into the call
            long nanos = WaitTimeout.nanos(d);
            t = nanos == WaitTimeout.FOREVER ? 0 : nanos;
            if (rcv) {
                rcvTimeoutNanos = t;
            } else {
                sndTimeoutNanos = t;
            }
            if (timeoutEpoch != epoch) {
                forgetTimeouts(Constants.SOL_SOCKET); // this call still uses t: it is as new as the call
            }
        }
        if (t == 0) {
            return Long.MAX_VALUE;
        }
        long d = System.nanoTime() + t;
        return d == 0 || d == Long.MAX_VALUE ? d + 1 : d;
    }

    // ---- poll(2) on the socket's own descriptor -------------------------------------------------

    /** poll(2) on one descriptor; EINTR counts as "not ready yet". */
    int pollOne(Scratch s, int fd, int events, int timeoutMillis) throws IOException {
        MemorySegment pollfd = s.pollfd();
        Pollfd.FD.set(pollfd, fd);
        Pollfd.EVENTS.set(pollfd, events);
        Pollfd.REVENTS.set(pollfd, 0);
        int r = LibC.poll(s.cs, pollfd, 1, timeoutMillis);
        if (r < 0) {
            if (s.errno() == Constants.EINTR) {
                return 0;
            }
            throw socket.fail("poll", s.errno());
        }
        return r;
    }

    /** Sleeps without a monitor or an interrupt: {@code poll(2)} on one ignored entry (fd -1). */
    static void nap(Scratch s, int millis) {
        MemorySegment pollfd = s.pollfd();
        Pollfd.FD.set(pollfd, -1);
        Pollfd.EVENTS.set(pollfd, 0);
        LibC.poll(s.cs, pollfd, 1, millis);
    }
}
