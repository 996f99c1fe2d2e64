package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.FdSet;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Timeval;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@code select(2)} over sockets, with PHP's {@code socket_select} semantics: the collections are
 * read as the sets to watch and, on return, hold only the sockets that are ready.
 *
 * <p>{@code select(2)} can only name descriptors below {@code FD_SETSIZE} (1024); a socket with a
 * larger number is rejected with {@link IllegalArgumentException} before the call — writing its
 * bit would corrupt memory. Use {@link Poller} for more descriptors.
 */
public final class Select {
    private Select() {}

    /** {@code FD_SETSIZE} on this platform. */
    public static final int FD_SETSIZE = Constants.FD_SETSIZE;

    /**
     * Waits until a socket in {@code read} is readable, one in {@code write} writable, or one in
     * {@code except} has an exceptional condition (out-of-band data), or the timeout passes.
     *
     * @param read    sockets to watch for reading, or {@code null}; modified in place
     * @param write   sockets to watch for writing, or {@code null}; modified in place
     * @param except  sockets to watch for exceptions, or {@code null}; modified in place
     * @param timeout how long to wait; {@code null} (or 100 years or more) waits forever, zero polls
     * <p>A signal ({@code EINTR}) does not end the wait early: {@code select(2)} is called again
     * with the original sets and the time that is left.
     *
     * @return the number of ready (socket, set) pairs, 0 on timeout
     * @throws IllegalArgumentException for a descriptor {@code >= FD_SETSIZE}, a null element, a
     *     negative timeout, or collections that cannot be modified
     * @throws IllegalStateException if a socket is closed
     * @throws SocketClosedException if a watched socket was closed by another thread during the wait
     */
    public static int select(Collection<Socket> read, Collection<Socket> write, Collection<Socket> except,
                             Duration timeout) throws IOException {
        WaitTimeout.nanos(timeout); // refuses a negative timeout before anything else
        if (PlatformThreadOffload.applies() && !Duration.ZERO.equals(timeout) && noneConfined(read) && noneConfined(write)
                && noneConfined(except)) {
            // a virtual thread: the wait runs on a platform thread, the caller parks
            return PlatformThreadOffload.call(() -> selectHere(read, write, except, timeout));
        }
        return selectHere(read, write, except, timeout);
    }

