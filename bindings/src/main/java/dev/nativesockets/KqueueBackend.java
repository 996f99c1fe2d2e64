package dev.nativesockets;

import java.io.IOException;

/**
 * {@link Readiness} on macOS: a {@link Kqueue} with one {@code EVFILT_READ} and/or {@code EVFILT_WRITE}
 * filter per registration and an {@code EVFILT_USER} event for wake-ups. Not yet run on a Mac.
 */
final class KqueueBackend implements ReadyBackend {
    /** The user event's identifier: user events have their own namespace, apart from descriptors. */
    private static final long WAKE_IDENT = 1;

    private final Kqueue kqueue;

    KqueueBackend(int capacity) throws IOException {
        kqueue = Kqueue.open(capacity);
        try {
            // EV_CLEAR: the event resets once delivered, so nothing needs draining
            kqueue.user(WAKE_IDENT, Kqueue.EV_ADD | Kqueue.EV_CLEAR, Kqueue.NOTE_FFNOP, Readiness.WAKE_TOKEN);
        } catch (IOException e) {
            kqueue.close();
            throw e;
        }
    }

    @Override
    public FdHandle descriptor() {
        return kqueue.handle();
    }

    @Override
    public String name() {
        return "kqueue";
    }

    private static int flags(int interest) {
        int f = Kqueue.EV_ADD | Kqueue.EV_ENABLE;
        if ((interest & Readiness.EDGE_TRIGGERED) != 0) {
            f |= Kqueue.EV_CLEAR;
        }
        if ((interest & Readiness.ONE_SHOT) != 0) {
            f |= Kqueue.EV_ONESHOT;
        }
        return f;
    }

    @Override
    public void add(int fd, int interest, long token) throws IOException {
        if ((interest & Readiness.READ) != 0) {
            kqueue.apply(fd, Kqueue.EVFILT_READ, flags(interest), 0, 0, token);
        }
        if ((interest & Readiness.WRITE) != 0) {
            try {
                kqueue.apply(fd, Kqueue.EVFILT_WRITE, flags(interest), 0, 0, token);
            } catch (IOException e) {
                if ((interest & Readiness.READ) != 0) {
                    kqueue.deleteQuietly(fd, Kqueue.EVFILT_READ);
                }
                throw e;
            }
        }
    }

    @Override
    public void modify(int fd, int oldInterest, int interest, long token) throws IOException {
        change(fd, Readiness.READ, Kqueue.EVFILT_READ, oldInterest, interest, token);
        change(fd, Readiness.WRITE, Kqueue.EVFILT_WRITE, oldInterest, interest, token);
    }

    private void change(int fd, int op, int filter, int oldInterest, int interest, long token) throws IOException {
        if ((interest & op) != 0) {
            kqueue.apply(fd, filter, flags(interest), 0, 0, token); // EV_ADD again re-arms a one-shot
        } else if ((oldInterest & op) != 0) {
            kqueue.deleteQuietly(fd, filter); // a fired one-shot is gone already
        }
    }

    @Override
    public void delete(int fd, int interest) {
        if ((interest & Readiness.READ) != 0) {
            kqueue.deleteQuietly(fd, Kqueue.EVFILT_READ);
        }
        if ((interest & Readiness.WRITE) != 0) {
            kqueue.deleteQuietly(fd, Kqueue.EVFILT_WRITE);
        }
    }

    @Override
    public void enter() {
        kqueue.enter();
    }

    @Override
    public void leave() {
        kqueue.leave();
    }

    @Override
    public int waitEvents(long nanos) throws IOException {
        return kqueue.waitNanos(nanos);
    }

    @Override
    public long token(int i) {
        return kqueue.filterAt(i) == Kqueue.EVFILT_USER ? Readiness.WAKE_TOKEN : kqueue.udataAt(i);
    }

    @Override
    public int readyOps(int i) {
        int filter = kqueue.filterAt(i);
        int flags = kqueue.flagsAt(i);
        int ops = filter == Kqueue.EVFILT_READ ? Readiness.READ : filter == Kqueue.EVFILT_WRITE ? Readiness.WRITE : 0;
        if ((flags & Kqueue.EV_EOF) != 0) {
            ops |= Readiness.HANGUP;
        }
        if ((flags & Kqueue.EV_ERROR) != 0) {
            ops |= Readiness.ERROR;
        }
        return ops;
    }

    @Override
    public void wakeup() {
        try {
            kqueue.user(WAKE_IDENT, 0, Kqueue.NOTE_TRIGGER, Readiness.WAKE_TOKEN);
        } catch (IOException | IllegalStateException e) {
            // closed: nobody to wake
        }
    }

    @Override
    public void clearWakeup() {
        // EV_CLEAR reset it on delivery
    }

    @Override
    public void close() {
        kqueue.close();
    }
}
