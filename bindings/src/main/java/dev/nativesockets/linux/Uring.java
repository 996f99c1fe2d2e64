package dev.nativesockets.linux;

import static dev.nativesockets.linux.UringSys.*;

import dev.nativesockets.Fd;
import dev.nativesockets.How;
import dev.nativesockets.Socket;
import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * An io_uring completion ring ({@code io_uring_setup(2)}, {@code io_uring_enter(2)},
 * {@code io_uring_register(2)}, called directly: no liburing, no native code of ours), Linux only.
 *
 * <p>Operations are queued by the methods below, each returning an id (a slot and a generation,
 * never a pointer) and carrying a caller's {@code tag}; {@link #submit} hands them to the kernel,
 * {@link #await} submits, waits and delivers completions to a {@link UringHandler} on the calling
 * thread, with no allocation per completion. {@link #link} chains the next operation to the
 * previous one ({@code IOSQE_IO_LINK}); {@link #linkTimeout} bounds the previous one.
 *
 * <h2>Safety across the asynchronous boundary</h2>
 * The kernel uses an operation's memory and descriptor number after the submitting call returned,
 * so: an operation sends from and receives into library memory only ({@link UringBuffer},
 * {@link BufferRing}, the slot's own area for addresses and timespecs), kept reachable until its
 * last completion; it holds its socket's descriptor as a call in flight does, so
 * {@link Socket#close()} shuts the socket down (ending its operations) and releases the number
 * only after their completions; a multishot operation still armed on a closed socket is cancelled.
 * {@link #close()} — and the Cleaner of a ring dropped unclosed — cancels every operation, reaps
 * until none is left and only then unmaps and frees. Completion-queue overflow is flushed
 * ({@code IORING_FEAT_NODROP}), a full submission queue is submitted to make room, and a multishot
 * receive that ran out of buffers ({@code ENOBUFS}) is re-armed.
 *
 * <p>A ring is confined to the thread that opened it, like a confined arena: every other thread
 * gets {@link WrongThreadException}, because two threads filling one submission entry could point
 * the kernel at memory neither meant.
 */
public final class Uring implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Ring ring;
    private final Cleaner.Cleanable cleanable;
    private int nextGroup;

    private Uring(Ring ring) {
        this.ring = ring;
        this.cleanable = CLEANER.register(this, ring);
    }

    /**
     * Sets up a ring with {@code entries} submission entries (rounded up to a power of two, clamped
     * to the kernel's maximum) and four times as many completion entries.
     *
     * @throws UringUnavailableException if io_uring cannot be used here, naming why
     */
    public static Uring open(int entries) throws IOException {
        if (entries < 1 || entries > 32768) {
            throw new IllegalArgumentException("entries must be 1..32768: " + entries);
        }
        return new Uring(Ring.open(entries));
    }

    /** Whether a ring can be set up here now (tries one, closes it). */
    public static boolean isSupported() {
        try (Uring u = open(2)) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Throws the reason a ring cannot be set up here; returns if it can. */
    public static void requireSupported() throws UringUnavailableException {
        try (Uring u = open(2)) {
            // available
        } catch (UringUnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw new UringUnavailableException("io_uring_setup", 0, e.getMessage());
        }
    }

    /** Whether the kernel supports {@code op} ({@code IORING_REGISTER_PROBE}). */
    public boolean supports(UringOp op) {
        return ring.supports(op.opcode);
    }

    /** The operations the kernel supports, of those this library submits. */
    public Set<UringOp> supportedOps() {
        Set<UringOp> s = EnumSet.noneOf(UringOp.class);
        for (UringOp op : UringOp.values()) {
            if (ring.supports(op.opcode)) {
                s.add(op);
            }
        }
        return s;
    }

    public int submissionEntries() {
        return ring.sqEntries;
    }

    public int completionEntries() {
        return ring.cqEntries;
    }

    /** Operations submitted or queued whose last completion has not been reaped. */
    public int inFlight() {
        return ring.live;
    }

    /** Times the kernel kept completions the queue had no room for and the ring flushed them in. */
    public long overflowFlushes() {
        return ring.overflowFlushes;
    }

    /** Library memory for sends and receives, alive while reachable and while any operation uses it. */
    public UringBuffer allocate(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        return new UringBuffer(size);
    }

    /**
     * Registers a provided-buffer ring of {@code count} buffers (a power of two, at most 32768) of
     * {@code bufferSize} bytes ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19). Freed with the ring.
     */
    public BufferRing bufferRing(int count, int bufferSize) throws IOException {
        ring.check();
        if (count < 1 || count > 32768 || Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("count must be a power of two in 1..32768: " + count);
        }
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be positive: " + bufferSize);
        }
        if (nextGroup > 0xFFFF) {
            throw new IllegalStateException("no buffer group id left");
        }
        BufferRing br = new BufferRing(ringArena(), nextGroup, count, bufferSize);
        MemorySegment reg = ringArena().allocate(40, 8); // struct io_uring_buf_reg
        reg.set(ValueLayout.JAVA_LONG, 0, br.entries.address());
        reg.set(ValueLayout.JAVA_INT, 8, count);
        reg.set(ValueLayout.JAVA_SHORT, 12, (short) br.group);
        if (register(ring.cs, ring.fd, IORING_REGISTER_PBUF_RING, reg.address(), 1) < 0) {
            throw new UringException("io_uring_register(IORING_REGISTER_PBUF_RING)", errno(ring.cs));
        }
        nextGroup++;
        ring.bufferRings.add(br);
        return br;
    }

    private java.lang.foreign.Arena ringArena() {
        return ring.arena();
    }

    // ---- operations ----------------------------------------------------------------------------

    /** {@code IORING_OP_NOP}. */
    public long nop(long tag) throws IOException {
        long off = begin();
        int s = ring.allocSlot(UringOp.NOP, tag, null, false);
        ring.sqe(off, UringOp.NOP.opcode, 0, -1, 0, 0, 0, 0, ring.id(s));
        return done(s);
    }

    /** {@code IORING_OP_ACCEPT} ({@code accept4(2)} with {@code SOCK_CLOEXEC}); take the socket with {@link UringCompletion#takeAccepted}. */
    public long accept(Socket listener, long tag) throws IOException {
        return accept(listener, tag, false);
    }

    /** Multishot accept ({@code IORING_ACCEPT_MULTISHOT}, Linux 5.19): one completion per connection until it ends. */
    public long acceptMultishot(Socket listener, long tag) throws IOException {
        return accept(listener, tag, true);
    }

    private long accept(Socket listener, long tag, boolean multishot) throws IOException {
        Object h = handleOf(listener);
        long off = begin();
        int s = ring.allocSlot(UringOp.ACCEPT, tag, null, multishot);
        int fd = hold(s, h);
        ring.sqe(off, UringOp.ACCEPT.opcode, 0, fd, 0, 0, 0, Constants.SOCK_CLOEXEC, ring.id(s));
        if (multishot) {
            ring.sqeIoprio(off, IORING_ACCEPT_MULTISHOT);
        }
        return done(s);
    }

    /** {@code IORING_OP_CONNECT}; the address is copied into the operation's own native area. */
    public long connect(Socket socket, SocketAddress to, long tag) throws IOException {
        Object h = handleOf(socket);
        long off = begin();
        int s = ring.allocSlot(UringOp.CONNECT, tag, null, false);
        MemorySegment area = ring.slotArea(s);
        long base = ring.slotOffset(s);
        int len;
        try {
            len = Ring.DESCRIPTORS.encode(to, area.asSlice(base + Ring.SLOT_ADDR, 128), socket.family());
        } catch (RuntimeException e) {
            ring.freeSlot(s);
            throw e;
        }
        int fd = hold(s, h);
        ring.sqe(off, UringOp.CONNECT.opcode, 0, fd, len, area.address() + base + Ring.SLOT_ADDR, 0, 0, ring.id(s));
        return done(s);
    }

    /** {@code IORING_OP_SEND} of {@code length} bytes at {@code offset} of {@code buffer}, with {@code MSG_NOSIGNAL}. */
    public long send(Socket socket, UringBuffer buffer, long offset, int length, long tag) throws IOException {
        return transfer(UringOp.SEND, handleOf(socket), buffer, offset, length, Constants.MSG_NOSIGNAL, tag);
    }

    /**
     * {@code IORING_OP_SEND_ZC} (Linux 6.0): the kernel sends from the buffer without copying. Two
     * completions: the count (with {@link UringCompletion#more()}), then a
     * {@linkplain UringCompletion#notification() notification} once the buffer is free again; the
     * buffer stays in flight until that last one.
     */
    public long sendZeroCopy(Socket socket, UringBuffer buffer, long offset, int length, long tag) throws IOException {
        return transfer(UringOp.SEND_ZC, handleOf(socket), buffer, offset, length, Constants.MSG_NOSIGNAL, tag);
    }

    /** {@code IORING_OP_RECV} into {@code length} bytes at {@code offset} of {@code buffer}. */
    public long recv(Socket socket, UringBuffer buffer, long offset, int length, long tag) throws IOException {
        return transfer(UringOp.RECV, handleOf(socket), buffer, offset, length, 0, tag);
    }

    /** {@code IORING_OP_READ} at the descriptor's current position. */
    public long read(Fd fd, UringBuffer buffer, long offset, int length, long tag) throws IOException {
        return transfer(UringOp.READ, handleOf(fd), buffer, offset, length, 0, tag);
    }

    /** {@code IORING_OP_WRITE} at the descriptor's current position. */
    public long write(Fd fd, UringBuffer buffer, long offset, int length, long tag) throws IOException {
        return transfer(UringOp.WRITE, handleOf(fd), buffer, offset, length, 0, tag);
    }

    private long transfer(UringOp op, Object h, UringBuffer buffer, long offset, int length, int msgFlags, long tag)
            throws IOException {
        if (buffer == null) {
            throw new IllegalArgumentException("buffer is null");
        }
        buffer.checkRange(offset, length);
        long off = begin();
        int s = ring.allocSlot(op, tag, buffer, false);
        int fd = hold(s, h);
        long addr = buffer.segment().address() + offset;
        boolean rw = op == UringOp.READ || op == UringOp.WRITE;
        // read/write: offset -1 is "the current position" (pipes, sockets, ttys); msg flags otherwise
        ring.sqe(off, op.opcode, 0, fd, rw ? -1L : 0L, addr, length, rw ? 0 : msgFlags, ring.id(s));
        return done(s);
    }

    /**
     * {@code IORING_OP_SENDMSG} of {@code length} bytes of {@code data} to {@code to} (null on a
     * connected socket) with the raw control bytes {@code control[controlOffset, +controlLength)}
     * (null for none). The msghdr, iovec and address are staged in the operation's own area; the
     * control bytes are library memory too, so nothing the kernel reads can be freed under it.
     */
    public long sendmsg(Socket socket, UringBuffer data, long offset, int length, SocketAddress to,
                        UringBuffer control, long controlOffset, int controlLength, long tag) throws IOException {
        return message(UringOp.SENDMSG, socket, data, offset, length, to, control, controlOffset, controlLength, tag);
    }

    /**
     * {@code IORING_OP_RECVMSG} into {@code data} and the control range of {@code control} (null for
     * none), with {@code MSG_CMSG_CLOEXEC}; the completion gives {@link UringCompletion#messageFlags()},
     * {@link UringCompletion#controlLength()} and {@link UringCompletion#takeReceivedDescriptors()}.
     */
    public long recvmsg(Socket socket, UringBuffer data, long offset, int length,
                        UringBuffer control, long controlOffset, int controlLength, long tag) throws IOException {
        return message(UringOp.RECVMSG, socket, data, offset, length, null, control, controlOffset, controlLength, tag);
    }

    private long message(UringOp op, Socket socket, UringBuffer data, long offset, int length, SocketAddress to,
                         UringBuffer control, long controlOffset, int controlLength, long tag) throws IOException {
        Object h = handleOf(socket);
        if (data == null) {
            throw new IllegalArgumentException("data buffer is null");
        }
        data.checkRange(offset, length);
        if (control != null) {
            control.checkRange(controlOffset, controlLength);
        }
        long off = begin();
        int s = ring.allocSlot(op, tag, data, false);
        MemorySegment area = ring.slotArea(s);
        long base = ring.slotOffset(s);
        int nameLen = 0;
        try {
            if (to != null) {
                nameLen = Ring.DESCRIPTORS.encode(to, area.asSlice(base + Ring.SLOT_ADDR, 128), socket.family());
            }
        } catch (RuntimeException e) {
            ring.freeSlot(s);
            throw e;
        }
        if (control != null) {
            ring.keepAlso(s, control);
        }
        int fd = hold(s, h);
        long a = area.address() + base;
        long msg = base + Ring.SLOT_MSG, iov = base + Ring.SLOT_IOV;
        area.set(ValueLayout.JAVA_LONG, iov, data.segment().address() + offset);
        area.set(ValueLayout.JAVA_LONG, iov + 8, length);
        boolean named = op == UringOp.RECVMSG || to != null; // recvmsg learns the source address
        area.set(ValueLayout.JAVA_LONG, msg, named ? a + Ring.SLOT_ADDR : 0L);
        area.set(ValueLayout.JAVA_LONG, msg + 8, op == UringOp.RECVMSG ? 128 : nameLen);
        area.set(ValueLayout.JAVA_LONG, msg + 16, a + Ring.SLOT_IOV);
        area.set(ValueLayout.JAVA_LONG, msg + 24, 1);
        area.set(ValueLayout.JAVA_LONG, msg + 32, control == null ? 0L : control.segment().address() + controlOffset);
        area.set(ValueLayout.JAVA_LONG, msg + 40, control == null ? 0 : controlLength);
        area.set(ValueLayout.JAVA_LONG, msg + 48, 0L);
        int flags = op == UringOp.SENDMSG ? Constants.MSG_NOSIGNAL : Constants.MSG_CMSG_CLOEXEC;
        ring.sqe(off, op.opcode, 0, fd, 0, area.address() + msg,
                1, flags, ring.id(s));
        return done(s);
    }

    /**
     * Multishot receive into a provided-buffer ring ({@code IORING_RECV_MULTISHOT}, Linux 6.0): one
     * completion per arrival, each naming the buffer that holds it; the buffer goes back to the
     * kernel when the handler returns. Ends at end-of-stream (result 0) or on an error; on
     * {@code ENOBUFS} the ring re-arms it itself.
     */
    public long recvMultishot(Socket socket, BufferRing buffers, long tag) throws IOException {
        if (buffers == null || !ring.bufferRings.contains(buffers)) {
            throw new IllegalArgumentException("the buffer ring was not registered with this ring");
        }
        Object h = handleOf(socket);
        long off = begin();
        int s = ring.allocSlot(UringOp.RECV, tag, buffers, true);
        int fd = hold(s, h);
        ring.sqe(off, UringOp.RECV.opcode, IOSQE_BUFFER_SELECT, fd, 0, 0, 0, 0, ring.id(s));
        ring.sqeIoprio(off, IORING_RECV_MULTISHOT);
        ring.sqeBufGroup(off, buffers.group);
        return done(s);
    }

    /** {@code IORING_OP_POLL_ADD}: one completion with the ready {@code poll(2)} events. */
    public long poll(Socket socket, int events, long tag) throws IOException {
        return poll(handleOf(socket), events, false, tag);
    }

    /** {@code IORING_OP_POLL_ADD} on any descriptor. */
    public long poll(Fd fd, int events, long tag) throws IOException {
        return poll(handleOf(fd), events, false, tag);
    }

    /** Multishot poll ({@code IORING_POLL_ADD_MULTI}, Linux 5.13): a completion per readiness change until cancelled. */
    public long pollMultishot(Socket socket, int events, long tag) throws IOException {
        return poll(handleOf(socket), events, true, tag);
    }

    private long poll(Object h, int events, boolean multishot, long tag) throws IOException {
        long off = begin();
        int s = ring.allocSlot(UringOp.POLL_ADD, tag, null, multishot);
        int fd = hold(s, h);
        ring.sqe(off, UringOp.POLL_ADD.opcode, 0, fd, 0, 0, multishot ? IORING_POLL_ADD_MULTI : 0, events, ring.id(s));
        return done(s);
    }

    /** {@code IORING_OP_TIMEOUT}: completes with {@code ETIME} after {@code after}. */
    public long timeout(Duration after, long tag) throws IOException {
        return timeout(UringOp.TIMEOUT, after, tag);
    }

    /**
     * {@code IORING_OP_LINK_TIMEOUT}: links itself to the operation queued just before (which must
     * not be submitted yet) and cancels it if it has not completed within {@code after}.
     */
    public long linkTimeout(Duration after, long tag) throws IOException {
        ring.check();
        requireTimeout(after); // before the link: a refused timeout must leave the previous entry unlinked
        long off = ring.nextSqe(); // before the link too: making room submits what is queued
        ring.linkLast();
        return timeout(off, UringOp.LINK_TIMEOUT, after, tag);
    }

    private static void requireTimeout(Duration after) {
        if (after == null || after.isNegative()) {
            throw new IllegalArgumentException("timeout must be a non-negative duration: " + after);
        }
    }

    private long timeout(UringOp op, Duration after, long tag) throws IOException {
        requireTimeout(after);
        return timeout(begin(), op, after, tag);
    }

    private long timeout(long off, UringOp op, Duration after, long tag) {
        int s = ring.allocSlot(op, tag, null, false);
        MemorySegment area = ring.slotArea(s);
        long ts = ring.slotOffset(s) + Ring.SLOT_TS;
        area.set(ValueLayout.JAVA_LONG, ts, after.getSeconds());
        area.set(ValueLayout.JAVA_LONG, ts + 8, after.getNano());
        ring.sqe(off, op.opcode, 0, -1, 0, area.address() + ts, 1, 0, ring.id(s));
        return done(s);
    }

    /**
     * {@code IORING_OP_ASYNC_CANCEL} of the operation {@code id}; the cancelled one completes with
     * {@code ECANCELED} (or, a multishot receive that ran out of buffers just before, with
     * {@code ENOBUFS}: it is not re-armed once cancelled).
     */
    public long cancel(long id, long tag) throws IOException {
        long off = begin();
        ring.cancelling(id); // a multishot receive that meanwhile ran out of buffers is not re-armed then
        int s = ring.allocSlot(UringOp.ASYNC_CANCEL, tag, null, false);
        ring.sqe(off, UringOp.ASYNC_CANCEL.opcode, 0, -1, 0, id, 0, 0, ring.id(s));
        return done(s);
    }

    /** Cancels every operation on {@code socket} ({@code IORING_ASYNC_CANCEL_FD | _ALL}, Linux 5.19); the result counts them. */
    public long cancelAll(Socket socket, long tag) throws IOException {
        Object h = handleOf(socket);
        long off = begin();
        int s = ring.allocSlot(UringOp.ASYNC_CANCEL, tag, null, false);
        int fd = hold(s, h);
        ring.sqe(off, UringOp.ASYNC_CANCEL.opcode, 0, fd, 0, 0, 0,
                IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL, ring.id(s));
        return done(s);
    }

    /** {@code IORING_OP_SHUTDOWN} (Linux 5.11). */
    public long shutdown(Socket socket, How how, long tag) throws IOException {
        if (how == null) {
            throw new IllegalArgumentException("how is null");
        }
        Object h = handleOf(socket);
        long off = begin();
        int s = ring.allocSlot(UringOp.SHUTDOWN, tag, null, false);
        int fd = hold(s, h);
        int v = switch (how) {
            case READ -> Constants.SHUT_RD;
            case WRITE -> Constants.SHUT_WR;
            case BOTH -> Constants.SHUT_RDWR;
        };
        ring.sqe(off, UringOp.SHUTDOWN.opcode, 0, fd, 0, 0, v, 0, ring.id(s));
        return done(s);
    }

    /**
     * {@code IORING_OP_CLOSE}: the socket gives up its descriptor now ({@link Socket#detach()}, which
     * needs no call in flight on it) and the kernel closes the number; the socket is closed from
     * here on.
     */
    public long close(Socket socket, long tag) throws IOException {
        ring.check();
        if (socket == null) {
            throw new IllegalArgumentException("socket is null");
        }
        long off = begin();
        int number = socket.detach(); // from here the number is the ring's alone, until close(2) in the kernel
        int s = ring.allocSlot(UringOp.CLOSE, tag, null, false);
        ring.sqe(off, UringOp.CLOSE.opcode, 0, number, 0, 0, 0, 0, ring.id(s));
        return done(s);
    }

    /** Links the operation queued next to the one queued last ({@code IOSQE_IO_LINK}): it starts only after that one succeeds. */
    public Uring link() {
        ring.check();
        ring.linkLast();
        return this;
    }

    // ---- submission and completion ---------------------------------------------------------------

    /** Submits what is queued ({@code io_uring_enter}); returns how many the kernel took. */
    public int submit() throws IOException {
        ring.check();
        return ring.enter(0, 0);
    }

    /** Delivers the completions that are due, without waiting; returns how many. */
    public int complete(UringHandler handler) throws IOException {
        ring.check();
        requireHandler(handler);
        return closeIfRequested(ring.reap(handler));
    }

    /**
     * Submits what is queued, waits until at least {@code min} completions are due or
     * {@code timeout} passes (null: no limit), and delivers those due; returns how many.
     */
    public int await(int min, Duration timeout, UringHandler handler) throws IOException {
        ring.check();
        requireHandler(handler);
        if (min < 0) {
            throw new IllegalArgumentException("min must not be negative: " + min);
        }
        int n = ring.reap(handler);
        if (ring.closeRequested) {
            return closeIfRequested(n);
        }
        int need = Math.max(0, min - n);
        long nanos = timeout == null ? -1 : Math.max(0, saturatedNanos(timeout));
        ring.enter(need, nanos);
        return closeIfRequested(n + ring.reap(handler));
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void requireHandler(UringHandler handler) {
        if (handler == null) {
            throw new IllegalArgumentException("handler is null");
        }
    }

    /**
     * Cancels every operation, reaps until none is left, closes the ring and frees its memory and
     * buffer rings. Completions reaped here reach no handler (accepted sockets among them are
     * closed). Idempotent; only the owner thread may call it. Called from a completion handler, it
     * takes effect when the reap that runs the handler returns (no operation may be queued after it).
     */
    @Override
    public void close() {
        if (Thread.currentThread() != ring.owner) {
            throw new WrongThreadException("the ring is confined to " + ring.owner);
        }
        if (ring.reaping) {
            ring.closeRequested = true; // from a handler: the reap finishes its completion first
            return;
        }
        cleanable.clean();
    }

    private int closeIfRequested(int n) {
        if (ring.closeRequested) {
            cleanable.clean();
        }
        return n;
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private long begin() throws IOException {
        ring.check();
        return ring.nextSqe();
    }

    private long done(int s) {
        ring.commit();
        return ring.id(s);
    }

    private int hold(int s, Object h) {
        try {
            return ring.hold(s, h);
        } catch (RuntimeException e) {
            ring.freeSlot(s);
            throw e;
        }
    }

    private Object handleOf(Socket socket) {
        if (socket == null) {
            throw new IllegalArgumentException("socket is null");
        }
        return Ring.DESCRIPTORS.handle(socket);
    }

    private Object handleOf(Fd fd) {
        if (fd == null) {
            throw new IllegalArgumentException("fd is null");
        }
        return Ring.DESCRIPTORS.handle(fd);
    }

    @Override
    public String toString() {
        return "Uring[fd=" + ring.fd + ", sq=" + ring.sqEntries + ", cq=" + ring.cqEntries + ", inFlight=" + ring.live
                + (ring.closed ? ", closed" : "") + "]";
    }
}
