package dev.nativesockets.linux;

import dev.nativesockets.Socket;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.MsgFlags;
import dev.nativesockets.Poller;
import dev.nativesockets.SocketClosedException;
import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Zero-copy sends on one socket (Linux 4.14+ TCP, 5.0+ UDP): {@code setsockopt(SO_ZEROCOPY)},
 * {@code send(2)} with {@code MSG_ZEROCOPY}, and the completions the kernel queues on the socket's
 * error queue ({@code recvmsg(MSG_ERRQUEUE)}: {@code sock_extended_err} with
 * {@code SO_EE_ORIGIN_ZEROCOPY}, a range of send numbers, and whether the kernel copied after all).
 *
 * <h2>The rule, and how this class keeps it</h2>
 * With {@code MSG_ZEROCOPY} the kernel does not copy the data when {@code send} returns: it keeps
 * pointing at the caller's pages until the data has left, and says so later with a completion.
 * Until then the memory must stay <em>allocated</em> (else the kernel sends whatever reuses it)
 * and <em>unchanged</em> (else the peer may get the new bytes). So this class sends only from
 * {@link Buffer}s it hands out itself:
 *
 * <ul>
 *   <li>each buffer's memory belongs to an automatic arena that the buffer alone references; the
 *       record of every send not yet completed holds the buffer, and that record is owned apart
 *       from this object and the socket, so the memory cannot be freed before its completion,
 *       whatever the caller drops or closes: while sends are in flight the socket's descriptor
 *       is held open (closing the socket ends its use and its registrations, but not the
 *       connection's queued data), and if the socket is closed or this object dropped meanwhile,
 *       a library thread reads the remaining completions and only then lets the memory and the
 *       descriptor go — see docs/RELIABILITY.md, "Owners";</li>
 *   <li>{@link Buffer#segment()} refuses ({@link IllegalStateException}) while a send from the
 *       buffer is in flight, so the way to write into it is closed until
 *       {@link #readCompletions()} or {@link #awaitCompletions(Duration)} has seen it done.</li>
 * </ul>
 * A segment obtained before a send still points at the memory; writing through it while
 * {@link Buffer#inFlight()} is the one mistake left open — do not keep segments across sends.
 *
 * <p>A peer that never reads keeps the completions from coming: the descriptor and the buffers then
 * stay until the kernel ends the connection (set {@code TCP_USER_TIMEOUT} or keepalive to bound
 * that). A {@linkplain Socket#confine() confined} socket cannot carry zero-copy sends: its close
 * releases the number at once, so nothing could wait for the completions.
 *
 * <p>Every zero-copy send on the socket must go through a {@code ZeroCopy}: the kernel numbers
 * the sends from 0 per socket, and this class counts them to match completions to buffers (the
 * {@code ZeroCopy}s of one socket share that count, so one made after another is fine). Not
 * thread-safe: one thread sends and reads completions. Over loopback the kernel copies anyway and
 * reports {@link Completion#copied()}.
 *
 * <pre>{@code
 * ZeroCopy zc = ZeroCopy.enable(tcp);
 * ZeroCopy.Buffer b = zc.allocate(1 << 20);
 * b.segment().fill((byte) 'x');            // write while idle
 * zc.send(b, 0, b.size());                 // b is now in flight: b.segment() refuses
 * zc.awaitCompletions(Duration.ofSeconds(5));
 * b.segment();                             // free to reuse
 * }</pre>
 */
public final class ZeroCopy {
    private final Socket socket;
    /** The sends in flight and their buffers; never points back here or to the socket. */
    private final ZeroCopyInFlight inFlight;
    private final List<Completion> completed = new ArrayList<>();

    /**
     * A completion: sends {@code first}..{@code last} (inclusive, as the kernel numbers them) are
     * done with their memory.
     *
     * @param copied whether the kernel copied the data instead ({@code SO_EE_CODE_ZEROCOPY_COPIED})
     */
    public record Completion(long first, long last, boolean copied) {
        /** How many sends this completes. */
        public long count() {
            return last - first + 1;
        }
    }

    /**
     * Memory to send from: native, owned by this class, alive at least until every send from it has
     * completed. One {@code Buffer} may carry several sends at once.
     */
    public static final class Buffer {
        private final MemorySegment memory;
        /** Changed under the lock of the {@link ZeroCopyInFlight} that holds this buffer. */
        volatile int inFlight;

        private Buffer(long size) {
            this.memory = Arena.ofAuto().allocate(size, 64);
        }

        /**
         * The memory, to fill before a send.
         *
         * @throws IllegalStateException while a send from this buffer has not completed
         */
        public MemorySegment segment() {
            int n = inFlight;
            if (n > 0) {
                throw new IllegalStateException(n + " zero-copy send(s) from this buffer not yet completed:"
                        + " the kernel may still read it; wait for the completions first");
            }
            return memory;
        }

        /** The buffer's size in bytes. */
        public long size() {
            return memory.byteSize();
        }

        /** How many sends from this buffer wait for their completion. */
        public int inFlight() {
            return inFlight;
        }
    }

    private ZeroCopy(Socket socket, ZeroCopyInFlight inFlight) {
        this.socket = socket;
        this.inFlight = inFlight;
    }

    /**
     * {@code setsockopt(SO_ZEROCOPY, 1)} on {@code socket} (TCP, or UDP on Linux 5.0+) and a
     * {@code ZeroCopy} to send through it.
     *
     * @throws UnsupportedOperationException off Linux
     * @throws IllegalStateException if the socket is closed or {@linkplain Socket#confine() confined}
     * @throws IOException the kernel's refusal (e.g. {@code ENOPROTOOPT} before 4.14, {@code EOPNOTSUPP} for a socket type without it)
     */
    public static ZeroCopy enable(Socket socket) throws IOException {
        Internals.requireArg(socket, "socket");
        if (!NativeOptions.SO_ZEROCOPY.isSupported()) {
            throw new UnsupportedOperationException("MSG_ZEROCOPY is Linux-only");
        }
        requireNotConfined(socket);
        socket.setOption(NativeOptions.SO_ZEROCOPY, true);
        // one record per socket: a ZeroCopy made after another continues its send numbers
        ZeroCopy zc = new ZeroCopy(socket, ZeroCopyInFlight.of(Internals.CORE.handle(socket)));
        Internals.CORE.cleaner().register(zc, zc.inFlight.ownerGone()); // dropped with sends in flight: the reaper takes over
        return zc;
    }

    private static void requireNotConfined(Socket socket) {
        if (socket.isConfined()) {
            throw new IllegalStateException("zero-copy sends need a socket that is not confined: a confined"
                    + " socket's close releases its descriptor at once, before the kernel's completions");
        }
    }

    /** A new buffer of {@code bytes} bytes (see {@link Buffer}). */
    public Buffer allocate(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("buffer size must be positive: " + bytes);
        }
        return new Buffer(bytes);
    }

    /**
     * {@code send(2)} of {@code buffer[offset, offset + length)} with {@code MSG_ZEROCOPY}. A send
     * that moved bytes is numbered and keeps the buffer in flight until its completion; one that
     * would block ({@link Socket#WOULD_BLOCK}) or failed moved nothing and is not counted.
     *
     * @return bytes sent (may be fewer than {@code length} on a stream), or {@link Socket#WOULD_BLOCK}
     * @throws IllegalStateException if the socket is closed or {@linkplain Socket#confine() confined}
     * @throws IOException {@code ENOBUFS} when the socket's option memory is full of unread
     *     completions: {@link #readCompletions()} and send again
     */
    public long send(Buffer buffer, long offset, long length) throws IOException {
        Internals.requireArg(buffer, "buffer");
        if (offset < 0 || length < 1 || offset > buffer.size() - length) {
            throw new IllegalArgumentException("range [" + offset + ", " + offset + "+" + length + ") outside buffer of " + buffer.size());
        }
        requireNotConfined(socket);
        inFlight.beforeSend(); // holds the descriptor: a close from now on cannot release it under the kernel
        int n = 0;
        try {
            n = socket.send(buffer.memory.asSlice(offset, length), MsgFlags.ZEROCOPY);
        } finally {
            inFlight.afterSend(n > 0 ? buffer : null);
        }
        return n;
    }

    /** Sends made on this socket (through any of its {@code ZeroCopy}s) and not yet completed. */
    public int pending() {
        return inFlight.pending();
    }

    /** Zero-copy sends made on this socket so far (through any of its {@code ZeroCopy}s). */
    public long sends() {
        return inFlight.sends();
    }

    /** Of the completed sends, how many the kernel copied after all. */
    public long copiedSends() {
        return inFlight.copiedSends();
    }

    /**
     * Reads every completion queued now ({@code recvmsg(MSG_ERRQUEUE | MSG_DONTWAIT)}) and releases
     * the buffers of the sends they cover. Works after the socket's close as long as sends are in
     * flight (the descriptor is still held for them).
     *
     * @return the completions read, in order; empty if none was queued
     * @throws IOException an error-queue entry that is not a zero-copy completion (its errno), or a socket error
     * @throws IllegalStateException if the socket is closed and nothing is in flight
     */
    public List<Completion> readCompletions() throws IOException {
        completed.clear();
        inFlight.read(completed, true);
        return List.copyOf(completed);
    }

    /**
     * Reads completions until none is pending or {@code timeout} has passed, waiting in
     * {@code poll(2)} for {@code POLLERR} between reads (in short sleeps once the socket is closed).
     *
     * @param timeout how long to wait at most; {@code null}, or 100 years or more, waits as long as
     *     it takes (the library's one timeout rule, see the README's "Timeouts")
     * @return whether every send has completed
     * @throws IllegalArgumentException for a negative timeout
     */
    public boolean awaitCompletions(Duration timeout) throws IOException {
        long nanos = Internals.CORE.timeoutNanos(timeout);
        long deadline = Internals.CORE.deadline(nanos);
        Poller poller = null;
        while (true) {
            try {
                inFlight.read(completed, true);
            } catch (IllegalStateException closed) {
                if (inFlight.pending() != 0) {
                    throw closed;
                } // the socket is closed and the reaper has read the last completion meanwhile
            }
            completed.clear();
            if (inFlight.pending() == 0) {
                return true;
            }
            long left = Internals.CORE.left(nanos, deadline);
            if (left == 0) {
                return false;
            }
            long slice = Math.min(left < 0 ? Long.MAX_VALUE : left, 100_000_000L);
            if (!socket.isClosed()) {
                try {
                    if (poller == null) {
                        poller = new Poller();
                        poller.add(socket, Poller.ERR);
                    }
                    poller.poll(Duration.ofNanos(slice));
                    continue;
                } catch (IllegalStateException | SocketClosedException closedMeanwhile) {
                    // closed under the wait: the sends in flight are still ours to read
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(slice, 10_000_000L));
        }
    }
}
