package dev.nativesockets;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What the two raw kernel readiness sets, {@link Epoll} and {@link Kqueue}, share: the set's own
 * descriptor and the {@link SetEntries} it puts on added descriptors' handles (also its Cleaner
 * action), the native event array of a fixed capacity with the wait's timeout and errno capture,
 * and the rule that one thread waits at a time. Each subclass adds its system calls.
 */
abstract class RawReadinessSet implements AutoCloseable {
    /** Far more than one wait can use; keeps the native array a sane size. */
    static final int MAX_CAPACITY = 1 << 20;
    private static final VarHandle WAITER;

    static {
        try {
            WAITER = MethodHandles.lookup().findVarHandle(RawReadinessSet.class, "waiter", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final FdHandle handle;
    /** The entries on added descriptors' handles; also the Cleaner's action. Never points back here. */
    final SetEntries entries;
    private final java.lang.ref.Cleaner.Cleanable cleanable;
    final int capacity;
    /** The native event array the kernel fills, {@code capacity} entries. */
    final MemorySegment events;
    final MemorySegment timeout;
    /** Only the waiting thread captures errno here. */
    final MemorySegment waitCs;
    @SuppressWarnings("unused") // through WAITER
    private volatile Thread waiter;

    /**
     * Takes ownership of {@code fd}. {@code deleter} is a static method of the subclass, so that the
     * entries on sockets' handles keep nothing of this object reachable.
     */
    RawReadinessSet(int fd, int capacity, long eventSize, long timeoutSize, SetEntries.Deleter deleter) {
        this.handle = new FdHandle(fd);
        this.entries = new SetEntries(handle, deleter);
        this.cleanable = Epoll.CLEANER.register(this, entries);
        this.capacity = capacity;
        Arena arena = Arena.ofAuto(); // freed when unreachable: a late reader never meets freed memory
        this.events = arena.allocate(eventSize * capacity, 8);
        this.timeout = arena.allocate(timeoutSize, 8);
        this.waitCs = dev.nativesockets.libc.CallState.allocate(arena);
    }

    /** The capacity check of {@code open}, before any native call. */
    static void checkCapacity(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be 1.." + MAX_CAPACITY + ": " + capacity);
        }
    }

    /** The set's own descriptor (readable while events are pending), for a set of sets. */
    FdHandle handle() {
        return handle;
    }

    /** How many events one {@code await} can return. */
    public int capacity() {
        return capacity;
    }

    /** Claims the wait for this thread: one waiter at a time. */
    void enter() {
        if (!WAITER.compareAndSet(this, (Thread) null, Thread.currentThread())) {
            throw new IllegalStateException("another thread is already waiting on " + this);
        }
    }

    void leave() {
        waiter = null;
    }

    boolean isClosed() {
        return handle.isClosed();
    }

    /**
     * {@code close(2)}; idempotent. Every added descriptor's handle forgets this set (nothing the
     * sockets hold keeps it reachable); a thread in {@code await} keeps the descriptor until it
     * returns. Dropped unclosed, the set's Cleaner does the same.
     */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[fd=" + handle.fd() + (handle.isClosed() ? ", closed" : "") + "]";
    }
}
