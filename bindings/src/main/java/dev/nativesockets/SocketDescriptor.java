package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.net.SocketAddress;

/**
 * The descriptor side of a {@link Socket}: what every call on it reads and does around its system
 * call, and nothing of its API. A call takes its native temporaries ({@link #scratch()},
 * {@link #callState()}), holds the descriptor ({@link #acquire()} … {@link #release()}), and turns
 * a failure into the socket's exception ({@link #fail}, {@link #failIo}, {@link #wouldBlock}) —
 * the classes behind {@code Socket}'s calls ({@link SendReceive}, {@link Connector},
 * {@link ImmediateCalls}, …) all go through these.
 *
 * <p>The one subclass is {@code Socket} (as the JDK's {@code LongAdder} keeps its machinery in the
 * package-private {@code Striped64}): the fields live in the socket object itself, so the confined
 * fast path below reads one object, exactly as when all of this was written in {@code Socket}.
 * {@link FdHandle} owns the descriptor; this class is how a call on the socket reaches it.
 */
abstract sealed class SocketDescriptor permits Socket {
    final FdHandle handle;
    private final int fd;
    final int family;
    final int type;
    private volatile boolean blocking = true;
    volatile int lastError;
    /*
     * The confined fast path reads the socket alone: a round trip switches threads on every call
     * and each switch leaves these lines cold, so the owner's call should not also walk to the
     * handle and the handle's scratch before it reaches the downcall. Written only by the owner
     * (confine sets them, close and detach clear owner); any other thread fails the
     * owner == currentThread test, whatever it reads here, and takes the handle's checked path.
     */
    private Thread owner; // non-null while confined and open
    private Scratch ownerScratch;
    private MemorySegment ownerCallState; // ownerScratch.cs, one hop nearer for send and recv
    /*
     * A shared socket keeps the scratch of the first thread that made a call on it (for a socket
     * from listen() or connect(), the thread that set it up), so that thread's calls skip the
     * ThreadLocal lookup (~5 ns of a ~20 ns wrapper). Written once, never moved: a socket two
     * threads use at once (a reader and a writer) would otherwise rewrite it on every call and
     * bounce its cache line between CPUs. Another thread's scratch is only ever compared by its
     * final thread field, never used. The price: the socket keeps that thread's scratch (64 KiB
     * and more of native memory) alive until the socket itself is unreachable, even after the
     * thread has ended.
     */
    private Scratch firstUserScratch;

    SocketDescriptor(int fd, int family, int type) {
        this.handle = new FdHandle(fd);
        this.fd = fd;
        this.family = family;
        this.type = type;
    }

    // ---- the confined fast path -------------------------------------------------------------

    /**
     * Whether the calling thread owns this open confined socket: then a call may skip the handle
     * (nothing can close the socket under its owner's call).
     */
    private boolean owned() {
        return owner == Thread.currentThread();
    }

    /** After {@link FdHandle#confine()} succeeded: the owner's calls take the fast path from now on. */
    final void enterFastPath() {
        firstUserScratch = null; // another first caller must meet the handle's refusal in scratch()
        ownerScratch = handle.scratch();
        ownerCallState = ownerScratch.cs;
        owner = Thread.currentThread();
    }

    /** After a close or detach by the owner: later calls take the handle's path, which refuses them. */
    final void leaveFastPath() {
        if (owned()) {
            owner = null;
        }
    }

    // ---- around every call ------------------------------------------------------------------

    /** The calling thread's native temporaries. */
    final Scratch scratch() {
        return owned() ? ownerScratch : sharedScratch();
    }

    /** {@link #scratch()} for a thread that is not the owner: the kept first caller's, else the handle's. */
    private Scratch sharedScratch() {
        Scratch first = firstUserScratch;
        return first != null && first.thread == Thread.currentThread() ? first : claimScratch();
    }

    private Scratch claimScratch() {
        Scratch s = handle.scratch(); // refuses a thread other than a confined socket's owner
        if (firstUserScratch == null && s.thread != null && !handle.isConfined()) { // never a virtual thread's lease
            // a racing thread may win instead: either is a right answer. A confine() racing this
            // store can leave the fast path to a non-owner; FdHandle.acquire() still refuses it
            // before any system call
            firstUserScratch = s;
        }
        return s;
    }

    /** The calling thread's errno capture segment: {@code scratch().cs}, without the scratch on the owner's path. */
    final MemorySegment callState() {
        return owned() ? ownerCallState : sharedScratch().cs;
    }

    /** The descriptor's owner, for readiness sets that must hear of its release ({@link FdWatcher}). */
    final FdHandle handle() {
        return handle;
    }

    /** Begins a call: the descriptor number, held open until {@link #release()}. */
    final int acquire() {
        return owned() ? fd : handle.acquire();
    }

    /**
     * Ends a call begun with {@link #acquire()}. Also keeps this socket reachable until the call is
     * over, so that its Cleaner cannot close the descriptor under a call in flight.
     */
    final void release() {
        if (!owned()) {
            handle.release();
        }
        Reference.reachabilityFence(this);
    }

    /** Holds the descriptor open while a send carries it as SCM_RIGHTS (see {@link FdHandle#hold}). */
    final int hold() {
        return handle.hold();
    }

    final void unhold() {
        handle.unhold();
        Reference.reachabilityFence(this);
    }

    // ---- the state calls read ---------------------------------------------------------------

    final boolean blockingMode() {
        return blocking;
    }

    final void blockingModeSet(boolean on) {
        blocking = on;
    }

    /** The {@code SOCK_*} type as the kernel numbers it. */
    final int rawType() {
        return type;
    }

    final void checkFamily(SocketAddress address) {
        int f = Addresses.familyOf(address);
        if (f != family && !(family == Constants.AF_INET6 && f == Constants.AF_INET)) {
            throw new IllegalArgumentException("address " + address + " (family " + f + ") does not fit a socket of family " + family);
        }
    }

    // ---- how a call fails -------------------------------------------------------------------

    /** The errno {@link Socket#lastError()} reports, for a failure raised outside {@link #fail}. */
    final void recordError(int errno) {
        lastError = errno;
    }

    /**
     * Records a would-block errno as PHP does ({@code socket_last_error} reports {@code EAGAIN}
     * after a non-blocking read found nothing) and returns {@link Socket#WOULD_BLOCK}. Allocation-free.
     */
    final int wouldBlock(int errno) {
        lastError = errno;
        Errno.recordLast(errno);
        return Socket.WOULD_BLOCK;
    }

    /**
     * A call that returned normally while another thread closed the socket — woken by the
     * {@code shutdown(2)} of the close, typically with 0 — reports the close, not its result.
     */
    final void checkNotClosedDuring(String operation) throws SocketClosedException {
        if (!owned() && handle.isClosed()) { // only the owner closes a confined socket
            throw new SocketClosedException(operation);
        }
    }

    /** The exception for a failed call: closed-by-another-thread wins over the errno it produced. */
    final IOException fail(String operation, int errno) {
        if (handle.isClosed()) {
            return new SocketClosedException(operation);
        }
        lastError = errno;
        return Errno.exception(operation, errno);
    }

    /** {@link #fail} for data transfer: EAGAIN in blocking mode is a timeout (SO_RCVTIMEO/SO_SNDTIMEO). */
    final IOException failIo(String operation, int errno) {
        if (SocketWait.isWouldBlock(errno) && !handle.isClosed()) {
            lastError = errno;
            return Errno.timeout(operation, errno);
        }
        return fail(operation, errno);
    }
}
