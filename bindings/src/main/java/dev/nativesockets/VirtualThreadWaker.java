package dev.nativesockets;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes parked virtual threads: one of the library's internal pollers (the JDK's
 * {@code sun.nio.ch.Poller}, not the public {@link Poller}, which is one {@code poll(2)} call) that
 * virtual threads park on ({@link VirtualWait}): a readiness set of its own
 * ({@link ReadyBackend}: epoll, or kqueue on macOS) holding each registered descriptor
 * edge-triggered for good, and a table from token to {@link VirtualWait}.
 *
 * <p>In the shape of the JDK's virtual-thread poller, each set is drained by a <em>virtual</em>
 * thread that never blocks in the kernel: it takes a batch of what is ready ({@code epoll_wait}
 * with a zero timeout, up to {@link #BATCH} events), moves the waits' sequence numbers and unparks
 * their threads, and when nothing is ready parks on the set's own descriptor, which one
 * <em>platform</em> thread (the master, the only thread that blocks in the kernel) watches
 * one-shot in a set of sets. Under load the wake-ups so stay on the carriers with no switch to
 * another OS thread; idle, everything sleeps in the master's wait.
 *
 * <p>What it holds: its set's descriptors (for the life of the process, like the JDK's pollers) and
 * the {@link VirtualWait}s registered with it, each holding an {@link FdHandle} — never a
 * {@link Socket}. A wait leaves the table and the kernel set when its descriptor is released
 * ({@link VirtualWait#descriptorReleasing}); a queued event for a freed slot is dropped by its
 * generation.
 */
final class VirtualThreadWaker {
    static final int BATCH = 1024;
    private static final int COUNT = Math.max(1, Integer.getInteger("dev.nativesockets.pollers",
            Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
    private static volatile VirtualThreadWaker[] all;

    private final ReadyBackend set;
    private final int index;
    private final Object lock = new Object();
    // the table, guarded by lock
    private VirtualWait[] table = new VirtualWait[64];
    private int[] freeSlots = new int[64];
    private int freeCount;
    private int used;
    private long generation;
    // the poller thread's own batch, resolved under the lock and delivered outside it
    private final VirtualWait[] batch = new VirtualWait[BATCH];
    private final int[] batchOps = new int[BATCH];

    private VirtualThreadWaker(ReadyBackend set, int index) {
        this.set = set;
        this.index = index;
    }

    /** The poller for descriptor {@code fd}; starts them all on first use. */
    static VirtualThreadWaker of(int fd) throws IOException {
        VirtualThreadWaker[] p = all;
        if (p == null) {
            p = start();
        }
        return p[Math.floorMod(fd, p.length)];
    }

    private static synchronized VirtualThreadWaker[] start() throws IOException {
        if (all != null) {
            return all;
        }
        ReadyBackend master = backend(Math.max(4, COUNT));
        VirtualThreadWaker[] p = new VirtualThreadWaker[COUNT];
        Thread[] threads = new Thread[COUNT];
        try {
            for (int i = 0; i < COUNT; i++) {
                VirtualThreadWaker vp = new VirtualThreadWaker(backend(BATCH), i);
                p[i] = vp;
                threads[i] = Thread.ofVirtual().name("nativesockets-poller-" + i).unstarted(() -> vp.loop(master));
                // registered before the thread runs: its first idle park is then always heard
                master.add(vp.set.descriptor().fd(), Readiness.READ | Readiness.ONE_SHOT, i);
            }
        } catch (IOException | RuntimeException e) {
            // out of descriptors (EMFILE) at the first park: give back what was made, so that a
            // later park can try again with nothing leaked meanwhile
            for (VirtualThreadWaker vp : p) {
                if (vp != null) {
                    vp.set.close();
                }
            }
            master.close();
            throw e;
        }
        Thread m = new Thread(() -> master(master, threads), "nativesockets-poller-master");
        m.setDaemon(true);
        m.start();
        for (Thread t : threads) {
            t.start();
        }
        all = p;
        return p;
    }

    private static ReadyBackend backend(int capacity) throws IOException {
        return Epoll.isSupported() ? new EpollBackend(capacity) : new KqueueBackend(capacity);
    }

    /** Adds {@code handle}'s descriptor: table, handle's watchers, then the kernel set. */
    VirtualWait add(FdHandle handle, VirtualWait.Factory factory) throws IOException {
        VirtualWait w;
        synchronized (lock) {
            int slot = freeCount > 0 ? freeSlots[--freeCount] : used++;
            if (slot == table.length) {
                table = Arrays.copyOf(table, slot * 2);
            }
            long token = (++generation << 32) | slot;
            w = factory.make(handle, this, token);
            table[slot] = w;
        }
        try {
            handle.watch(w); // throws if closed: the number is then not added anywhere
        } catch (RuntimeException e) {
            free(w);
            throw e;
        }
        try {
            set.add(handle.fd(), Readiness.READ | Readiness.WRITE | Readiness.EDGE_TRIGGERED, w.token);
        } catch (IOException | RuntimeException e) {
            handle.unwatch(w);
            free(w);
            throw e;
        }
        return w;
    }

    /** The descriptor {@code fd} of {@code w} is about to be released: out of the set, then the table. */
    void remove(VirtualWait w, int fd) {
        set.delete(fd, Readiness.READ | Readiness.WRITE);
        free(w);
    }

    private void free(VirtualWait w) {
        int slot = (int) w.token;
        synchronized (lock) {
            if (table[slot] == w) {
                table[slot] = null;
                if (freeCount == freeSlots.length) {
                    freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
                }
                freeSlots[freeCount++] = slot;
            }
        }
    }

    /** Registered descriptors (tests). */
    int size() {
        synchronized (lock) {
            return used - freeCount;
        }
    }

    /** Every poller started so far (tests). */
    static VirtualThreadWaker[] started() {
        VirtualThreadWaker[] p = all;
        return p == null ? new VirtualThreadWaker[0] : p.clone();
    }

    /** The sub-poller: takes batches without blocking; parks on the master while nothing is ready. */
    private void loop(ReadyBackend master) {
        set.enter();
        try {
            int subFd = set.descriptor().fd();
            for (;;) {
                int n = set.waitEvents(0);
                if (n == 0) {
                    // re-arming re-checks the set: events that came meanwhile unpark at once
                    master.modify(subFd, Readiness.READ | Readiness.ONE_SHOT, Readiness.READ | Readiness.ONE_SHOT, index);
                    LockSupport.park();
                    continue;
                }
                deliver(n);
            }
        } catch (IOException | RuntimeException e) {
            // a wait that fails cannot be retried usefully; every parked thread would hang: say so
            System.err.println("nativesockets poller stopped: " + e);
        } finally {
            set.leave();
        }
    }

    private void deliver(int n) {
        int k = 0;
        synchronized (lock) {
            VirtualWait[] t = table;
            for (int i = 0; i < n; i++) {
                long token = set.token(i);
                if (token == Readiness.WAKE_TOKEN) {
                    continue;
                }
                int slot = (int) token;
                VirtualWait w = slot >= 0 && slot < t.length ? t[slot] : null;
                if (w != null && w.token == token) {
                    batch[k] = w;
                    batchOps[k++] = set.readyOps(i);
                }
            }
        }
        for (int i = 0; i < k; i++) {
            batch[i].edge(batchOps[i]);
            batch[i] = null;
        }
    }

    private static void master(ReadyBackend master, Thread[] pollers) {
        master.enter();
        try {
            for (;;) {
                int n = master.waitEvents(-1);
                for (int i = 0; i < n; i++) {
                    long token = master.token(i);
                    if (token >= 0 && token < pollers.length) {
                        LockSupport.unpark(pollers[(int) token]);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("nativesockets poller master stopped: " + e);
        } finally {
            master.leave();
        }
    }
}
