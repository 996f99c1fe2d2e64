package dev.nativesockets;

import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Kevent;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Platform;
import dev.nativesockets.libc.Timespec;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * A kqueue (macOS): {@code kqueue(2)} and {@code kevent(2)} — changes applied one at a time, events
 * read from a native array of the capacity given to {@link #open(int)}, by index, allocating
 * nothing per event. Filters {@link #EVFILT_READ}, {@link #EVFILT_WRITE} (on a socket or {@link Fd})
 * and {@link #EVFILT_USER} (an identifier of your choosing, {@link #NOTE_TRIGGER}ed from any thread);
 * flags {@link #EV_ADD}, {@link #EV_DELETE}, {@link #EV_ENABLE}, {@link #EV_DISABLE},
 * {@link #EV_CLEAR} (edge-triggered), {@link #EV_ONESHOT}; reported {@link #EV_EOF} and {@link #EV_ERROR}.
 * {@link Readiness} is the portable loop built on it.
 *
 * <p>Written from Darwin's {@code <sys/event.h>} (xnu): {@code struct kevent} is
 * {@code {uintptr_t ident; int16_t filter; uint16_t flags; uint32_t fflags; intptr_t data; void *udata;}},
 * 32 bytes on LP64. <strong>It has not run on a Mac</strong>: the probe checks the layout and constants
 * only where it is compiled on Darwin, and this project's machines are Linux.
 *
 * <p>As {@link Epoll} does, a registered descriptor's filters are deleted just before its number is
 * closed or detached. Changes may be made from any thread, also while another waits; one thread
 * waits at a time. {@link #close()} does not wake a waiting thread (trigger a user event first).
 */
public final class Kqueue extends RawReadinessSet {
    /** {@code EVFILT_READ}: readable; {@code data} is the byte count (or the accept backlog). */
    public static final int EVFILT_READ = Constants.EVFILT_READ;
    /** {@code EVFILT_WRITE}: writable; {@code data} is the free send buffer space. */
    public static final int EVFILT_WRITE = Constants.EVFILT_WRITE;
    /** {@code EVFILT_USER}: an event triggered by {@link #user} with {@link #NOTE_TRIGGER}. */
    public static final int EVFILT_USER = Constants.EVFILT_USER;
    /** {@code EV_ADD}: add or change the filter (enabled unless {@link #EV_DISABLE}). */
    public static final int EV_ADD = Constants.EV_ADD;
    /** {@code EV_DELETE}: remove the filter. */
    public static final int EV_DELETE = Constants.EV_DELETE;
    /** {@code EV_ENABLE}: report events again. */
    public static final int EV_ENABLE = Constants.EV_ENABLE;
    /** {@code EV_DISABLE}: keep the filter but report nothing. */
    public static final int EV_DISABLE = Constants.EV_DISABLE;
    /** {@code EV_ONESHOT}: delete the filter after its first event. */
    public static final int EV_ONESHOT = Constants.EV_ONESHOT;
    /** {@code EV_CLEAR}: reset the state after reporting (edge-triggered). */
    public static final int EV_CLEAR = Constants.EV_CLEAR;
    /** {@code EV_RECEIPT}: report every change's result as an event. */
    public static final int EV_RECEIPT = Constants.EV_RECEIPT;
    /** {@code EV_DISPATCH}: disable the filter after each event. */
    public static final int EV_DISPATCH = Constants.EV_DISPATCH;
    /** {@code EV_EOF} (reported): the peer closed; {@code fflags} may hold the socket error. */
    public static final int EV_EOF = Constants.EV_EOF;
    /** {@code EV_ERROR} (reported): the change failed; {@code data} is the errno. */
    public static final int EV_ERROR = Constants.EV_ERROR;
    /** {@code NOTE_TRIGGER}: fire an {@link #EVFILT_USER} event. */
    public static final int NOTE_TRIGGER = Constants.NOTE_TRIGGER;
    /** {@code NOTE_FFNOP}: leave a user event's stored fflags as they are. */
    public static final int NOTE_FFNOP = Constants.NOTE_FFNOP;

    private static final int CHANGE_FLAGS = EV_ADD | EV_DELETE | EV_ENABLE | EV_DISABLE | EV_ONESHOT | EV_CLEAR
            | EV_RECEIPT | EV_DISPATCH;

    private Kqueue(int fd, int capacity) {
        super(fd, capacity, Kevent.SIZE, Timespec.SIZE, Kqueue::deleteQuietly);
    }

    /** Whether the running platform has kqueue (macOS). */
    public static boolean isSupported() {
        return Platform.current().isDarwin();
    }

    /**
     * {@code kqueue(2)} (then {@code FD_CLOEXEC}), with room for {@code capacity} events per {@link #await}.
     *
     * @throws IllegalArgumentException if {@code capacity} is not 1 .. 2<sup>20</sup>
     * @throws UnsupportedOperationException where there is no kqueue
     */
    public static Kqueue open(int capacity) throws IOException {
        checkCapacity(capacity);
        requireSupported();
        Scratch s = Scratch.get();
        int fd = LibC.kqueue(s.cs);
        if (fd < 0) {
            throw Errno.exception("kqueue", s.errno());
        }
        // kqueue(2) takes no flags: mark it close-on-exec at once, as sockets are on Darwin
        if (LibC.fcntl(s.cs, fd, Constants.F_SETFD, Constants.FD_CLOEXEC) < 0) {
            int errno = s.errno();
            LibC.close(s.cs, fd);
            throw Errno.exception("fcntl", errno);
        }
        return new Kqueue(fd, capacity);
    }

    static void requireSupported() {
        if (!isSupported()) {
            throw new UnsupportedOperationException("kqueue is macOS-only; this is " + Platform.current());
        }
    }

    /**
     * {@code kevent(2)} with one change for {@code socket}: {@code filter} ({@link #EVFILT_READ} or
     * {@link #EVFILT_WRITE}) with {@code flags} ({@link #EV_ADD} | {@link #EV_CLEAR} …), reported with
     * {@code udata}.
     */
    public void change(Socket socket, int filter, int flags, int fflags, long data, long udata) throws IOException {
        Checks.requireArg(socket, "socket");
        checkChange(filter, flags);
        int fd = socket.acquire();
        try {
            change(socket.handle(), fd, filter, flags, fflags, data, udata);
        } finally {
            socket.release();
        }
    }

    /** {@link #change(Socket, int, int, int, long, long)} for any descriptor. */
    public void change(Fd fd, int filter, int flags, int fflags, long data, long udata) throws IOException {
        Checks.requireArg(fd, "fd");
        checkChange(filter, flags);
        FdHandle h = fd.handle();
        int n = h.acquire();
        try {
            change(h, n, filter, flags, fflags, data, udata);
        } finally {
            h.release();
        }
    }

    /**
     * {@code kevent(2)} with one {@link #EVFILT_USER} change: {@link #EV_ADD} (with {@link #EV_CLEAR}
     * to re-arm after each delivery) creates it, {@code fflags} {@link #NOTE_TRIGGER} fires it.
     */
    public void user(long ident, int flags, int fflags, long udata) throws IOException {
        if ((flags & ~CHANGE_FLAGS) != 0) {
            throw new IllegalArgumentException("unknown kevent flags: 0x" + Integer.toHexString(flags & ~CHANGE_FLAGS));
        }
        apply(ident, EVFILT_USER, flags, fflags, 0, udata);
    }

    private synchronized void change(FdHandle h, int fd, int filter, int flags, int fflags, long data, long udata)
            throws IOException {
        entries.ensureOpen();
        SetEntries.Entry w = entries.entryOn(h);
        int bit = filter == EVFILT_READ ? 1 : 2;
        if (w == null && (flags & EV_ADD) != 0) {
            w = new SetEntries.Entry(entries, h);
            entries.add(w);
        } else if (w == null) {
            entries.ensureOpen(); // closed meanwhile (which took the entry off): that is the error
        }
        try {
            apply(fd, filter, flags, fflags, data, udata);
        } catch (IOException | RuntimeException e) {
            if (w != null && w.filters == 0) {
                entries.remove(w);
            }
            throw e;
        }
        if (w != null) {
            if ((flags & EV_DELETE) != 0) {
                w.filters &= ~bit;
            } else if ((flags & EV_ADD) != 0) {
                w.filters |= bit; // a fired one-shot stays counted: deleting it later just fails quietly
            }
            if (w.filters == 0) {
                entries.remove(w);
            }
        }
    }

    /** One change, no events: a failure comes back as -1 and errno. */
    void apply(long ident, int filter, int flags, int fflags, long data, long udata) throws IOException {
        int errno = applyErrno(ident, filter, flags, fflags, data, udata);
        if (errno != 0) {
            throw Errno.exception("kevent", errno);
        }
    }

    /** {@link #apply} returning the errno (0 on success): no exception, no thread's last error recorded. */
    private int applyErrno(long ident, int filter, int flags, int fflags, long data, long udata) {
        return applyErrno(handle, ident, filter, flags, fflags, data, udata);
    }

    private static int applyErrno(FdHandle handle, long ident, int filter, int flags, int fflags, long data, long udata) {
        Scratch s = Scratch.get();
        MemorySegment kev = s.readinessEvent();
        MemorySegment cs = s.readinessCs();
        kev.fill((byte) 0);
        Kevent.IDENT.set(kev, ident);
        Kevent.FILTER.set(kev, filter);
        Kevent.FLAGS.set(kev, flags);
        Kevent.FFLAGS.set(kev, fflags);
        Kevent.DATA.set(kev, data);
        Kevent.UDATA.set(kev, udata);
        int kq = handle.acquire();
        try {
            return LibC.kevent(cs, kq, kev, 1, MemorySegment.NULL, 0, MemorySegment.NULL) < 0 ? CallState.errno(cs) : 0;
        } finally {
            handle.release();
        }
    }

    /**
     * {@code kevent(2)} with no changes: waits for events or the timeout ({@code null}: forever;
     * zero: just looks). A signal ({@code EINTR}) does not end the wait early.
     *
     * @return how many events were stored, 0 on timeout
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

    int waitNanos(long nanos) throws IOException {
        int kq = handle.acquire();
        try {
            long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
            for (;;) {
                MemorySegment ts = MemorySegment.NULL;
                if (nanos >= 0) {
                    Timespec.TV_SEC.set(timeout, nanos / 1_000_000_000);
                    Timespec.TV_NSEC.set(timeout, nanos % 1_000_000_000);
                    ts = timeout;
                }
                int n = LibC.kevent(waitCs, kq, MemorySegment.NULL, 0, events, capacity, ts);
                if (n >= 0) {
                    return n;
                }
                int errno = CallState.errno(waitCs);
                if (errno != Constants.EINTR) {
                    throw Errno.exception("kevent", errno);
                }
                if (nanos > 0) {
                    nanos = Math.max(0, deadline - System.nanoTime());
                }
            }
        } finally {
            handle.release();
        }
    }

    /** {@code ident} of event {@code i} of the last wait: the descriptor, or the user event's identifier. */
    public long ident(int i) {
        return Kevent.IDENT.get(events, at(i));
    }

    /** {@code filter} of event {@code i}: {@link #EVFILT_READ}, {@link #EVFILT_WRITE} or {@link #EVFILT_USER}. */
    public int filter(int i) {
        return (short) Kevent.FILTER.get(events, at(i));
    }

    /** {@code flags} of event {@code i}: {@link #EV_EOF}, {@link #EV_ERROR} … */
    public int flags(int i) {
        return (int) Kevent.FLAGS.get(events, at(i));
    }

    /** {@code fflags} of event {@code i} (with {@link #EV_EOF}: the socket error, if any). */
    public int fflags(int i) {
        return (int) Kevent.FFLAGS.get(events, at(i));
    }

    /** {@code data} of event {@code i}: bytes readable, space writable, or an errno with {@link #EV_ERROR}. */
    public long data(int i) {
        return Kevent.DATA.get(events, at(i));
    }

    /** {@code udata} of event {@code i}, as given with the change. */
    public long udata(int i) {
        return Kevent.UDATA.get(events, at(i));
    }

    private long at(int i) {
        if (i < 0 || i >= capacity) {
            throw new IllegalArgumentException("event index out of range 0.." + (capacity - 1) + ": " + i);
        }
        return i * Kevent.SIZE;
    }

    int filterAt(int i) {
        return (short) Kevent.FILTER.get(events, i * Kevent.SIZE);
    }

    int flagsAt(int i) {
        return (int) Kevent.FLAGS.get(events, i * Kevent.SIZE);
    }

    long udataAt(int i) {
        return Kevent.UDATA.get(events, i * Kevent.SIZE);
    }

    /** Removes both socket filters while the number is still ours, ignoring "not there". */
    void deleteQuietly(int fd) {
        deleteQuietly(handle, fd);
    }

    private static void deleteQuietly(FdHandle handle, int fd) {
        if (handle.isClosed()) {
            return;
        }
        deleteQuietly(handle, fd, EVFILT_READ);
        deleteQuietly(handle, fd, EVFILT_WRITE);
    }

    void deleteQuietly(int fd, int filter) {
        deleteQuietly(handle, fd, filter);
    }

    private static void deleteQuietly(FdHandle handle, int fd, int filter) {
        try {
            applyErrno(handle, fd, filter, EV_DELETE, 0, 0, 0); // ENOENT: not registered for it (a one-shot that fired)
        } catch (IllegalStateException closed) {
            // the queue closed meanwhile
        }
    }

    private static void checkChange(int filter, int flags) {
        if (filter != EVFILT_READ && filter != EVFILT_WRITE) {
            throw new IllegalArgumentException("filter must be EVFILT_READ or EVFILT_WRITE for a descriptor: " + filter);
        }
        if ((flags & ~CHANGE_FLAGS) != 0) {
            throw new IllegalArgumentException("unknown kevent flags: 0x" + Integer.toHexString(flags & ~CHANGE_FLAGS));
        }
    }
}
