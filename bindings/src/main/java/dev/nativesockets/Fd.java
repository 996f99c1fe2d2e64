package dev.nativesockets;

import java.io.IOException;
import java.lang.ref.Cleaner;

/**
 * An owned file descriptor of any kind — socket, pipe, file, eventfd — as it arrives in an
 * {@code SCM_RIGHTS} control message ({@code recvmsg(2)}), or as {@link #adopt adopted} from
 * elsewhere. Closing it calls {@code close(2)}; one that becomes unreachable unclosed is closed by
 * a {@link Cleaner}, so a received descriptor never leaks.
 *
 * <p>Ownership can move on: {@link #toSocket()} hands it to a {@link Socket} (after checking that
 * it is one), {@link #detach()} to the caller as a bare number — for another library, a child
 * process, or {@code SCM_RIGHTS} again. A JDK user can reach the descriptor of a regular file
 * through {@code /proc/self/fd/N} (Linux) or {@code /dev/fd/N} (Darwin) with
 * {@link java.nio.file.Files}; the JDK has no public way to wrap a socket descriptor in a
 * {@code SocketChannel}, which is what {@link Socket} is for.
 *
 * <p>The number stays valid while the {@code Fd} is open; a send that carries it
 * ({@link ControlMessage#rights(Fd...)}) holds it open for the duration of the call.
 */
public final class Fd implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final FdHandle handle;
    private final Cleaner.Cleanable cleanable;

    private Fd(int fd) {
        this.handle = new FdHandle(fd);
        this.cleanable = CLEANER.register(this, handle);
    }

    /**
     * Takes ownership of {@code fd}: from now on this object closes it. Nothing is checked beyond
     * the sign; the number must be an open descriptor nobody else will close.
     */
    public static Fd adopt(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("descriptor must not be negative: " + fd);
        }
        return new Fd(fd);
    }

    /** The descriptor number; valid only while this is open. Never close it yourself. */
    public int value() {
        if (handle.isClosed()) {
            throw new IllegalStateException("descriptor is closed or detached");
        }
        return handle.fd();
    }

    public boolean isClosed() {
        return handle.isClosed();
    }

    /**
     * Moves the descriptor into a {@link Socket} ({@link Socket#adopt(int)}: PHP's
     * {@code socket_import_stream}). On success this {@code Fd} is detached and the socket owns
     * the descriptor; if it is no socket ({@code ENOTSOCK}) this {@code Fd} still owns it.
     */
    public synchronized Socket toSocket() throws IOException {
        int fd = handle.acquire();
        Socket s;
        try {
            s = Socket.adopt(fd);
        } finally {
            handle.release();
        }
        try {
            handle.detach();
        } catch (IllegalStateException e) {
            s.detach(); // a call still holds this Fd: give the number back rather than own it twice
            throw e;
        }
        cleanable.clean(); // detached: the cleaner's close does nothing
        return s;
    }

    /**
     * Gives up ownership without closing: the caller owns the number from now on.
     *
     * @throws IllegalStateException if closed, or while a send carrying it is in flight
     */
    public synchronized int detach() {
        int fd = handle.detach();
        cleanable.clean();
        return fd;
    }

    /** {@code close(2)}; idempotent. */
    @Override
    public synchronized void close() {
        cleanable.clean();
    }

    /** The descriptor's owner, for readiness sets that must hear of its release ({@link FdWatcher}). */
    FdHandle handle() {
        return handle;
    }

    /** Holds the descriptor open while a send carries it (see {@link FdHandle#hold}). */
    int hold() {
        return handle.hold();
    }

    void unhold() {
        handle.unhold();
        java.lang.ref.Reference.reachabilityFence(this);
    }

    @Override
    public String toString() {
        return "Fd[" + handle.fd() + (handle.isClosed() ? ", closed" : "") + "]";
    }
}
