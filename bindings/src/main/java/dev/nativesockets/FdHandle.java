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
    private static final int CLOSED = 1 << 30;
    private static final int DETACHED = 1 << 29;
    private static final int CONFINED = 1 << 28;
    private static final int COUNT = CONFINED - 1;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(FdHandle.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;
    /** The confining thread's id; written before the CONFINED bit is published, read after it is seen. */
    private long owner;
    /** The confining thread's scratch, so its calls skip the ThreadLocal lookup; published like {@link #owner}. */
    private Scratch ownerScratch;

    FdHandle(int fd) {
        this.fd = fd;
    }

    /** The descriptor number, for display; calls use the value {@link #acquire} returns. */
    int fd() {
        return fd;
    }

    /** Registers a call in flight and returns the descriptor; fails if the socket is closed. */
    int acquire() {
        for (;;) {
            int s = state;
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
            if (STATE.compareAndSet(this, s, s + 1)) {
                return fd;
            }
        }
    }

    /** Ends a call; the last call out after a close releases the descriptor. */
    void release() {
        if ((state & CONFINED) != 0) {
            return; // confinement needs a count of zero, so this call was not counted
        }
        int s = (int) STATE.getAndAdd(this, -1) - 1;
        if ((s & COUNT) == 0 && (s & CLOSED) != 0 && (s & DETACHED) == 0) {
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
        int s;
        for (;;) {
            s = state;
            if ((s & CLOSED) != 0) {
                return false;
            }
            if ((s & CONFINED) != 0) {
                checkOwner();
                return closeConfined(s);
            }
            if ((s & COUNT) == 0) {
                // nothing in flight, and the closed bit keeps any new call out: release at once
                if (STATE.compareAndSet(this, s, s | CLOSED)) {
                    closeNow();
                    return true;
                }
            } else if (STATE.compareAndSet(this, s, (s | CLOSED) + 1)) {
                break;
            }
        }
        // wake the calls in flight; the last to leave (they or this thread) closes the descriptor
        LibC.shutdown(Scratch.get().cs, fd, Constants.SHUT_RDWR);
        release();
        return true;
    }

    /** Gives up ownership without closing: the caller takes the descriptor. */
    int detach() {
        int s;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException("socket is closed");
            }
            if ((s & CONFINED) != 0) {
                checkOwner();
            }
            if ((s & COUNT) != 0) {
                throw new IllegalStateException("cannot detach while calls are in flight on the socket");
            }
        } while (!STATE.compareAndSet(this, s, s | CLOSED | DETACHED));
        return fd;
    }

    /**
     * Confines the handle to the calling thread. Needs no call in flight from any thread; once
     * confined, the counted protocol above is never used again.
     */
    synchronized void confine() { // the only writer of owner/ownerScratch: two confiners never mix fields
        long me = Thread.currentThread().threadId();
        int s;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException("socket is closed");
            }
            if ((s & CONFINED) != 0) {
                if (owner == me) {
                    return;
                }
                throw wrongThread();
            }
            if ((s & COUNT) != 0) {
                throw new IllegalStateException("cannot confine while calls are in flight on the socket");
            }
            owner = me; // published by the compare-and-set below
            ownerScratch = Scratch.get();
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

    private void checkOwner() {
        if (Thread.currentThread().threadId() != owner) {
            throw wrongThread();
        }
    }

    private WrongThreadException wrongThread() {
        return new WrongThreadException("socket (fd " + fd + ") is confined to another thread");
    }

    private boolean closeConfined(int s) {
        // only the owner (or the Cleaner, once nothing can reach the socket) gets here: no race
        if (!STATE.compareAndSet(this, s, s | CLOSED)) {
            return false;
        }
        closeNow();
        return true;
    }

    private void closeNow() {
        // close(2) is never retried on EINTR: on Linux the descriptor is released regardless
        LibC.close(Scratch.get().cs, fd);
    }

    /** The Cleaner's action; also run by {@code Cleanable.clean()} after an explicit close. */
    @Override
    public void run() {
        int s = state;
        if ((s & CONFINED) != 0 && (s & CLOSED) == 0) {
            closeConfined(s); // unreachable: its owner can no longer be in a call
        } else {
            close();
        }
    }
}
