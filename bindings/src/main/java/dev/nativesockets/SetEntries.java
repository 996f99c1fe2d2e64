package dev.nativesockets;

/**
 * The entries a raw kernel readiness set ({@link Epoll}, {@link Kqueue}) puts on the handles of
 * the descriptors added to it, and the set's {@link java.lang.ref.Cleaner} action.
 *
 * <p>Each added descriptor's handle carries an {@link Entry} (an {@link FdWatcher}), so the
 * descriptor leaves the kernel set before its number is released. The entries point here, never
 * to the {@code Epoll}/{@code Kqueue} object: a long-lived socket added to many sets must keep
 * none of them (nor their native event arrays) reachable, and a set dropped unclosed must still be
 * collectable and cleaned while its sockets live on. Closing the set, or its Cleaner, takes every
 * entry off its handle, then closes the set's descriptor.
 */
final class SetEntries implements Runnable {
    /** Deletes {@code fd} from the kernel set {@code set}, ignoring failure; the caller still owns the number. */
    interface Deleter {
        void deleteQuietly(FdHandle set, int fd);
    }

    /** The kernel set's own descriptor. */
    final FdHandle set;
    private final Deleter deleter;
    /** Entries still on a handle; guarded by this. */
    private Entry first;
    /** Set (under the lock) before any entry leaves its handle, so a caller missing its entry can tell why. */
    private volatile boolean closed;

    SetEntries(FdHandle set, Deleter deleter) {
        this.set = set;
        this.deleter = deleter;
    }

    /** Deletes {@code fd} from the kernel set, ignoring failure; the caller still owns the number. */
    void deleteQuietly(int fd) {
        deleter.deleteQuietly(set, fd);
    }

    /**
     * Puts {@code e} on its handle (refusing a second entry of this set there) and in this list.
     * The caller holds a call in flight on the handle.
     *
     * @throws IllegalStateException if the set is closed
     * @throws IllegalArgumentException if the descriptor is already in this set
     */
    void add(Entry e) {
        ensureOpen();
        e.handle.watch(e);
        synchronized (this) {
            if (!closed) {
                e.next = first;
                if (first != null) {
                    first.prev = e;
                }
                first = e;
                return;
            }
        }
        e.handle.unwatch(e); // closed meanwhile: leave nothing behind
        throw closedSet();
    }

    /** Takes {@code e} off its handle and out of this list. */
    void remove(Entry e) {
        e.handle.unwatch(e);
        unlink(e);
    }

    /** The entry of this set on {@code h}, or null. */
    Entry entryOn(FdHandle h) {
        return (Entry) h.watcher(this);
    }

    void ensureOpen() {
        if (closed || set.isClosed()) {
            throw closedSet();
        }
    }

    private synchronized void unlink(Entry e) {
        if (closed) {
            return; // the list belongs to run() now, which walks it unlocked: leave its links alone
        }
        if (e.prev == null && first != e) {
            return; // not (or no longer) in the list
        }
        if (e.prev != null) {
            e.prev.next = e.next;
        } else {
            first = e.next;
        }
        if (e.next != null) {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
    }

    /** {@code close()} and the Cleaner: every entry leaves its handle, then the descriptor is closed. */
    @Override
    public void run() {
        Entry e;
        synchronized (this) {
            closed = true;
            e = first;
            first = null;
        }
        while (e != null) { // outside this lock: unwatch takes the handle's
            Entry next = e.next;
            e.handle.unwatch(e);
            e.prev = null;
            e.next = null;
            e = next;
        }
        set.close();
    }

    private static IllegalStateException closedSet() {
        return new IllegalStateException("readiness set is closed");
    }

    /** A set's entry on one descriptor's handle. */
    static final class Entry extends FdWatcher {
        final SetEntries owner;
        final FdHandle handle;
        /** Kqueue: the filters added, bit 1 read, bit 2 write; guarded by the kqueue. */
        int filters;
        private Entry prev;
        private Entry next;

        Entry(SetEntries owner, FdHandle handle) {
            this.owner = owner;
            this.handle = handle;
        }

        @Override
        Object watchOwner() {
            return owner;
        }

        @Override
        void descriptorReleasing(int fd) {
            owner.deleteQuietly(fd);
            owner.unlink(this);
        }
    }
}
