package dev.nativesockets;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * A readiness set: the portable event loop over {@link Epoll} (Linux) or {@link Kqueue} (macOS),
 * whichever the platform has. A server written once against it serves many connections from one
 * thread on both.
 *
 * <pre>{@code
 * try (Readiness loop = Readiness.open()) {
 *     loop.register(listener, Readiness.READ, null);
 *     while (true) {
 *         loop.await(null, (registration, ops) -> { ... });
 *     }
 * }
 * }</pre>
 *
 * <p><b>Interest.</b> {@link #READ} and/or {@link #WRITE}, optionally {@link #EDGE_TRIGGERED}
 * (epoll {@code EPOLLET}, kqueue {@code EV_CLEAR}) and {@link #ONE_SHOT} (disarmed after one event
 * until {@link Registration#interest(int)} re-arms it). Level-triggered by default.
 *
 * <p><b>Waiting</b> hands each ready registration to a {@link ReadyHandler} with the ready
 * operations: {@link #READ}, {@link #WRITE}, plus {@link #HANGUP} and {@link #ERROR}. Events come from
 * a native array reused by every wait and registrations are found by an index stored in the kernel's
 * cookie (never a pointer to a Java object), so a wait allocates nothing per event. On kqueue a
 * registration that is readable and writable is handed over twice, once per filter.
 *
 * <p><b>Threads.</b> {@link #register}, {@link Registration#interest(int)}, {@link Registration#cancel()},
 * {@link #wakeup()} and {@link #close()} may be called from any thread, also while another waits
 * (the wait sees a change at its next system call, as the kernel does). One thread waits at a time.
 * {@link #wakeup()} makes the current (or next) wait return; repeated calls before it does coalesce
 * into one wake-up ({@code eventfd} on Linux, {@code EVFILT_USER} on macOS). {@link #close()} wakes
 * a waiting thread, whose wait then fails with {@link ReadinessClosedException}.
 *
 * <p><b>Descriptor safety.</b> Closing (or detaching) a registered socket removes it from the kernel
 * set before its number is released, so a socket that is later given the same number never sees the
 * old registration's events or attachment — also while a {@code dup} or an {@code SCM_RIGHTS} copy of
 * the old descriptor lives on. An event already queued for an ended registration is dropped: its
 * cookie carries the slot's generation.
 */
public final class Readiness implements AutoCloseable {
    /** Interest / ready: data to read, a connection to accept, or end of stream. */
    public static final int READ = 1;
    /** Interest / ready: writing will not block (or a connect finished). */
    public static final int WRITE = 1 << 1;
    /** Interest mode: report only changes ({@code EPOLLET} / {@code EV_CLEAR}); read and write until would-block. */
    public static final int EDGE_TRIGGERED = 1 << 2;
    /** Interest mode: disarm after one event until the interest is set again ({@code EPOLLONESHOT} / {@code EV_ONESHOT}). */
    public static final int ONE_SHOT = 1 << 3;
    /** Ready only: the peer hung up or shut down its writing half. */
    public static final int HANGUP = 1 << 4;
    /** Ready only: an error is pending on the socket ({@code SO_ERROR} tells which). */
    public static final int ERROR = 1 << 5;

    static final int INTEREST_BITS = READ | WRITE | EDGE_TRIGGERED | ONE_SHOT;
    /** Events one wait takes from the kernel by default. */
    public static final int DEFAULT_CAPACITY = 1024;
    /** The wake-up's cookie: never a registration's (their generation is never all ones). */
    static final long WAKE_TOKEN = -1L;

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Registration[].class);
    private static final VarHandle WAITER;

    static {
        try {
            WAITER = MethodHandles.lookup().findVarHandle(Readiness.class, "waiter", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ReadyBackend backend;
    /** Guards the slot table, the free list, and every registration's state change. */
    private final Object lock = new Object();
    /** Registrations by slot; elements published with release stores, read with acquire loads. */
    private volatile Registration[] slots = new Registration[64];
    private int[] generations = new int[64];
    private int[] free = new int[64];
    private int freeCount;
    private int used;
    private int size;
    private volatile boolean closed;
    @SuppressWarnings("unused") // through WAITER
    private volatile Thread waiter;
    /** Events of the last wait not yet handed over (a handler threw): [pendingFrom, pendingTo). */
    private int pendingFrom;
    private int pendingTo;
    private final Object wakeLock = new Object();
    /** A wake-up is in the kernel and not yet consumed; guarded by wakeLock. */
    private boolean wakePending;

    private Readiness(ReadyBackend backend) {
        this.backend = backend;
    }

    /** {@link #open(int)} with {@link #DEFAULT_CAPACITY} events per wait. */
    public static Readiness open() throws IOException {
        return open(DEFAULT_CAPACITY);
    }

    /**
     * Opens the platform's readiness set: {@code epoll_create1(2)} plus an {@code eventfd(2)} for
     * wake-ups on Linux, {@code kqueue(2)} with an {@code EVFILT_USER} event on macOS.
     *
     * @param capacity events taken from the kernel per wait (more ready ones wait for the next), 1 .. 2<sup>20</sup>
     */
    public static Readiness open(int capacity) throws IOException {
        RawReadinessSet.checkCapacity(capacity);
        ReadyBackend b = Epoll.isSupported() ? new EpollBackend(capacity) : new KqueueBackend(capacity);
        return new Readiness(b);
    }

    /** The kernel mechanism underneath (for tests that inspect the kernel's own view). */
    ReadyBackend backend() {
        return backend;
    }

    /** "epoll" or "kqueue". */
    public String mechanism() {
        return backend.name();
    }

    /** How many registrations are active. */
    public int size() {
        synchronized (lock) {
            return size;
        }
    }

    public boolean isOpen() {
        return !closed;
    }

    /**
     * Registers {@code socket} with {@code interest} and {@code attachment} ({@code epoll_ctl(EPOLL_CTL_ADD)}
     * / {@code kevent} EV_ADD). A non-blocking socket is what a loop wants; this does not change the mode.
     *
     * @throws IllegalArgumentException for a null socket, an unknown interest bit, or a socket already in this set
     * @throws IllegalStateException if the socket or this set is closed
     * @throws WrongThreadException if the socket is {@linkplain Socket#confine() confined} to another thread
     */
    public Registration register(Socket socket, int interest, Object attachment) throws IOException {
        Checks.requireArg(socket, "socket");
        checkInterest(interest);
        ensureOpen();
        socket.acquire(); // throws if closed
        try {
            return register(socket, null, socket.handle(), interest, attachment);
        } finally {
            socket.release();
        }
    }

    /** {@link #register(Socket, int, Object)} for any descriptor: a pipe, an eventfd, a timerfd … */
    public Registration register(Fd fd, int interest, Object attachment) throws IOException {
        Checks.requireArg(fd, "fd");
        checkInterest(interest);
        ensureOpen();
        FdHandle h = fd.handle();
        h.acquire();
        try {
            return register(null, fd, h, interest, attachment);
        } finally {
            h.release();
        }
    }

    /**
     * Registers another set's own descriptor, which is readable while that set has events: how a
     * poller that must not block (a virtual thread) waits for its set — see {@link VirtualWait}.
     */
    Registration registerSet(Readiness inner, int interest, Object attachment) throws IOException {
        checkInterest(interest);
        FdHandle h = inner.backend.descriptor();
        h.acquire();
        try {
            return register(null, null, h, interest, attachment);
        } finally {
            h.release();
        }
    }

    /** The caller holds a call in flight on {@code h}, so its number stays ours throughout. */
    private Registration register(Socket socket, Fd fd, FdHandle h, int interest, Object attachment) throws IOException {
        synchronized (lock) {
            ensureOpen();
            int slot = allocateSlot();
            long token = ((long) generations[slot] << 32) | slot;
            Registration r = new Registration(this, socket, fd, h, token, interest, attachment);
            try {
                h.watch(r); // refuses a second registration of the descriptor in this set
            } catch (RuntimeException e) {
                freeSlot(slot);
                throw e;
            }
            SLOTS.setRelease(slots, slot, r); // before the kernel can report it
            try {
                backend.add(h.fd(), interest, token);
            } catch (IOException | RuntimeException e) {
                h.unwatch(r);
                r.state = Registration.CANCELLED;
                SLOTS.setRelease(slots, slot, (Registration) null);
                freeSlot(slot);
                throw e;
            }
            size++;
            return r;
        }
    }

    /** The active registration of {@code socket} in this set, or null: for a poller that arms one registration again and again. */
    Registration registrationOf(Socket socket) {
        FdWatcher w = socket.handle().watcher(this);
        return w instanceof Registration r && r.isValid() ? r : null;
    }

    // The descriptor is acquired and released outside the lock: a release may be the last one out
    // of a closed socket and run its watchers, which take the locks of other readiness sets too.

    void modify(Registration r, int interest) throws IOException {
        checkInterest(interest);
        int fd = r.acquire(); // throws if the socket is closed, or confined to another thread
        try {
            synchronized (lock) {
                requireActive(r);
                int old = r.interest;
                r.interest = interest; // first: the kernel may report at once, and the waiter masks with it
                try {
                    backend.modify(fd, old, interest, r.token);
                } catch (IOException | RuntimeException e) {
                    r.interest = old;
                    throw e;
                }
            }
        } finally {
            r.release();
        }
    }

    void cancel(Registration r) {
        int fd;
        try {
            fd = r.acquire(); // a confined socket's other threads are refused here, nothing changed
        } catch (IllegalStateException closing) {
            synchronized (lock) {
                if (r.state == Registration.DESCRIPTOR_CLOSED) {
                    return; // closing the socket already took it out
                }
                requireActive(r);
                // closed a moment ago, its closer about to tell the watchers: the watcher deletes
                // the kernel entry; until then its events are dropped by the generation
                end(r, Registration.CANCELLED);
            }
            return;
        }
        try {
            synchronized (lock) {
                if (r.state == Registration.DESCRIPTOR_CLOSED) {
                    return;
                }
                requireActive(r);
                backend.delete(fd, r.interest);
                r.handle.unwatch(r);
                end(r, Registration.CANCELLED);
            }
        } finally {
            r.release();
        }
    }

    /** From the descriptor's close path, before {@code close(2)}: the number is still ours. */
    void descriptorReleasing(Registration r, int fd) {
        synchronized (lock) {
            if (r.state == Registration.ACTIVE) {
                end(r, Registration.DESCRIPTOR_CLOSED);
            }
            if (!closed) {
                backend.delete(fd, r.interest);
            }
        }
    }

    /** Ends an active registration: out of the table, its slot's generation moved on. Under the lock. */
    private void end(Registration r, int state) {
        r.state = state;
        int slot = (int) r.token;
        SLOTS.setRelease(slots, slot, (Registration) null);
        freeSlot(slot);
        size--;
    }

    private void requireActive(Registration r) {
        switch (r.state) {
            case Registration.ACTIVE -> { }
            case Registration.CANCELLED -> throw new IllegalStateException("registration already cancelled: " + r);
            case Registration.DESCRIPTOR_CLOSED -> throw new IllegalStateException("registered descriptor is closed: " + r);
            default -> throw new IllegalStateException("readiness set is closed");
        }
    }

    private int allocateSlot() {
        if (freeCount > 0) {
            return free[--freeCount];
        }
        if (used == slots.length) {
            Registration[] bigger = java.util.Arrays.copyOf(slots, used * 2);
            generations = java.util.Arrays.copyOf(generations, used * 2);
            free = java.util.Arrays.copyOf(free, used * 2);
            slots = bigger; // volatile: a waiter reading a later slot reloads the array
        }
        generations[used] = 1;
        return used++;
    }

    private void freeSlot(int slot) {
        int g = generations[slot] + 1;
        generations[slot] = g == Integer.MAX_VALUE ? 1 : g; // never all ones: the wake token stays unique
        free[freeCount++] = slot;
    }

    /**
     * Waits until a registration is ready, {@link #wakeup()} is called, or the timeout passes, and hands
     * each ready registration to {@code handler} on this thread ({@code epoll_wait(2)} /
     * {@code epoll_pwait2(2)}, {@code kevent(2)}). A signal does not end the wait early.
     *
     * @param timeout how long to wait: {@code null} forever, {@link Duration#ZERO} just looks
     * <p>On a virtual thread the kernel wait runs on a platform thread of the library while the
     * caller parks (a foreign call blocked in the kernel would pin its carrier); the handler still
     * runs on the caller.
     *
     * @return how many events were handed over; 0 on timeout or wake-up
     * @throws IllegalArgumentException for a null handler or a negative timeout (100 years or more waits forever, as {@code null})
     * @throws IllegalStateException if this set is closed, or another thread (or the handler itself) is waiting
     * @throws ReadinessClosedException if another thread closed the set during the wait
     * @throws IOException what the handler threw; the events not yet handed over come with the next wait
     */
    public int await(Duration timeout, ReadyHandler handler) throws IOException {
        Checks.requireArg(handler, "handler");
        long nanos = WaitTimeout.nanos(timeout);
        ensureOpen();
        if (!WAITER.compareAndSet(this, (Thread) null, Thread.currentThread())) {
            throw new IllegalStateException(waiter == Thread.currentThread()
                    ? "wait called from its own handler" : "another thread is already waiting");
        }
        backend.enter();
        try {
            if (pendingFrom < pendingTo) {
                return deliver(handler); // what a throwing handler left over: no system call
            }
            int n;
            try {
                // on a virtual thread the kernel wait runs on a platform thread of the library while
                // this thread parks; the events are handed over here, on the caller's thread
                n = nanos != 0 && PlatformThreadOffload.applies() ? PlatformThreadOffload.call(() -> backend.waitEvents(nanos)) : backend.waitEvents(nanos);
            } catch (IllegalStateException e) {
                throw new ReadinessClosedException(); // closed between the check above and the call
            }
            if (closed) {
                throw new ReadinessClosedException();
            }
            pendingFrom = 0;
            pendingTo = n;
            return deliver(handler);
        } finally {
            backend.leave();
            waiter = null;
        }
    }

    /** {@link #await(Duration, ReadyHandler)} with a zero timeout: hands over what is ready now. */
    public int poll(ReadyHandler handler) throws IOException {
        return await(Duration.ZERO, handler);
    }

    private int deliver(ReadyHandler handler) throws IOException {
        int count = 0;
        while (pendingFrom < pendingTo) {
            int i = pendingFrom++;
            long token = backend.token(i);
            if (token == WAKE_TOKEN) {
                consumeWakeup();
                continue;
            }
            int slot = (int) token;
            Registration[] table = slots;
            if (slot < 0 || slot >= table.length) {
                continue;
            }
            Registration r = (Registration) SLOTS.getAcquire(table, slot);
            if (r == null || r.token != token || r.state != Registration.ACTIVE || r.handle.isClosed()) {
                // ended meanwhile: its queued event must not reach a successor; closed and its
                // watchers not yet told: a closed socket is never handed over
                continue;
            }
            int ops = backend.readyOps(i);
            ops &= r.interest | HANGUP | ERROR;
            if (ops == 0) {
                continue;
            }
            count++;
            handler.ready(r, ops);
            if (closed) {
                pendingTo = 0;
                pendingFrom = 0;
                throw new ReadinessClosedException();
            }
        }
        return count;
    }

    /**
     * Makes the wait in progress return, or the next one if none is. Calls before that wait returns
     * coalesce into one. Any thread; does nothing once closed.
     */
    public void wakeup() {
        synchronized (wakeLock) {
            if (wakePending || closed) {
                return;
            }
            wakePending = true;
            backend.wakeup();
        }
    }

    /** Whether a wake-up is signalled and not yet consumed by a wait (for tests). */
    boolean wakeupPending() {
        synchronized (wakeLock) {
            return wakePending;
        }
    }

    private void consumeWakeup() {
        synchronized (wakeLock) {
            backend.clearWakeup();
            wakePending = false;
        }
    }

    /**
     * Closes the set: every registration ends, a waiting thread is woken and its wait fails with
     * {@link ReadinessClosedException}, and the descriptors are released once it has left. Idempotent.
     * The registered sockets stay open.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            Registration[] table = slots;
            for (int i = 0; i < used; i++) {
                Registration r = table[i];
                if (r != null && r.state == Registration.ACTIVE) {
                    r.state = Registration.SET_CLOSED;
                    r.handle.unwatch(r); // the socket no longer needs to tell us of its close
                    table[i] = null;
                }
            }
            size = 0;
        }
        synchronized (wakeLock) {
            backend.wakeup(); // the waiter sees closed when it returns
        }
        backend.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("readiness set is closed");
        }
    }

    private static void checkInterest(int interest) {
        if ((interest & ~INTEREST_BITS) != 0) {
            throw new IllegalArgumentException("unknown interest bits: 0x" + Integer.toHexString(interest & ~INTEREST_BITS)
                    + " (READ, WRITE, EDGE_TRIGGERED, ONE_SHOT)");
        }
    }

    @Override
    public String toString() {
        return "Readiness[" + backend.name() + (closed ? ", closed" : "") + "]";
    }
}
