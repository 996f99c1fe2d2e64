package dev.nativesockets;

import java.io.IOException;

/**
 * One socket (or {@link Fd}) in a {@link Readiness} set: its interest, its attachment, and how to
 * change or end it. Made by {@link Readiness#register}; handed to the {@link ReadyHandler} when ready.
 *
 * <p>A registration ends in one of three ways: {@link #cancel()}; closing (or detaching) its socket,
 * which removes it from the kernel set at {@code close()} itself — for every waiter, even while a
 * call in flight or a send carrying the socket ({@code SCM_RIGHTS}) still holds the descriptor
 * number — and always before that number is released; or closing the readiness set. Once ended, {@link #isValid()} is false and the wait never hands it over again —
 * not even for an event the kernel had already queued.
 *
 * <p>Every method may be called from any thread, also while another thread waits.
 *
 * <p>The set keeps a registration, and so its socket, reachable until it ends (as NIO's selector
 * keeps its keys): close a socket you are done with, or cancel its registration, rather than drop it.
 */
public final class Registration extends FdWatcher {
    static final int ACTIVE = 0;
    static final int CANCELLED = 1;
    static final int DESCRIPTOR_CLOSED = 2;
    static final int SET_CLOSED = 3;

    final Readiness readiness;
    private final Socket socket;
    private final Fd fd;
    final FdHandle handle;
    /** Slot index in the low 32 bits, the slot's generation in the high 32: the kernel's cookie. */
    final long token;
    volatile int interest;
    volatile int state;
    private volatile Object attachment;

    Registration(Readiness readiness, Socket socket, Fd fd, FdHandle handle, long token, int interest, Object attachment) {
        this.readiness = readiness;
        this.socket = socket;
        this.fd = fd;
        this.handle = handle;
        this.token = token;
        this.interest = interest;
        this.attachment = attachment;
    }

    /** The object given at registration (or by {@link #attach}), or null. */
    public Object attachment() {
        return attachment;
    }

    /** Replaces the attachment; returns the old one. */
    public Object attach(Object attachment) {
        Object old = this.attachment;
        this.attachment = attachment;
        return old;
    }

    /** The registered socket, or null if an {@link Fd} was registered. */
    public Socket socket() {
        return socket;
    }

    /** The registered {@link Fd}, or null if a socket was registered. */
    public Fd fd() {
        return fd;
    }

    /** The set this belongs to. */
    public Readiness readiness() {
        return readiness;
    }

    /** The interest: {@link Readiness#READ} | {@link Readiness#WRITE}, with the mode bits. */
    public int interest() {
        return interest;
    }

    /**
     * Changes the interest ({@code epoll_ctl(EPOLL_CTL_MOD)} / {@code kevent} EV_ADD, EV_DELETE). Also
     * re-arms a {@link Readiness#ONE_SHOT} registration after its event.
     *
     * @throws IllegalArgumentException for an unknown bit
     * @throws IllegalStateException if the registration has ended, or its socket is closed
     * @throws WrongThreadException if the socket is {@linkplain Socket#confine() confined} to another thread
     */
    public void interest(int interest) throws IOException {
        readiness.modify(this, interest);
    }

    /** Whether it is still registered. */
    public boolean isValid() {
        return state == ACTIVE;
    }

    /**
     * Removes it from the set ({@code epoll_ctl(EPOLL_CTL_DEL)} / {@code kevent} EV_DELETE). Does
     * nothing if its socket was closed meanwhile (which already removed it).
     *
     * @throws IllegalStateException if already cancelled, or if the readiness set is closed
     * @throws WrongThreadException if the socket is {@linkplain Socket#confine() confined} to another
     *     thread (the registration stays as it was)
     */
    public void cancel() {
        readiness.cancel(this);
    }

    @Override
    Object watchOwner() {
        return readiness;
    }

    @Override
    void descriptorReleasing(int fd) {
        readiness.descriptorReleasing(this, fd);
    }

    /** A call in flight on the registered descriptor; returns its number. */
    int acquire() {
        return socket != null ? socket.acquire() : handle.acquire();
    }

    void release() {
        if (socket != null) {
            socket.release();
        } else {
            handle.release();
        }
    }

    @Override
    public String toString() {
        String[] states = {"active", "cancelled", "descriptor closed", "set closed"};
        return "Registration[" + (socket != null ? socket : fd) + ", interest=0x" + Integer.toHexString(interest)
                + ", " + states[state] + "]";
    }
}
