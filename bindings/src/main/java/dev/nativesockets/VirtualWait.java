package dev.nativesockets;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * How a blocking-mode call made on a virtual thread waits without holding its carrier: the call is
 * issued non-blocking ({@code MSG_DONTWAIT}, or {@code O_NONBLOCK} for the span of an accept or a
 * connect), and on {@code EAGAIN}/{@code EINPROGRESS} the virtual thread parks here until the
 * library's poller threads see the descriptor ready — the shape of the JDK's
 * {@code sun.nio.ch.NioSocketImpl} with {@code sun.nio.ch.Poller}. A foreign call that blocks in
 * the kernel would pin the carrier for its whole length (a native frame cannot be unmounted), and
 * the scheduler does not compensate for foreign calls: two such calls on two carriers stop every
 * other virtual thread.
 *
 * <p>One per socket, made when a virtual thread first has to wait on it. The socket is registered
 * once in one poller's {@link Readiness} set, {@link Readiness#ONE_SHOT}, and re-armed for what the
 * current waiters want before each park: {@code epoll_ctl(EPOLL_CTL_MOD)} re-checks readiness, so
 * an event between the failed call and the park is never lost. An event wakes every waiter; each
 * retries its call and parks again if it still would block (several threads on one socket are
 * rare). {@link #wakeAll()} is also what {@link Socket#close()} calls, so a close wakes parked
 * threads at once, and the registration leaves the kernel set before the number is released
 * (the readiness set's descriptor safety).
 */
final class VirtualWait {
    private static final Pollers POLLERS = new Pollers();

    private final Socket socket;
    private Registration registration;
    private Thread[] threads = new Thread[2];
    private int[] wants = new int[2];
    private int count;

    VirtualWait(Socket socket) {
        this.socket = socket;
    }

    /**
     * Parks the calling virtual thread until the socket is ready for {@code ops}
     * ({@link Readiness#READ}, {@link Readiness#WRITE}), it is closed or interrupted, or
     * {@code deadline} ({@link System#nanoTime()}; {@link Long#MAX_VALUE} for none) passes. A
     * return says nothing about which: the caller retries its call and decides.
     */
    void await(int ops, long deadline) throws IOException {
        Thread me = Thread.currentThread();
        synchronized (this) {
            add(me, ops);
            try {
                arm();
            } catch (IllegalStateException closed) {
                remove(me);
                return; // closed meanwhile: the caller's retry reports it
            } catch (IOException | RuntimeException e) {
                remove(me);
                throw e;
            }
        }
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
        }
    }

    /** Wakes every parked waiter: an event came, or the socket was closed. Any thread. */
    synchronized void wakeAll() {
        for (int i = 0; i < count; i++) {
            LockSupport.unpark(threads[i]);
        }
    }

    /** Registers on first use, else re-arms the one-shot interest with what the waiters want now. Under the lock. */
    private void arm() throws IOException {
        int interest = Readiness.ONE_SHOT;
        for (int i = 0; i < count; i++) {
            interest |= wants[i];
        }
        if (registration == null) {
            registration = POLLERS.of(socket).register(socket, interest, this);
        } else {
            registration.interest(interest);
        }
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

    /**
     * The poller threads, in the shape of the JDK's virtual-thread poller: each readiness set is
     * polled by a <em>virtual</em> thread that never blocks in the kernel — it takes what is ready
     * ({@code epoll_wait} with a zero timeout), wakes those threads, and when nothing is ready parks
     * on the set's own descriptor, which one <em>platform</em> thread (the master) watches in a set
     * of sets. Under load the wake-ups so stay on the carriers, with no switch to another OS thread
     * per event; idle, everything sleeps in the master's wait. Started on first use.
     */
    static final class Pollers {
        private final int count = Math.max(1, Integer.getInteger("dev.nativesockets.pollers",
                Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
        private volatile Readiness[] sets;

        Readiness of(Socket s) throws IOException {
            Readiness[] all = sets;
            if (all == null) {
                all = start();
            }
            return all[Math.floorMod(s.fd(), all.length)];
        }

        private synchronized Readiness[] start() throws IOException {
            if (sets != null) {
                return sets;
            }
            Readiness master = Readiness.open(Math.max(4, count));
            Thread m = new Thread(() -> loop(master, (r, ops) -> LockSupport.unpark((Thread) r.attachment())),
                    "nativesockets-poller-master");
            m.setDaemon(true);
            m.start();
            Readiness[] all = new Readiness[count];
            for (int i = 0; i < count; i++) {
                Readiness set = Readiness.open();
                all[i] = set;
                Thread.ofVirtual().name("nativesockets-poller-" + i).start(() -> subLoop(master, set));
            }
            sets = all;
            return all;
        }

        /** A sub-poller: takes what is ready without blocking; parks on the master while nothing is. */
        private static void subLoop(Readiness master, Readiness set) {
            ReadyHandler wake = (r, ops) -> ((VirtualWait) r.attachment()).wakeAll();
            try {
                Registration onMaster = master.registerSet(set, Readiness.READ | Readiness.ONE_SHOT, Thread.currentThread());
                for (;;) {
                    if (set.poll(wake) == 0) {
                        // re-arming re-checks the set: events that came meanwhile unpark at once
                        onMaster.interest(Readiness.READ | Readiness.ONE_SHOT);
                        LockSupport.park();
                    }
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("nativesockets poller stopped: " + e);
            }
        }

        private static void loop(Readiness set, ReadyHandler handler) {
            for (;;) {
                try {
                    set.await(null, handler);
                } catch (IOException | RuntimeException e) {
                    // a wait that fails cannot be retried usefully; every parked thread would hang:
                    // say so loudly rather than spin
                    System.err.println("nativesockets poller stopped: " + e);
                    return;
                }
            }
        }
    }
}
