package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Owns one descriptor and decides when it is released.
 *
 * <p>Every native call brackets itself with {@link #acquire} / {@link #release}. The state word
 * holds a closed bit and the number of calls in flight. {@link #close} sets the bit; if calls are
 * in flight it only {@code shutdown(2)}s the socket, which wakes calls blocked in it, and the last
 * call to leave closes the descriptor. So no call ever reaches a descriptor number after it was
 * released — the kernel hands released numbers out again at once. This is the JDK's deferred
 * close, without its signal machinery.
 *
 * <p>A send that carries the descriptor to another process ({@code SCM_RIGHTS}) {@linkplain #hold()
 * holds} it instead: a hold keeps the number open like a call, but a close does not wake it —
 * shutting the socket down would break the very connection being handed over — it only leaves the
 * release to the last hold out.
 *
 * <p>{@link FdWatcher}s (readiness registrations) are told at {@link #close} itself, while the
 * closer still counts as a call in flight, not when the last user leaves: a closed socket leaves
 * every set at once, even while a parked call or a carrying send keeps its number for long.
 *
 * <p>A handle can be {@linkplain #confine() confined} to one thread, as a confined
 * {@link java.lang.foreign.Arena} is: from then on only that thread may use or close it, so no
 * other thread can race a call, and a call costs no atomic operation — a plain read of the state
 * and a thread check. Other threads get {@link WrongThreadException}. Confinement is for good.
 *
 * <p>Also the {@link java.lang.ref.Cleaner} action of its socket: run on an unreachable socket,
 * it closes the descriptor. (Unreachable means no call can be in flight: the owners keep their
 * socket reachable until a call's {@link #release}.)
 */
final class FdHandle implements Runnable {
    private static final long CLOSED = 1L << 62;
    private static final long DETACHED = 1L << 61;
    private static final long CONFINED = 1L << 60;
    /** Calls in flight: bits 0–29. */
    private static final long CALLS = (1L << 30) - 1;
    /** Holds by sends carrying the descriptor: bits 30–59. */
    private static final long HOLD = 1L << 30;
    private static final long HOLDS = CALLS * HOLD;
    private static final long USERS = CALLS | HOLDS;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(FdHandle.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile long state;
    /** The confining thread's id; written before the CONFINED bit is published, read after it is seen. */
    private long owner;
    /** The confining thread's scratch, so its calls skip the ThreadLocal lookup; published like {@link #owner}. */
    private Scratch ownerScratch;

    /** Readiness registrations to remove before the number is released (see {@link FdWatcher}); guarded by this. */
    private FdWatcher watchers;
    /** Set once the watchers have been told; guarded by this. */
    private boolean watchersReleased;

    FdHandle(int fd) {
        this.fd = fd;
    }

    /**
     * Adds a watcher, told before the descriptor is released. The caller holds a call in flight
     * ({@link #acquire}), so the number cannot be released meanwhile.
     *
     * @throws IllegalStateException if the handle is closed (or closing)
     * @throws IllegalArgumentException if a watcher with the same owner is already there
     */
    synchronized void watch(FdWatcher w) {
        if (watchersReleased || isClosed()) {
            throw new IllegalStateException("socket is closed");
        }
        for (FdWatcher x = watchers; x != null; x = x.nextWatcher) {
            if (x.watchOwner() == w.watchOwner()) {
                throw new IllegalArgumentException("descriptor " + fd + " is already registered with " + w.watchOwner());
            }
        }
        w.nextWatcher = watchers;
        watchers = w;
    }

    /** Removes a watcher; false if it is not (or no longer) there. */
    synchronized boolean unwatch(FdWatcher w) {
        FdWatcher prev = null;
        for (FdWatcher x = watchers; x != null; prev = x, x = x.nextWatcher) {
            if (x == w) {
                if (prev == null) {
                    watchers = x.nextWatcher;
                } else {
                    prev.nextWatcher = x.nextWatcher;
                }
                x.nextWatcher = null;
                return true;
            }
        }
        return false;
    }

    /** The watcher registered by {@code owner}, or null. */
    synchronized FdWatcher watcher(Object owner) {
        for (FdWatcher x = watchers; x != null; x = x.nextWatcher) {
            if (x.watchOwner() == owner) {
                return x;
            }
        }
        return null;
    }

    /** Tells every watcher, once, that the number is about to go; called while it is still ours. */
    private void releaseWatchers(boolean usersInFlight) {
        // Unlocked first look, so closing a socket that was never registered takes no monitor. A
        // watcher is only added by a call in flight, and the last call out publishes its writes
        // (the state's compare-and-set) before the release gets here; a stale non-null only
        // takes the locked path. Adding later fails anyway: the closed bit is already set. With
        // users still in flight (a close under calls), one of them may have just added a watcher
        // without publishing it: always look under the lock then.
        if (!usersInFlight && watchers == null) {
            return;
        }
        FdWatcher w;
        synchronized (this) {
            if (watchersReleased) {
                return;
            }
            watchersReleased = true;
            w = watchers;
            watchers = null;
        }
        while (w != null) { // outside the lock: a watcher takes its set's lock, which may call unwatch
            FdWatcher next = w.nextWatcher;
            w.nextWatcher = null;
            w.descriptorReleasing(fd);
            w = next;
        }
    }

    /** The descriptor number, for display; calls use the value {@link #acquire} returns. */
    int fd() {
        return fd;
    }

    /** Registers a call in flight and returns the descriptor; fails if the socket is closed. */
    int acquire() {
        for (;;) {
            long s = state;
            if ((s & CONFINED) != 0) {
                checkOwner();
                if ((s & CLOSED) != 0) {
                    throw new IllegalStateException("socket is closed");
                }
                return fd; // the owner cannot close while it is in this call: nothing to count
            }
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException("socket is closed");
            }
            if ((s & CALLS) == CALLS) {
                throw new IllegalStateException("too many calls in flight on the socket");
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                Scratch.enterCall(); // a virtual thread keeps its leased scratch until the call ends
                return fd;
            }
        }
    }

    /** Ends a call; the last call out after a close releases the descriptor. */
    void release() {
        if ((state & CONFINED) != 0) {
            return; // confinement needs no user in flight, so this call was not counted
        }
        leave((long) STATE.getAndAdd(this, -1L) - 1);
        Scratch.exitCall(); // last: the release above may still use the scratch to close(2)
    }

    /**
     * Holds the descriptor open for a send that carries it as {@code SCM_RIGHTS}; returns it. Like
     * {@link #acquire}, except that a {@link #close} meanwhile does not shut the socket down.
     */
    int hold() {
        for (;;) {
            long s = state;
            if ((s & CONFINED) != 0) {
                return acquire(); // the owner is the only one who could close: nothing to count
            }
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException("socket is closed");
            }
            if ((s & HOLDS) == HOLDS) {
                throw new IllegalStateException("too many sends in flight carry the descriptor");
            }
            if (STATE.compareAndSet(this, s, s + HOLD)) {
                return fd;
            }
        }
    }

    /** Ends a {@link #hold}; the last user out after a close releases the descriptor. */
    void unhold() {
        if ((state & CONFINED) != 0) {
            return;
        }
        leave((long) STATE.getAndAdd(this, -HOLD) - HOLD);
    }

    private void leave(long s) {
        if ((s & USERS) == 0 && (s & CLOSED) != 0 && (s & DETACHED) == 0) {
            closeNow();
        }
    }

    boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /**
     * Closes; idempotent and thread-safe. Returns false if it was already closed.
     *
     * <p>With calls in flight, the closing thread counts itself in flight while it sets the closed
     * bit, so the wake-up {@code shutdown(2)} below can never reach a descriptor that a call leaving
     * at the same moment has already released: whoever leaves last — that call or this one —
     * closes it. With none, one compare-and-set both closes the door and finds the room empty.
     */
    boolean close() {
        long s;
        for (;;) {
            s = state;
            if ((s & CLOSED) != 0) {
                return false;
            }
            if ((s & CONFINED) != 0) {
                checkOwner();
                return closeConfined(s);
            }
            if ((s & USERS) == 0) {
                // no user: the closed bit keeps new ones out and the number is released now
                if (STATE.compareAndSet(this, s, s | CLOSED)) {
                    closeNow();
                    return true;
                }
            } else if (STATE.compareAndSet(this, s, (s | CLOSED) + 1)) {
                break;
            }
        }
        // The registrations end now, not when the last user leaves: a call parked in the socket or
        // a send carrying it may keep the number for long, and meanwhile no readiness set may hand
        // the closed socket over. The number is still ours: this thread counts as a call in flight.
        releaseWatchers(true);
        if ((s & CALLS) != 0) {
            // wake the calls in flight (a send carrying the descriptor is not one of them: shutting
            // the socket down would break the connection being handed over)
            Scratch.enterCall(); // the closer is no counted call: give a virtual thread's lease back after
            try {
                LibC.shutdown(Scratch.get().cs, fd, Constants.SHUT_RDWR);
            } finally {
                Scratch.exitCall();
            }
        }
        // the last to leave (a call, a carrying send, or this thread) closes the descriptor
        leave((long) STATE.getAndAdd(this, -1L) - 1);
        return true;
    }

    /** Gives up ownership without closing: the caller takes the descriptor. */
    int detach() {
        long s;
        do {
            s = state;
            requireOpenAndIdle(s, "detach");
            if ((s & CONFINED) != 0) {
                checkOwner();
            }
        } while (!STATE.compareAndSet(this, s, s | CLOSED | DETACHED));
        releaseWatchers(false); // the number leaves our hands: no readiness set may keep it
        return fd;
    }

    /**
     * Confines the handle to the calling thread. Needs no call in flight from any thread; once
     * confined, the counted protocol above is never used again.
     */
    synchronized void confine() { // the only writer of owner/ownerScratch: two confiners never mix fields
        long me = Thread.currentThread().threadId();
        long s;
        do {
            s = state;
            requireOpenAndIdle(s, "confine"); // a confined handle never counts users
            if ((s & CONFINED) != 0) {
                if (owner == me) {
                    return;
                }
                throw wrongThread();
            }
            owner = me; // published by the compare-and-set below
            ownerScratch = Scratch.dedicated(); // never a virtual thread's lease: the socket keeps it
        } while (!STATE.compareAndSet(this, s, s | CONFINED));
    }

    /**
     * The calling thread's native temporaries. For a confined handle they are the owner's, held
     * here, and any other thread is refused before it could touch them.
     */
    Scratch scratch() {
        if ((state & CONFINED) != 0) {
            checkOwner();
            return ownerScratch;
        }
        return Scratch.get();
    }

    boolean isConfined() {
        return (state & CONFINED) != 0;
    }

    /** What detach and confine both need: an open handle that no call or carrying send is using. */
    private static void requireOpenAndIdle(long s, String what) {
        if ((s & CLOSED) != 0) {
            throw new IllegalStateException("socket is closed");
        }
        if ((s & USERS) != 0) {
            throw new IllegalStateException("cannot " + what + " while calls or sends carrying it are in flight");
        }
    }

    private void checkOwner() {
        if (Thread.currentThread().threadId() != owner) {
            throw wrongThread();
        }
    }

    private WrongThreadException wrongThread() {
        return new WrongThreadException("socket (fd " + fd + ") is confined to another thread");
    }

    private boolean closeConfined(long s) {
        // only the owner (or the Cleaner, once nothing can reach the socket) gets here: no race
        if (!STATE.compareAndSet(this, s, s | CLOSED)) {
            return false;
        }
        closeNow();
        return true;
    }

    private void closeNow() {
        releaseWatchers(false); // before close(2): a reused number must never inherit a registration
        // close(2) is never retried on EINTR: on Linux the descriptor is released regardless. A
        // close outside any call (no user in flight) must still give a virtual thread's lease back
        Scratch.enterCall();
        try {
            LibC.close(Scratch.get().cs, fd);
        } finally {
            Scratch.exitCall();
        }
    }

    /** The Cleaner's action; also run by {@code Cleanable.clean()} after an explicit close. */
    @Override
    public void run() {
        long s = state;
        if ((s & CONFINED) != 0 && (s & CLOSED) == 0) {
            closeConfined(s); // unreachable: its owner can no longer be in a call
        } else {
            close();
        }
    }
}
