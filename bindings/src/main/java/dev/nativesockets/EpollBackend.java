package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@link Readiness} on Linux: an {@link Epoll} set and an {@code eventfd(2)} registered in it for wake-ups. */
final class EpollBackend implements ReadyBackend {
    private static final int READ_LIKE = Epoll.IN | Epoll.RDHUP | Epoll.HUP | Epoll.ERR;
    private static final int WRITE_LIKE = Epoll.OUT | Epoll.HUP | Epoll.ERR;

    private final Epoll epoll;
    private final FdHandle wake;
    /** Closes the eventfd of a set dropped unclosed (the epoll descriptor has a Cleaner of its own). */
    private final java.lang.ref.Cleaner.Cleanable wakeCleaner;

    EpollBackend(int capacity) throws IOException {
        epoll = Epoll.open(capacity);
        Scratch s = Scratch.get();
        int efd = LibC.eventfd(s.cs, 0, Constants.EFD_CLOEXEC | Constants.EFD_NONBLOCK);
        if (efd < 0) {
            int errno = s.errno();
            epoll.close();
            throw Errno.exception("eventfd", errno);
        }
        wake = new FdHandle(efd);
        wakeCleaner = Epoll.CLEANER.register(this, wake);
        try {
            epoll.ctl(Constants.EPOLL_CTL_ADD, efd, Epoll.IN, Readiness.WAKE_TOKEN);
        } catch (IOException e) {
            wakeCleaner.clean();
            epoll.close();
            throw e;
        }
    }

    /** The epoll set, for tests that read the kernel's entries from {@code /proc/self/fdinfo}. */
    Epoll epoll() {
        return epoll;
    }

    @Override
    public FdHandle descriptor() {
        return epoll.handle();
    }

    @Override
    public String name() {
        return "epoll";
    }

    static int events(int interest) {
        int e = 0;
        if ((interest & Readiness.READ) != 0) {
            e |= Epoll.IN | Epoll.RDHUP;
        }
        if ((interest & Readiness.WRITE) != 0) {
            e |= Epoll.OUT;
        }
        if ((interest & Readiness.EDGE_TRIGGERED) != 0) {
            e |= Epoll.ET;
        }
        if ((interest & Readiness.ONE_SHOT) != 0) {
            e |= Epoll.ONESHOT;
        }
        return e;
    }

    @Override
    public void add(int fd, int interest, long token) throws IOException {
        epoll.ctl(Constants.EPOLL_CTL_ADD, fd, events(interest), token);
    }

    @Override
    public void modify(int fd, int oldInterest, int interest, long token) throws IOException {
        epoll.ctl(Constants.EPOLL_CTL_MOD, fd, events(interest), token);
    }

    @Override
    public void delete(int fd, int interest) {
        epoll.deleteQuietly(fd);
    }

    @Override
    public void enter() {
        epoll.enter();
    }

    @Override
    public void leave() {
        epoll.leave();
    }

    @Override
    public int waitEvents(long nanos) throws IOException {
        // the eventfd is held for the wait: closed under a waiter, it would leave the epoll set
        // before the waiter saw its wake-up, and the waiter would sleep on
        wake.acquire();
        try {
            return epoll.waitNanos(nanos);
        } finally {
            wake.release();
        }
    }

    @Override
    public long token(int i) {
        return epoll.dataAt(i);
    }

    @Override
    public int readyOps(int i) {
        int e = epoll.eventsAt(i);
        int ops = 0;
        if ((e & READ_LIKE) != 0) {
            ops |= Readiness.READ;
        }
        if ((e & WRITE_LIKE) != 0) {
            ops |= Readiness.WRITE;
        }
        if ((e & (Epoll.HUP | Epoll.RDHUP)) != 0) {
            ops |= Readiness.HANGUP;
        }
        if ((e & Epoll.ERR) != 0) {
            ops |= Readiness.ERROR;
        }
        return ops;
    }

    /** The eventfd's number, held for one call; -1 once the loop is closed (no wake-up to give or take then). */
    private int acquireWake() {
        try {
            return wake.acquire();
        } catch (IllegalStateException closed) {
            return -1;
        }
    }

    @Override
    public void wakeup() {
        int fd = acquireWake();
        if (fd < 0) {
            return;
        }
        try {
            Scratch s = Scratch.get();
            MemorySegment one = s.readinessEvent();
            one.set(ValueLayout.JAVA_LONG, 0, 1L);
            // EAGAIN only if the counter is near 2^64: a wake-up is pending then anyway
            LibC.write(s.readinessCs(), fd, one, 8);
        } finally {
            wake.release();
        }
    }

    @Override
    public void clearWakeup() {
        int fd = acquireWake();
        if (fd < 0) {
            return;
        }
        try {
            Scratch s = Scratch.get();
            LibC.read(s.readinessCs(), fd, s.readinessEvent(), 8); // non-blocking: EAGAIN if already drained
        } finally {
            wake.release();
        }
    }

    @Override
    public void close() {
        wakeCleaner.clean();
        epoll.close();
    }
}
