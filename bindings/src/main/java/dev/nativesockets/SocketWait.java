package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Pollfd;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * How every call on one {@link Socket} waits, in one place. A call asks {@link #mode} once, before
 * its first attempt, which of three ways it waits:
 * <ul>
 *   <li>{@link #NOW} — it cannot wait (non-blocking mode, or {@code MSG_DONTWAIT}): the attempt
 *       carries {@code MSG_DONTWAIT} (so it may be a critical downcall), would-block is its
 *       result ({@link Socket#WOULD_BLOCK}, {@code null} for accept, with the errno recorded);</li>
 *   <li>{@link #PARK} — a virtual thread in blocking mode: attempts carry {@code MSG_DONTWAIT}
 *       (or the descriptor is {@code O_NONBLOCK} for the span of an accept or connect), and on
 *       would-block the thread parks on the socket's {@link VirtualWait} until ready;</li>
 *   <li>{@link #BLOCK} — a platform thread in blocking mode: the kernel blocks; would-block is
 *       the kernel's {@code SO_RCVTIMEO}/{@code SO_SNDTIMEO} running out (a timeout), or a
 *       virtual thread's {@code O_NONBLOCK} span met meanwhile, waited out in {@code poll(2)}.</li>
 * </ul>
 * Every waiting call (accept, each send and receive form, readv/writev, sendMsg/recvMsg, the mmsg
 * family) is the same loop around its own attempt; everything after a failed attempt is
 * {@link #retry} and {@link #failed}:
 *
 * <pre>{@code
 * int mode = SocketWait.mode(so, flags);
 * int g = SocketWait.callFlags(mode, flags);     // MSG_DONTWAIT unless BLOCK
 * for (long deadline = 0;;) {
 *     int mark = waits.readyMark(mode, ops);      // before the attempt: no edge is lost
 *     n = attempt(g);                              // BLOCK may use the plain downcall
 *     if (n >= 0 || (deadline = waits.retry(mode, op, ops, fd, deadline, errno, mark)) == DONE) break;
 *     cs = so.callState();                         // a park gave the leased scratch back
 * }
 * if (n < 0) return SocketWait.failed(so, mode, op, errno);   // WOULD_BLOCK, or throws
 * }</pre>
 *
 * The loop is written out once per call family, around a plain downcall (a lambda per attempt
 * would allocate or go megamorphic): {@code SendReceive.transfer} (recv/send, the hot path),
 * {@code SendReceive.addressed} (recvfrom/sendto), {@code MessageStaging.call} (every message
 * syscall) and {@code Connector.accept}. Connecting, whose wait is "until writable, then
 * {@code SO_ERROR}" with a back-off for a Unix listener's full backlog, uses {@link #backOff} and
 * {@link #awaitReadyFor} with the same modes; a {@link #BLOCK} connect to a Unix listener waits
 * that way too, since the kernel's own wait for room is not ended by {@code close()}.
 * The deadline rule lives here too: a waiting call honours {@code SO_RCVTIMEO}/{@code SO_SNDTIMEO}
 * as the kernel would (cached, see {@link #timeoutDeadline}), and a connect its own timeout
 * ({@link #checkDeadline}). So a new way to wait (a completion ring) is a new mode here and a
 * branch in {@link #retry}, not a change to every call. The modes are ints and the loop's helpers
 * static or final: no allocation and no virtual call on any path; the confined platform-thread
 * call only reads the mode, and reaches {@link #retry} only when its attempt failed.
 *
 * <p>Holds the socket's virtual-thread state: its {@link VirtualWait} (made on the first park),
 * the timeout cache and its epoch, and how many accepts or connects have the descriptor
 * {@code O_NONBLOCK} for their span (the interrupt rule is in {@link #park}).
 */
final class SocketWait {
    /** The call cannot wait: would-block is its result. See the class comment. */
    static final int NOW = 0;
    /** A virtual thread's blocking call: non-blocking attempts, parked in between. */
    static final int PARK = 1;
    /** A platform thread's blocking call: the kernel blocks. */
    static final int BLOCK = 2;
    /** {@link #retry}'s answer when the failure is the call's result. Never a deadline (see {@link #timeoutDeadline}). */
    static final long DONE = Long.MIN_VALUE;

    private final Socket socket;
    private final FdHandle handle;
    /** Where virtual threads park on this socket; made when one first has to wait. */
    private volatile VirtualWait virtualWait;
    /**
     * SO_RCVTIMEO / SO_SNDTIMEO in nanoseconds as a waiting call needs them (0: none), read from the
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
    /** Accepts or connects that have the descriptor O_NONBLOCK for their span; guarded by {@code this}. */
    private int nonBlockingUsers;

    SocketWait(Socket socket, FdHandle handle) {
        this.socket = socket;
        this.handle = handle;
    }

    static boolean isWouldBlock(int errno) {
        return errno == Constants.EAGAIN || errno == Constants.EWOULDBLOCK;
    }

    // ---- the one decision and the one loop step -------------------------------------------------

    /**
     * How a call with these flags on {@code so} waits: {@link #NOW}, {@link #PARK} or
     * {@link #BLOCK}. Decided once per call; accept and connect pass 0.
     */
    static int mode(Socket so, int flags) {
        if (!so.blockingMode() || (flags & Constants.MSG_DONTWAIT) != 0) {
            return NOW;
        }
        return Thread.currentThread().isVirtual() ? PARK : BLOCK;
    }

    /** The flags an attempt in {@code mode} passes: {@code MSG_DONTWAIT} added unless the kernel is to block. */
    static int callFlags(int mode, int flags) {
        return mode == BLOCK ? flags : flags | Constants.MSG_DONTWAIT;
    }

    /**
     * The readiness mark to take before each attempt of a call in {@code mode} and hand to
     * {@link #retry} after it ({@link VirtualWait#mark}): a park is skipped if an edge came in
     * between. 0 unless the call parks, or before the socket's first park (see {@link #park}).
     */
    int readyMark(int mode, int ops) {
        if (mode != PARK) {
            return 0;
        }
        VirtualWait w = virtualWait;
        return w == null ? 0 : w.mark(ops);
    }

    /**
     * After a failed attempt with {@code errno}: {@link #DONE} if the failure is the call's result
     * (report it with {@link #failed}); otherwise the call goes round again — at once on
     * {@code EINTR}; a {@link #PARK} call after parking until ready ({@link #awaitReady}); a
     * {@link #BLOCK} call that met a virtual thread's {@code O_NONBLOCK} span after {@code poll(2)}
     * — and the deadline for the next round is returned ({@code deadline} 0: not known yet, read
     * from {@code SO_RCVTIMEO} for {@link Readiness#READ}, {@code SO_SNDTIMEO} for
     * {@link Readiness#WRITE}). Past the deadline it throws the timeout the kernel would have.
     *
     * @throws SocketClosedException if the socket was closed meanwhile, or a parked virtual thread
     *     was interrupted (which closes the socket, see {@link #park})
     */
    long retry(int mode, String op, int ops, int fd, long deadline, int errno, int mark) throws IOException {
        if (errno == Constants.EINTR) {
            return deadline;
        }
        if (mode == NOW || !isWouldBlock(errno)) {
            return DONE;
        }
        int timeoutName = (ops & Readiness.READ) != 0 ? Constants.SO_RCVTIMEO : Constants.SO_SNDTIMEO;
        if (mode == PARK) {
            return awaitReady(op, ops, deadline, timeoutName, mark);
        }
        if (!inNonBlockingSpan()) {
            return DONE; // the kernel's own SO_RCVTIMEO/SO_SNDTIMEO ran out
        }
        // a blocking call met the O_NONBLOCK of another call's span: wait as the kernel would have
        if (deadline == 0) {
            deadline = timeoutDeadline(timeoutName);
        }
        awaitReadyFor(op, BLOCK, fd, ops, deadline, Constants.EAGAIN);
        return deadline;
    }

    /**
     * The end of a call whose last attempt failed with {@code errno}: a call that cannot wait
     * ({@link #NOW}) reports would-block as {@link Socket#WOULD_BLOCK} (errno recorded); anything
     * else throws — {@code EAGAIN} of a blocking call as the timeout it is.
     */
    static int failed(Socket so, int mode, String op, int errno) throws IOException {
        if (mode == NOW && isWouldBlock(errno)) {
            return so.wouldBlock(errno);
        }
        throw so.failIo(op, errno);
    }

    /**
     * Waits in {@code mode} ({@link #PARK} or {@link #BLOCK}) until {@code fd} is ready for
     * {@code ops} as {@code poll(2)} sees it (a connect in progress: {@link Readiness#WRITE}), or
     * throws the timeout with {@code timeoutErrno} past {@code deadline} ({@link Long#MAX_VALUE}:
     * none). A close meanwhile throws {@link SocketClosedException}. The caller fetches its
     * scratch again afterwards (a park gives the lease back).
     */
    void awaitReadyFor(String op, int mode, int fd, int ops, long deadline, int timeoutErrno) throws IOException {
        int events = ((ops & Readiness.READ) != 0 ? Constants.POLLIN : 0) | ((ops & Readiness.WRITE) != 0 ? Constants.POLLOUT : 0);
        for (;;) {
            int mark = readyMark(mode, ops);
            long left = deadline == Long.MAX_VALUE ? -1 : Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
            int timeout = mode == PARK ? 0 : (int) Math.min(left, Integer.MAX_VALUE);
            if (pollOne(socket.scratch(), fd, events, timeout) > 0) {
                if (handle.isClosed()) {
                    throw new SocketClosedException(op);
                }
                return;
            }
            if (handle.isClosed()) {
                throw new SocketClosedException(op);
            }
            checkDeadline(op, deadline, timeoutErrno);
            if (mode == PARK) {
                park(op, ops, deadline, mark);
            }
        }
    }

    /**
     * A connect's back-off while a Unix listener's backlog is full ({@code EAGAIN}: nothing is in
     * progress, so the call is tried again): past {@code deadline} the timeout ({@code ETIMEDOUT});
     * else 10 ms — a sleep that parks ({@link #PARK}) or a {@code poll(2)} nap ({@link #BLOCK}) —
     * and a close meanwhile throws {@link SocketClosedException}. A thread blocked in the kernel's
     * own wait for room could not be woken by {@code close()}; this one looks every 10 ms.
     */
    void backOff(String op, int mode, long deadline) throws IOException {
        checkDeadline(op, deadline, Constants.ETIMEDOUT);
        if (mode == PARK) {
            sleep(op, 10);
        } else {
            long left = deadline == Long.MAX_VALUE ? 10 : (deadline - System.nanoTime()) / 1_000_000;
            nap(socket.scratch(), (int) Math.max(1, Math.min(left, 10)));
        }
        if (handle.isClosed()) {
            throw new SocketClosedException(op);
        }
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

    // ---- virtual threads ------------------------------------------------------------------------

    /**
     * Parks the calling virtual thread until the socket is ready for {@code ops} (an edge since
     * {@code mark}), and returns the deadline for the next round: {@code deadline} 0 means "not
     * known yet", read from the timeout option then ({@code SO_RCVTIMEO}/{@code SO_SNDTIMEO}), so
     * a timeout keeps its meaning on a virtual thread; past it, the timeout the kernel would have
     * reported.
     */
    private long awaitReady(String op, int ops, long deadline, int timeoutName, int mark) throws IOException {
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
                    // the registration may block on the waker's lock, and since JDK 24 a virtual
                    // thread blocked on a monitor unmounts: with its lease it would keep a scratch
                    // out of the pool meanwhile, and hundreds of first parks at once would make
                    // new ones. So the lease is given back here too; the add leases its own
                    int depth = Scratch.suspendLease();
                    try {
                        // a mark of 0 stays right: the registration starts at 0 and its edge-triggered
                        // add reports whatever is ready already, so nothing since the failed call is lost
                        virtualWait = w = VirtualWait.register(handle);
                    } catch (IllegalStateException closed) {
                        throw new SocketClosedException(op);
                    } finally {
                        Scratch.resumeLease(depth);
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
        // 0 means "not known yet", MAX_VALUE "none" and MIN_VALUE is DONE: never a real deadline
        return d == 0 || d == DONE ? d + 1 : d == Long.MAX_VALUE ? d - 1 : d;
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
