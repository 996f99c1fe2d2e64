package dev.nativesockets;

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
 *       record of every send not yet completed holds the buffer, so the memory cannot be freed
 *       before its completion, whatever the caller drops or closes;</li>
 *   <li>{@link Buffer#segment()} refuses ({@link IllegalStateException}) while a send from the
 *       buffer is in flight, so the way to write into it is closed until
 *       {@link #readCompletions()} or {@link #awaitCompletions(Duration)} has seen it done.</li>
 * </ul>
 * A segment obtained before a send still points at the memory; writing through it while
 * {@link Buffer#inFlight()} is the one mistake left open — do not keep segments across sends.
 *
 * <p>Every zero-copy send on the socket must go through one {@code ZeroCopy}: the kernel numbers
 * the sends from 0 per socket, and this class counts them to match completions to buffers. Not
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
    /*
     * The buffers of the sends not yet completed, oldest first, in a ring: the kernel numbers sends
     * consecutively, so send nextId - count + i is slot (head + i); no record per send.
     */
    private Buffer[] ring = new Buffer[64];
    private int head;
    private int count;
    private final Message errors = new Message().controlCapacity(256);
    private final List<Completion> completed = new ArrayList<>();
    private long nextId; // the kernel's 32-bit counter, unwrapped
    private long sends;
    private long copiedSends;

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
        private int inFlight;

        private Buffer(long size) {
            this.memory = Arena.ofAuto().allocate(size, 64);
        }

        /**
         * The memory, to fill before a send.
         *
         * @throws IllegalStateException while a send from this buffer has not completed
         */
        public MemorySegment segment() {
            if (inFlight > 0) {
                throw new IllegalStateException(inFlight + " zero-copy send(s) from this buffer not yet completed:"
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

    private ZeroCopy(Socket socket) {
        this.socket = socket;
    }

    /**
     * {@code setsockopt(SO_ZEROCOPY, 1)} on {@code socket} (TCP, or UDP on Linux 5.0+) and a
     * {@code ZeroCopy} to send through it.
     *
     * @throws UnsupportedOperationException off Linux
     * @throws IOException the kernel's refusal (e.g. {@code ENOPROTOOPT} before 4.14, {@code EOPNOTSUPP} for a socket type without it)
     */
    public static ZeroCopy enable(Socket socket) throws IOException {
        Socket.requireArg(socket, "socket");
        if (!NativeOptions.SO_ZEROCOPY.isSupported()) {
            throw new UnsupportedOperationException("MSG_ZEROCOPY is Linux-only");
        }
        socket.setOption(NativeOptions.SO_ZEROCOPY, true);
        return new ZeroCopy(socket);
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
     * @throws IOException {@code ENOBUFS} when the socket's option memory is full of unread
     *     completions: {@link #readCompletions()} and send again
     */
    public long send(Buffer buffer, long offset, long length) throws IOException {
        Socket.requireArg(buffer, "buffer");
        if (offset < 0 || length < 1 || offset > buffer.size() - length) {
            throw new IllegalArgumentException("range [" + offset + ", " + offset + "+" + length + ") outside buffer of " + buffer.size());
        }
        int n = socket.send(buffer.memory.asSlice(offset, length), MsgFlags.ZEROCOPY);
        if (n > 0) {
            buffer.inFlight++;
            push(buffer);
            nextId++;
            sends++;
        }
        return n;
    }

    /** Sends made and not yet completed. */
    public int pending() {
        return count;
    }

    private void push(Buffer b) {
        if (count == ring.length) {
            Buffer[] bigger = new Buffer[ring.length * 2];
            for (int i = 0; i < count; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + count) % ring.length] = b;
        count++;
    }

    /** Sends made through this object so far. */
    public long sends() {
        return sends;
    }

    /** Of the completed sends, how many the kernel copied after all. */
    public long copiedSends() {
        return copiedSends;
    }

    /**
     * Reads every completion queued now ({@code recvmsg(MSG_ERRQUEUE | MSG_DONTWAIT)}) and releases
     * the buffers of the sends they cover.
     *
     * @return the completions read, in order; empty if none was queued
     * @throws IOException an error-queue entry that is not a zero-copy completion (its errno), or a socket error
     */
    public List<Completion> readCompletions() throws IOException {
        completed.clear();
        while (true) {
            long r = socket.recvMsg(errors, MsgFlags.ERRQUEUE | MsgFlags.DONTWAIT);
            if (r == Socket.WOULD_BLOCK) {
                return List.copyOf(completed);
            }
            ExtendedError e = errors.received(ExtendedError.class);
            if (e == null) {
                continue; // an entry without the extended error: nothing of ours
            }
            if (!e.isZeroCopy()) {
                throw Errno.exception("error queue (origin " + e.origin() + ")", e.errno() != 0 ? e.errno() : Constants.EIO);
            }
            complete(e);
        }
    }

    /**
     * Reads completions until none is pending or {@code timeout} has passed, waiting in
     * {@code poll(2)} for {@code POLLERR} between reads.
     *
     * @return whether every send has completed
     */
    public boolean awaitCompletions(Duration timeout) throws IOException {
        Socket.requireArg(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        Poller poller = new Poller();
        poller.add(socket, Poller.ERR);
        while (true) {
            readCompletions();
            if (count == 0) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            poller.poll(Duration.ofNanos(Math.min(left, 100_000_000L)));
        }
    }

    /** Releases the sends {@code ee_info..ee_data}; the kernel's numbers are 32-bit and wrap. */
    private void complete(ExtendedError e) {
        long lo = Integer.toUnsignedLong(e.info());
        long hi = Integer.toUnsignedLong(e.data());
        long n = ((hi - lo) & 0xffff_ffffL) + 1;
        long first = -1;
        long last = -1;
        for (long i = 0; i < n && count > 0; i++) {
            long id = nextId - count; // the oldest send not yet completed
            if ((id & 0xffff_ffffL) != ((lo + i) & 0xffff_ffffL)) {
                break; // not ours (a send outside this object): stop rather than release the wrong buffer
            }
            Buffer b = ring[head];
            ring[head] = null;
            head = (head + 1) % ring.length;
            count--;
            b.inFlight--;
            if (first < 0) {
                first = id;
            }
            last = id;
        }
        if (first >= 0) {
            boolean copied = e.copied();
            if (copied) {
                copiedSends += last - first + 1;
            }
            completed.add(new Completion(first, last, copied));
        }
    }
}
