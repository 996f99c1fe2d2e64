package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Pollfd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of sockets waited on with {@code poll(2)}: no {@code FD_SETSIZE} limit, one
 * {@code struct pollfd} per socket kept in native memory between calls. Only {@link #poll} makes a
 * system call; registering, changing and reading events are plain memory operations.
 *
 * <p>Not thread-safe: one thread registers and polls. Closing a registered socket from another
 * thread wakes a {@link #poll} in progress, which then fails with {@link SocketClosedException}.
 */
public final class Poller {
    /** {@code POLLIN}: data to read (or a connection to accept). */
    public static final int IN = Constants.POLLIN;
    /** {@code POLLPRI}: urgent (out-of-band) data. */
    public static final int PRI = Constants.POLLPRI;
    /** {@code POLLOUT}: writing will not block. */
    public static final int OUT = Constants.POLLOUT;
    /** {@code POLLERR} (reported only). */
    public static final int ERR = Constants.POLLERR;
    /** {@code POLLHUP} (reported only). */
    public static final int HUP = Constants.POLLHUP;
    /** {@code POLLNVAL} (reported only). */
    public static final int NVAL = Constants.POLLNVAL;
    /** {@code POLLRDHUP} (Linux): the peer shut down its writing half. */
    public static final int RDHUP = Constants.POLLRDHUP;

    private final Arena arena = Arena.ofAuto();
    private final List<Socket> sockets = new ArrayList<>();
    private MemorySegment fds;

    /** An empty set; native memory for the {@code struct pollfd} array grows as sockets are added. */
    public Poller() {
        fds = arena.allocate(Pollfd.SIZE * 16, 8);
    }

    /** Watches {@code socket} for {@code events} ({@link #IN} | {@link #OUT} …); returns its index. */
    public int add(Socket socket, int events) {
        Checks.requireArg(socket, "socket");
        checkEvents(events);
        if (sockets.contains(socket)) {
            throw new IllegalArgumentException("socket already registered: " + socket);
        }
        int fd = socket.fd();
        int i = sockets.size();
        if ((i + 1) * Pollfd.SIZE > fds.byteSize()) {
            MemorySegment bigger = arena.allocate(fds.byteSize() * 2, 8);
            bigger.copyFrom(fds);
            fds = bigger;
        }
        sockets.add(socket);
        MemorySegment e = entry(i);
        Pollfd.FD.set(e, fd);
        Pollfd.EVENTS.set(e, events);
        Pollfd.REVENTS.set(e, 0);
        return i;
    }

    /** Changes what a registered socket is watched for. */
    public void setEvents(Socket socket, int events) {
        checkEvents(events);
        Pollfd.EVENTS.set(entry(indexOf(socket)), events);
    }

    /** Stops watching {@code socket}. */
    public void remove(Socket socket) {
        int i = indexOf(socket);
        int last = sockets.size() - 1;
        if (i != last) {
            entry(i).copyFrom(entry(last));
            sockets.set(i, sockets.get(last));
        }
        sockets.remove(last);
    }

    /** How many sockets are registered. */
    public int size() {
        return sockets.size();
    }

    /** The socket at {@code index}. */
    public Socket socket(int index) {
        return sockets.get(index);
    }

    /** The events the last {@link #poll} reported for the socket at {@code index}. */
    public int revents(int index) {
        if (index < 0 || index >= sockets.size()) {
            throw new IllegalArgumentException("no socket at index " + index);
        }
        return Pollfd.REVENTS.getInt(entry(index)) & 0xFFFF;
    }

    /** The events the last {@link #poll} reported for {@code socket}. */
    public int revents(Socket socket) {
        return revents(indexOf(socket));
    }

    /**
     * {@code poll(2)}: waits until a registered socket is ready or {@code timeout} passes
     * ({@code null}, or 100 years or more, waits forever; see the README's "Timeouts").
     *
     * <p>A signal ({@code EINTR}) does not end the wait early: {@code poll(2)} is called again
     * with the time that is left.
     *
     * @return how many sockets have events; 0 on timeout
     * @throws SocketClosedException if a registered socket was closed by another thread meanwhile
     * @throws IllegalStateException if a registered socket was already closed
     */
    public int poll(Duration timeout) throws IOException {
        WaitTimeout.nanos(timeout); // refuses a negative timeout before anything else
        if (PlatformThreadOffload.applies() && !Duration.ZERO.equals(timeout) && Select.noneConfined(sockets)) {
            // a virtual thread: the wait runs on a platform thread, the caller parks
            return PlatformThreadOffload.call(() -> pollHere(timeout));
        }
        return pollHere(timeout);
    }

    private int pollHere(Duration timeout) throws IOException {
        long nanos = WaitTimeout.nanos(timeout); // saturates: no overflow, 100 years or more is forever
        int held = 0;
        Scratch s = Scratch.get();
        try {
            for (Socket socket : sockets) {
                socket.acquire();
                held++;
            }
            long deadline = WaitTimeout.deadline(nanos);
            int n;
            for (;;) {
                n = LibC.poll(s.cs, fds, sockets.size(), WaitTimeout.millisCeil(nanos));
                for (Socket socket : sockets) {
                    if (socket.isClosed()) {
                        throw new SocketClosedException("poll");
                    }
                }
                if (n > 0 || (n == 0 && nanos <= WaitTimeout.MAX_CALL_NANOS) || (n < 0 && s.errno() != Constants.EINTR)) {
                    break;
                }
                // a signal, or one slice of a wait longer than poll(2) can take: wait out the rest
                nanos = WaitTimeout.left(nanos, deadline);
            }
            if (n < 0) {
                throw Errno.exception("poll", s.errno());
            }
            return n;
        } finally {
            for (int i = 0; i < held; i++) {
                sockets.get(i).release();
            }
        }
    }

    private MemorySegment entry(int i) {
        return fds.asSlice(i * Pollfd.SIZE, Pollfd.SIZE);
    }

    private int indexOf(Socket socket) {
        int i = sockets.indexOf(socket);
        if (i < 0) {
            throw new IllegalArgumentException("socket not registered: " + socket);
        }
        return i;
    }

    private static void checkEvents(int events) {
        if (events < 0 || events > 0xFFFF) {
            throw new IllegalArgumentException("events out of range: " + events);
        }
    }
}
