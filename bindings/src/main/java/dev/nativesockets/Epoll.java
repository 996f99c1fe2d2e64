package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.EpollEvent;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Platform;
import dev.nativesockets.libc.Timespec;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * An epoll instance (Linux): {@code epoll_create1(2)} with {@code EPOLL_CLOEXEC},
 * {@code epoll_ctl(2)} ADD / MOD / DEL, {@code epoll_wait(2)} — and {@code epoll_pwait2(2)} where libc
 * and the kernel have it, so a timeout below a millisecond is kept rather than rounded up.
 *
 * <p>A 1:1 wrapper: the event bits are the kernel's ({@link #IN}, {@link #OUT}, {@link #ET} …), the
 * 64-bit {@code data} is yours, and {@link #await} fills a native event array of the capacity given
 * to {@link #open(int)}, read by index with {@link #events(int)} and {@link #data(int)} — nothing is
 * allocated per event. {@link Readiness} is the portable loop built on it.
 *
 * <p>One thing is added to the system calls: epoll watches the open file description, not the
 * number, so a registered socket or {@link Fd} is deleted from this set just before its descriptor
 * is closed (or detached) — a new socket that is given the same number never inherits the entry,
 * even while a {@code dup} or an {@code SCM_RIGHTS} copy of the old one lives on.
 *
 * <p>{@link #add}, {@link #modify} and {@link #delete} may be called from any thread, also while
 * another waits. One thread waits at a time; the event array belongs to it until its next wait.
 * {@link #close()} does not wake a waiting thread (use {@link Readiness} for that); the descriptor
 * is released once the wait returns.
 */
public final class Epoll extends RawReadinessSet {
    /** {@code EPOLLIN}: readable, or a connection to accept. */
    public static final int IN = Constants.EPOLLIN;
    /** {@code EPOLLPRI}: urgent (out-of-band) data. */
    public static final int PRI = Constants.EPOLLPRI;
    /** {@code EPOLLOUT}: writing will not block. */
    public static final int OUT = Constants.EPOLLOUT;
    /** {@code EPOLLERR}: an error is pending (always reported). */
    public static final int ERR = Constants.EPOLLERR;
    /** {@code EPOLLHUP}: hung up (always reported). */
    public static final int HUP = Constants.EPOLLHUP;
    /** {@code EPOLLRDHUP}: the peer shut down its writing half. */
    public static final int RDHUP = Constants.EPOLLRDHUP;
    /** {@code EPOLLET}: edge-triggered. */
    public static final int ET = Constants.EPOLLET;
    /** {@code EPOLLONESHOT}: disarmed after one event, until {@link #modify}. */
    public static final int ONESHOT = Constants.EPOLLONESHOT;
    /** {@code EPOLLEXCLUSIVE}: wake only one of several epoll sets watching the same file (ADD only). */
    public static final int EXCLUSIVE = Constants.EPOLLEXCLUSIVE;
    /** {@code EPOLLWAKEUP}: hold a wake lock while the event is pending (needs CAP_BLOCK_SUSPEND). */
    public static final int WAKEUP = Constants.EPOLLWAKEUP;

    private static final int ALL = IN | PRI | OUT | ERR | HUP | RDHUP | ET | ONESHOT | EXCLUSIVE | WAKEUP;

    /**
     * The library's Cleaner for owners other than sockets and {@link Fd}s: unreachable epoll and
     * kqueue sets, a readiness set's eventfd, {@link IoVector} buffers, zero-copy sends in flight.
     */
    static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

    /** Cleared the first time the kernel answers ENOSYS: then epoll_wait with rounded-up milliseconds. */
    private boolean pwait2 = PWAIT2;
    private static final boolean PWAIT2 = Platform.current().isLinux() && LibC.hasEpollPwait2();

    private Epoll(int fd, int capacity) {
        super(fd, capacity, EpollEvent.SIZE, Timespec.SIZE, Epoll::deleteQuietly);
    }

    /** Whether the running platform has epoll (Linux). */
    public static boolean isSupported() {
        return Platform.current().isLinux();
    }

    /**
     * {@code epoll_create1(EPOLL_CLOEXEC)}, with room for {@code capacity} events per {@link #await}.
     *
     * @throws IllegalArgumentException if {@code capacity} is not 1 .. 2<sup>20</sup>
     * @throws UnsupportedOperationException where there is no epoll
     */
    public static Epoll open(int capacity) throws IOException {
        checkCapacity(capacity);
        requireSupported();
        Scratch s = Scratch.get();
        int fd = LibC.epoll_create1(s.cs, Constants.EPOLL_CLOEXEC);
        if (fd < 0) {
            throw Errno.exception("epoll_create1", s.errno());
        }
        return new Epoll(fd, capacity);
    }

    static void requireSupported() {
        if (!isSupported()) {
            throw new UnsupportedOperationException("epoll is Linux-only; this is " + Platform.current());
        }
    }

    /** The epoll descriptor's number, for tests reading {@code /proc/self/fdinfo}; valid while open. */
    int descriptor() {
        return handle.fd();
    }

    /** {@code epoll_ctl(EPOLL_CTL_ADD)}: watches {@code socket} for {@code events}, reported with {@code data}. */
    public void add(Socket socket, int events, long data) throws IOException {
        Checks.requireArg(socket, "socket");
        checkEvents(events);
        int fd = socket.acquire();
        try {
            add(socket.handle(), fd, events, data);
        } finally {
            socket.release();
        }
    }

    /** {@code epoll_ctl(EPOLL_CTL_ADD)} for any descriptor: a pipe, an eventfd, a timerfd … */
    public void add(Fd fd, int events, long data) throws IOException {
        Checks.requireArg(fd, "fd");
        checkEvents(events);
        FdHandle h = fd.handle();
        int n = h.acquire();
        try {
            add(h, n, events, data);
        } finally {
            h.release();
        }
    }

    private void add(FdHandle h, int fd, int events, long data) throws IOException {
        SetEntries.Entry w = new SetEntries.Entry(entries, h);
        entries.add(w); // refuses a closed set, and a second add of the descriptor before the kernel would (EEXIST)
        try {
            ctl(Constants.EPOLL_CTL_ADD, fd, events, data);
        } catch (IOException | RuntimeException e) {
            entries.remove(w);
            throw e;
        }
    }

    /** {@code epoll_ctl(EPOLL_CTL_MOD)}: new events and data; re-arms a {@link #ONESHOT} entry. */
    public void modify(Socket socket, int events, long data) throws IOException {
        Checks.requireArg(socket, "socket");
        checkEvents(events);
        int fd = socket.acquire();
        try {
            requireAdded(socket.handle());
            ctl(Constants.EPOLL_CTL_MOD, fd, events, data);
        } finally {
            socket.release();
        }
    }

    /** {@code epoll_ctl(EPOLL_CTL_MOD)} for any descriptor. */
    public void modify(Fd fd, int events, long data) throws IOException {
        Checks.requireArg(fd, "fd");
        checkEvents(events);
        FdHandle h = fd.handle();
        int n = h.acquire();
        try {
            requireAdded(h);
            ctl(Constants.EPOLL_CTL_MOD, n, events, data);
        } finally {
            h.release();
        }
    }

    /** {@code epoll_ctl(EPOLL_CTL_DEL)}. Closing the socket deletes it too. */
    public void delete(Socket socket) throws IOException {
        Checks.requireArg(socket, "socket");
        int fd = socket.acquire();
        try {
            delete(socket.handle(), fd);
        } finally {
            socket.release();
        }
    }

    /** {@code epoll_ctl(EPOLL_CTL_DEL)} for any descriptor. */
    public void delete(Fd fd) throws IOException {
        Checks.requireArg(fd, "fd");
        FdHandle h = fd.handle();
        int n = h.acquire();
        try {
            delete(h, n);
        } finally {
            h.release();
        }
    }

    private void delete(FdHandle h, int fd) throws IOException {
        SetEntries.Entry w = requireAdded(h);
        ctl(Constants.EPOLL_CTL_DEL, fd, 0, 0);
        entries.remove(w);
    }

    private SetEntries.Entry requireAdded(FdHandle h) {
        entries.ensureOpen();
        SetEntries.Entry w = entries.entryOn(h);
        if (w == null) {
            entries.ensureOpen(); // closed meanwhile (which took the entry off): that is the error
            throw new IllegalArgumentException("descriptor " + h.fd() + " is not in " + this);
        }
        return w;
    }

    /**
     * {@code epoll_wait(2)} (or {@code epoll_pwait2(2)} for a timeout that is not whole
     * milliseconds): waits for events or the timeout ({@code null}: forever; zero: just looks).
     * A signal ({@code EINTR}) does not end the wait early.
     *
     * @return how many events were stored, 0 on timeout; read them with {@link #events(int)} and {@link #data(int)}
     * @throws IllegalArgumentException for a negative timeout (100 years or more waits forever, as {@code null})
     * @throws IllegalStateException if closed, or if another thread is waiting
     */
    public int await(Duration timeout) throws IOException {
        long nanos = WaitTimeout.nanos(timeout);
        enter();
        try {
            // a virtual thread parks while a platform thread of the library waits in the kernel
            return nanos != 0 && PlatformThreadOffload.applies() ? PlatformThreadOffload.call(() -> waitNanos(nanos)) : waitNanos(nanos);
        } finally {
            leave();
        }
    }

    /** The wait without argument checks, for {@link Readiness}; the caller has {@linkplain #enter() entered}. */
    int waitNanos(long nanos) throws IOException {
        int ep = handle.acquire();
        try {
            long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
            for (;;) {
                int n;
                if (nanos > 0 && nanos % 1_000_000 != 0 && pwait2) {
                    Timespec.TV_SEC.set(timeout, nanos / 1_000_000_000);
                    Timespec.TV_NSEC.set(timeout, nanos % 1_000_000_000);
                    n = LibC.epoll_pwait2(waitCs, ep, events, capacity, timeout, MemorySegment.NULL);
                    if (n < 0 && errno() == Constants.ENOSYS) {
                        pwait2 = false; // libc has it, the kernel (before 5.11) does not
                        continue;
                    }
                } else {
                    n = LibC.epoll_wait(waitCs, ep, events, capacity, WaitTimeout.millisCeil(nanos));
                }
                if (n > 0 || (n == 0 && nanos <= WaitTimeout.MAX_CALL_NANOS)) {
                    return n;
                }
                if (n < 0) {
                    int errno = errno();
                    if (errno != Constants.EINTR) {
                        throw Errno.exception("epoll_wait", errno);
                    }
                } // else one slice of a wait longer than epoll_wait can take is over
                if (nanos > 0) {
                    nanos = Math.max(0, deadline - System.nanoTime());
                }
            }
        } finally {
            handle.release();
        }
    }

    /** Whether sub-millisecond waits go to {@code epoll_pwait2} (libc has it and the kernel did not say ENOSYS). */
    boolean usesPwait2() {
        return pwait2;
    }

    private int errno() {
        return dev.nativesockets.libc.CallState.errno(waitCs);
    }

    /** The event bits of entry {@code i} of the last wait. */
    public int events(int i) {
        checkIndex(i);
        return (int) EpollEvent.EVENTS.get(events, i * EpollEvent.SIZE);
    }

    /** The {@code data} of entry {@code i} of the last wait, as given to {@link #add}/{@link #modify}. */
    public long data(int i) {
        checkIndex(i);
        return EpollEvent.DATA.get(events, i * EpollEvent.SIZE);
    }

    /** {@link #events(int)} without the index check, for {@link Readiness}: i is below the wait's count. */
    int eventsAt(int i) {
        return (int) EpollEvent.EVENTS.get(events, i * EpollEvent.SIZE);
    }

    long dataAt(int i) {
        return EpollEvent.DATA.get(events, i * EpollEvent.SIZE);
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= capacity) {
            throw new IllegalArgumentException("event index out of range 0.." + (capacity - 1) + ": " + i);
        }
    }

    /**
     * {@code epoll_ctl(2)} on a descriptor number the caller holds ({@code acquire}d); the epoll
     * descriptor is held here.
     */
    void ctl(int op, int fd, int events, long data) throws IOException {
        int errno = ctlErrno(op, fd, events, data);
        if (errno != 0) {
            throw Errno.exception("epoll_ctl", errno);
        }
    }

    /** {@link #ctl} returning the errno (0 on success): no exception, no thread's last error recorded. */
    private int ctlErrno(int op, int fd, int events, long data) {
        return ctlErrno(handle, op, fd, events, data);
    }

    private static int ctlErrno(FdHandle handle, int op, int fd, int events, long data) {
        Scratch s = Scratch.get();
        MemorySegment ev = s.readinessEvent();
        MemorySegment cs = s.readinessCs();
        EpollEvent.EVENTS.set(ev, events);
        EpollEvent.DATA.set(ev, data);
        int ep = handle.acquire();
        try {
            return LibC.epoll_ctl(cs, ep, op, fd, ev) < 0 ? dev.nativesockets.libc.CallState.errno(cs) : 0;
        } finally {
            handle.release();
        }
    }

    /** DEL while the number is still ours, ignoring failure: the descriptor is going away anyway. */
    void deleteQuietly(int fd) {
        deleteQuietly(handle, fd);
    }

    private static void deleteQuietly(FdHandle handle, int fd) {
        if (handle.isClosed()) {
            return; // the whole set is going: nothing will read its events
        }
        try {
            ctlErrno(handle, Constants.EPOLL_CTL_DEL, fd, 0, 0); // ENOENT: already gone, nothing names the number
        } catch (IllegalStateException closed) {
            // the set closed meanwhile: nothing will read its events
        }
    }

    private static void checkEvents(int events) {
        if ((events & ~ALL) != 0) {
            throw new IllegalArgumentException("unknown epoll event bits: 0x" + Integer.toHexString(events & ~ALL));
        }
    }
}
