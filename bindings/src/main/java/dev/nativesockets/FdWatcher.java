package dev.nativesockets;

/**
 * Something that must hear of a descriptor's release while the number is still ours: a
 * registration in a readiness set ({@link Epoll}, {@link Kqueue}, {@link Readiness}).
 *
 * <p>epoll watches the open file description, not the number: if a registered socket's number
 * were closed while a {@code dup} (or a copy in flight in {@code SCM_RIGHTS}) kept the description
 * alive, its events would go on arriving under the old registration, and a new socket given the
 * same number could neither be told apart nor ever remove that entry. So {@link FdHandle} calls
 * every watcher just before {@code close(2)}, and the watcher deletes its kernel entry by the
 * number that is still valid.
 *
 * <p>A watcher is a link of the handle's list (no node object per registration: an idle
 * connection should cost as few bytes as possible).
 */
abstract class FdWatcher {
    /** The next watcher of the same handle; guarded by the handle's lock. */
    FdWatcher nextWatcher;

    /** The set this watcher belongs to; a handle accepts one watcher per owner. */
    abstract Object watchOwner();

    /**
     * The descriptor {@code fd} is about to be closed (or detached); remove it from the kernel
     * set now. Runs once, on the thread that releases the descriptor. Must not throw.
     */
    abstract void descriptorReleasing(int fd);
}