    /** Sockets confined to the caller must be used by it: their wait stays on this thread. */
    static boolean noneConfined(Collection<Socket> sockets) {
        if (sockets != null) {
            for (Socket s : sockets) {
                if (s != null && s.isConfined()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static int selectHere(Collection<Socket> read, Collection<Socket> write, Collection<Socket> except,
                                  Duration timeout) throws IOException {
        List<Collection<Socket>> sets = new ArrayList<>(3);
        sets.add(read);
        sets.add(write);
        sets.add(except);
        int maxFd = -1;
        for (Collection<Socket> set : sets) {
            if (set == null) {
                continue;
            }
            for (Socket s : set) {
                if (s == null) {
                    throw new IllegalArgumentException("null socket in select set");
                }
                int fd = s.fd();
                if (fd >= FD_SETSIZE) {
                    throw new IllegalArgumentException("descriptor " + fd + " is >= FD_SETSIZE (" + FD_SETSIZE
                            + "); select(2) cannot watch it — use Poller");
                }
                maxFd = Math.max(maxFd, fd);
            }
        }
        Scratch scratch = Scratch.get();
        MemorySegment fdSets = scratch.fdSets();
        fdSets.fill((byte) 0);
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Collection<Socket> set = sets.get(i);
                if (set == null) {
                    continue;
                }
                MemorySegment bits = fdSets.asSlice(i * FdSet.SIZE, FdSet.SIZE);
                for (Socket s : set) {
                    int fd = s.acquire();
                    held.add(s);
                    setBit(bits, fd);
                }
            }
            // select(2) may change the sets and the timeval even when it fails: keep the originals
            MemorySegment wanted = scratch.fdSetsCopy();
            wanted.copyFrom(fdSets);
            long nanos = WaitTimeout.nanos(timeout); // null, or 100 years or more: forever
            long deadline = WaitTimeout.deadline(nanos);
            // close() wakes a call with shutdown(2), which makes a socket readable but not always
            // writable (a full Unix send buffer) and never "exceptional": a socket watched only
            // for those is checked for a close every CLOSE_CHECK_NANOS instead
            boolean sliced = watchedOutsideReadSet(fdSets, read != null);
            int n;
            for (;;) {
                MemorySegment tv = MemorySegment.NULL;
                long left = nanos < 0 ? Long.MAX_VALUE : WaitTimeout.left(nanos, deadline);
                long wait = sliced ? Math.min(left, CLOSE_CHECK_NANOS) : left;
                if (wait != Long.MAX_VALUE) {
                    tv = scratch.timeval();
                    Timeval.TV_SEC.set(tv, wait / 1_000_000_000L);
                    Timeval.TV_USEC.set(tv, (wait % 1_000_000_000L) / 1000);
                }
                n = LibC.select(scratch.cs, maxFd + 1,
                        read == null ? MemorySegment.NULL : fdSets.asSlice(0, FdSet.SIZE),
                        write == null ? MemorySegment.NULL : fdSets.asSlice(FdSet.SIZE, FdSet.SIZE),
                        except == null ? MemorySegment.NULL : fdSets.asSlice(2 * FdSet.SIZE, FdSet.SIZE),
                        tv);
                for (Socket s : held) {
                    if (s.isClosed()) {
                        throw new SocketClosedException("select");
                    }
                }
                if (n == 0 && wait < left) {
                    fdSets.copyFrom(wanted); // a slice ran out, the caller's time did not
                    continue;
                }
                if (n >= 0 || scratch.errno() != Constants.EINTR) {
                    break;
                }
                // a signal: wait out the rest of the time with the original sets
                fdSets.copyFrom(wanted);
            }
            if (n < 0) {
                throw Errno.exception("select", scratch.errno());
            }
            for (int i = 0; i < 3; i++) {
                Collection<Socket> set = sets.get(i);
                if (set == null) {
                    continue;
                }
                MemorySegment bits = fdSets.asSlice(i * FdSet.SIZE, FdSet.SIZE);
                try {
                    set.removeIf(s -> !isSet(bits, s.fd()));
                } catch (UnsupportedOperationException e) {
                    throw new IllegalArgumentException("select modifies its sets in place: pass mutable collections", e);
                }
            }
            return n;
        } finally {
            for (Socket s : held) {
                s.release();
            }
        }
    }

    /** How often a wait that a close cannot wake looks for one (see {@link #watchedOutsideReadSet}). */
    private static final long CLOSE_CHECK_NANOS = 25_000_000L;

    /** Whether a descriptor is in the write or except set but not in the read set. */
    private static boolean watchedOutsideReadSet(MemorySegment fdSets, boolean hasRead) {
        for (long i = 0; i < FdSet.SIZE; i++) {
            byte r = hasRead ? fdSets.get(ValueLayout.JAVA_BYTE, i) : 0;
            byte w = fdSets.get(ValueLayout.JAVA_BYTE, FdSet.SIZE + i);
            byte e = fdSets.get(ValueLayout.JAVA_BYTE, 2 * FdSet.SIZE + i);
            if (((w | e) & ~r) != 0) {
                return true;
            }
        }
        return false;
    }

    // Both supported architectures are little-endian, so bit n of the long (or int) words is
    // bit n % 8 of byte n / 8: byte addressing works for either word size.
    private static void setBit(MemorySegment bits, int fd) {
        long i = fd >>> 3;
        bits.set(ValueLayout.JAVA_BYTE, i, (byte) (bits.get(ValueLayout.JAVA_BYTE, i) | (1 << (fd & 7))));
    }

    private static boolean isSet(MemorySegment bits, int fd) {
        return (bits.get(ValueLayout.JAVA_BYTE, fd >>> 3) & (1 << (fd & 7))) != 0;
    }
}
