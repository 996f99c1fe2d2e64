package dev.nativesockets;

/**
 * Something that must hear of a descriptor's release while the number is still ours: a
 * registration in a readiness set ({@link Epoll}, {@link Kqueue}, {@link Readiness}).
 *
 * <p>epoll watches the open file description, not the number: if a registered socket's number
 * were closed while a {@code dup} (or a copy in flight in {@code SCM_RIGHTS}) kept the description
 * alive, its events would go on arriving under the old registration, and a new socket given the
 * same number could neither be told apart nor ever remove that entry. So {@link FdHandle} calls
 * every watcher when the socket is closed, while the number is still valid, and the watcher
 * deletes its kernel entry by it. That is at {@code close()} itself, not when the last call in
 * flight or the last send carrying the descriptor leaves: a closed socket must leave every set at
 * once, whatever still holds its number.
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
     * The descriptor {@code fd} is closed (or detached) and its number about to go; remove it from
     * the kernel set now. Runs once, on the thread that closes, while the number is still ours.
     * Must not throw.
     */
    abstract void descriptorReleasing(int fd);
}
