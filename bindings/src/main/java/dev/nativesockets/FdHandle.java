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
 * <p>Also the {@link java.lang.ref.Cleaner} action of its socket: run on an unreachable socket,
 * it closes the descriptor.
 */
final class FdHandle implements Runnable {
    private static final int CLOSED = 1 << 30;
    private static final int DETACHED = 1 << 29;
    private static final int COUNT = DETACHED - 1;
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
     * <p>The closing thread counts itself in flight while it sets the closed bit, so the wake-up
     * {@code shutdown(2)} below can never reach a descriptor that a call leaving at the same moment
     * has already released: whoever leaves last — that call or this one — closes it.
     */
    boolean close() {
        int s;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                return false;
            }
        } while (!STATE.compareAndSet(this, s, (s | CLOSED) + 1));
        if ((s & COUNT) != 0) {
            // wake the calls in flight; the last to leave closes the descriptor
            LibC.shutdown(Scratch.get().cs, fd, Constants.SHUT_RDWR);
        }
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
            if ((s & COUNT) != 0) {
                throw new IllegalStateException("cannot detach while calls are in flight on the socket");
            }
        } while (!STATE.compareAndSet(this, s, s | CLOSED | DETACHED));
        return fd;
    }

    private void closeNow() {
        // close(2) is never retried on EINTR: on Linux the descriptor is released regardless
        LibC.close(Scratch.get().cs, fd);
    }

    @Override
    public void run() {
        close();
    }
}
