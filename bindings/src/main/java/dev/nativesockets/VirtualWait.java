package dev.nativesockets;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * How a blocking-mode call made on a virtual thread waits without holding its carrier: the call is
 * issued non-blocking ({@code MSG_DONTWAIT}, or {@code O_NONBLOCK} for the span of an accept or a
 * connect), and on {@code EAGAIN}/{@code EINPROGRESS} the virtual thread parks here until one of
 * the library's {@link VirtualThreadWaker}s sees the descriptor ready. A foreign call that blocks in the kernel would
 * pin the carrier for its whole length (a native frame cannot be unmounted).
 *
 * <p>One per socket, made the first time a virtual thread has to wait on it and kept until the
 * descriptor is released: the descriptor is added once to one waker's set, <em>edge-triggered</em>
 * for reading and writing ({@code EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET}; {@code EV_CLEAR} on
 * kqueue), and never re-armed. Each edge the waker takes moves a per-direction sequence number
 * and unparks the waiters of that direction. A call reads the number ({@link #mark}) before its
 * attempt and hands it to {@link #await} after the attempt failed: the thread parks only if no
 * edge has come since — so an edge between the failed call and the park is never lost, and the
 * common path costs no system call besides the failed attempt itself (the JDK's one-shot poller
 * re-arms with {@code epoll_ctl} before every park).
 *
 * <p>What it holds: the descriptor's {@link FdHandle} and a slot in its waker's table — never the
 * {@link Socket}, so a socket dropped unclosed after a park is still collected, and its Cleaner's
 * close ends the registration. It is the handle's {@link FdWatcher}: whoever releases the number
 * (close, the last call out after a close, detach, the Cleaner) first removes it from the kernel
 * set and frees the slot ({@link #descriptorReleasing}), so a reused number never inherits it.
 * {@link Socket#close()} also calls {@link #wakeAll()} at once: parked threads retry, see the
 * close and throw, though the number may stay open while their calls are still in.
 */
final class VirtualWait extends FdWatcher {
    private final FdHandle handle;
    private final VirtualThreadWaker waker;
    /** The token in the waker's set: slot in the low half, a generation above (stale events miss). */
    final long token;

    // moved by the waker under the lock, read without it by mark()
    private volatile int readSeq;
    private volatile int writeSeq;

    // waiters, guarded by this
    private Thread[] threads = new Thread[2];
    private int[] wants = new int[2];
    private int count;
    private boolean released;

    private VirtualWait(FdHandle handle, VirtualThreadWaker waker, long token) {
        this.handle = handle;
        this.waker = waker;
        this.token = token;
    }

    /**
     * Registers {@code handle}'s descriptor with a waker. The caller has a call in flight on it,
     * so the number is ours throughout.
     *
     * @throws IllegalStateException if the handle is closed (or closing)
     */
    static VirtualWait register(FdHandle handle) throws IOException {
        VirtualThreadWaker p = VirtualThreadWaker.of(handle.fd());
        VirtualWait w = p.add(handle, VirtualWait::new);
        return w;
    }

    /** Creates the wait for a slot; the waker adds it to its table and then to the kernel set. */
    interface Factory {
        VirtualWait make(FdHandle handle, VirtualThreadWaker waker, long token);
    }

    /** The current sequence number of {@code ops}' direction (see the class comment). */
    int mark(int ops) {
        return (ops & Readiness.READ) != 0 ? readSeq : writeSeq;
    }

    /**
     * Parks the calling virtual thread until an edge for {@code ops} ({@link Readiness#READ},
     * {@link Readiness#WRITE}) came after {@code mark}, the socket is closed, the thread is
     * interrupted, or {@code deadline} ({@link System#nanoTime()}; {@link Long#MAX_VALUE} for none)
     * passes. A return says nothing about which: the caller retries its call and decides. The
     * thread gives its leased {@link Scratch} back for the park and takes one again after; a
     * message call's {@link MessageStaging.Buffers} lease it keeps (its staged structures are
     * handed to the kernel again on the retry).
     */
    void await(int ops, int mark, long deadline) {
        Thread me = Thread.currentThread();
        synchronized (this) {
            if (released || mark(ops) != mark || handle.isClosed()) {
                return; // an edge came since the failed attempt (or a close): retry now
            }
            add(me, ops);
        }
        int depth = Scratch.suspendLease();
        try {
            if (deadline == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    LockSupport.parkNanos(this, left);
                }
            }
        } finally {
            synchronized (this) {
                remove(me);
            }
            Scratch.resumeLease(depth);
        }
    }

    /** The waker took an edge with these ready ops: move the numbers, wake who waits for them. */
    void edge(int ops) {
        boolean read = (ops & (Readiness.READ | Readiness.HANGUP | Readiness.ERROR)) != 0;
        boolean write = (ops & (Readiness.WRITE | Readiness.HANGUP | Readiness.ERROR)) != 0;
        synchronized (this) {
            if (read) {
                readSeq++;
            }
            if (write) {
                writeSeq++;
            }
            for (int i = 0; i < count; i++) {
                int want = wants[i];
                if (read && (want & Readiness.READ) != 0 || write && (want & Readiness.WRITE) != 0) {
                    LockSupport.unpark(threads[i]);
                }
            }
        }
    }

    /** Wakes every parked waiter: the socket was closed. Any thread. */
    synchronized void wakeAll() {
        readSeq++;
        writeSeq++;
        for (int i = 0; i < count; i++) {
            LockSupport.unpark(threads[i]);
        }
    }

    @Override
    Object watchOwner() {
        return waker;
    }

    /** The number is about to be released: out of the kernel set and the table, every waiter woken. */
    @Override
    void descriptorReleasing(int fd) {
        synchronized (this) {
            released = true;
        }
        waker.remove(this, fd);
        wakeAll();
    }

    FdHandle handle() {
        return handle;
    }

    private void add(Thread t, int ops) {
        if (count == threads.length) {
            threads = Arrays.copyOf(threads, count * 2);
            wants = Arrays.copyOf(wants, count * 2);
        }
        threads[count] = t;
        wants[count++] = ops;
    }

    private void remove(Thread t) {
        for (int i = 0; i < count; i++) {
            if (threads[i] == t) {
                threads[i] = threads[--count];
                wants[i] = wants[count];
                threads[count] = null;
                return;
            }
        }
    }
}
