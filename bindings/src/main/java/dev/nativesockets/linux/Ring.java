package dev.nativesockets.linux;

import static dev.nativesockets.linux.UringSys.*;

import dev.nativesockets.internal.LinuxAccess;
import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ring itself, and the {@link java.lang.ref.Cleaner} action of its {@link Uring}: the mapped
 * submission and completion queues, the operation slots, and the order of teardown.
 *
 * <p>Lifetime (docs/RELIABILITY.md, "io_uring"): an operation's slot keeps what the kernel may
 * touch — the descriptor's owner (a counted user, so the number cannot be released), the buffer or
 * buffer ring (reachable, so not freed), its own native area (sockaddr, timespec) — until the
 * operation's last completion is reaped. {@link #run} cancels every live operation, reaps until
 * none is left, and only then closes the ring and frees memory; what the kernel never completes is
 * leaked on purpose, never freed under it.
 */
final class Ring implements Runnable {
    static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    static final LinuxAccess.Core DESCRIPTORS = LinuxAccess.core();
    /** The user_data of the ring's own operations (cancels): no slot has generation 0xFFFFFFFF. */
    static final long INTERNAL = -1L;
    private static final UringOp[] OPS = UringOp.values();
    /** Rings whose operations did not all complete at close: their memory stays reachable, never freed. */
    private static final Set<Ring> LEAKED = ConcurrentHashMap.newKeySet();
    static final int ETIME = dev.nativesockets.Errno.number("ETIME");
    static final int EBUSY = dev.nativesockets.Errno.number("EBUSY");
    static final long CLOSE_TIMEOUT_NANOS = 5_000_000_000L;

    // slot state bits
    private static final int LIVE = 1, MULTISHOT = 2, CANCELLING = 4;
    // per-slot native area: sockaddr (128), socklen (8), timespec (16), msghdr (56), iovec (16)
    static final int SLOT_MEM = 256, SLOT_ADDR = 0, SLOT_ADDRLEN = 128, SLOT_TS = 136, SLOT_MSG = 152, SLOT_IOV = 208;
    private static final int CHUNK = 1024;

    final Thread owner;
    private final Arena arena;
    private final Arena mapArena;
    final MemorySegment cs;
    final int fd;
    final int features;
    private final MemorySegment ring;
    private final MemorySegment sqes;
    final int sqEntries, cqEntries;
    private final int sqMask, cqMask;
    private final long sqHeadOff, sqTailOff, sqFlagsOff, cqHeadOff, cqTailOff, cqesOff;
    private final boolean[] supported = new boolean[256];
    private final MemorySegment waitArg, waitTs;
    final UringCompletion view = new UringCompletion(this);
    final List<BufferRing> bufferRings = new ArrayList<>();

    private int sqTail;
    private int cqHead;
    /** sqTail value of the last prepared entry, for {@link #linkLast}; -1 after a submit. */
    private int lastPrepared = -1;
    private int published;

    // slots: parallel arrays, grown by doubling; native areas in fixed chunks (never moved)
    private long[] tags = new long[CHUNK];
    private Object[] handles = new Object[CHUNK];
    private Object[] keeps = new Object[CHUNK];
    private Object[] keeps2 = new Object[CHUNK];
    private int[] numbers = new int[CHUNK];
    private int[] gens = new int[CHUNK];
    private byte[] kinds = new byte[CHUNK];
    private byte[] states = new byte[CHUNK];
    private int[] nextFree = new int[CHUNK];
    private MemorySegment[] slotMem = new MemorySegment[1];
    private int slotCount;
    private int freeHead = -1;
    int live;
    boolean closed;
    /** Inside {@link #reap}: a handler is running, so no nested reap and no close until it returns. */
    boolean reaping;
    /** {@link Uring#close()} called from a handler: done when the reap returns. */
    boolean closeRequested;
    long overflowFlushes;

    private Ring(Arena arena, Arena mapArena, MemorySegment cs, int fd, MemorySegment params, MemorySegment ring,
                 MemorySegment sqes) {
        this.owner = Thread.currentThread();
        this.arena = arena;
        this.mapArena = mapArena;
        this.cs = cs;
        this.fd = fd;
        this.ring = ring;
        this.sqes = sqes;
        this.features = params.get(ValueLayout.JAVA_INT, P_FEATURES);
        this.sqEntries = params.get(ValueLayout.JAVA_INT, P_SQ_ENTRIES);
        this.cqEntries = params.get(ValueLayout.JAVA_INT, P_CQ_ENTRIES);
        this.sqHeadOff = u32(params, P_SQ_OFF + SQ_HEAD);
        this.sqTailOff = u32(params, P_SQ_OFF + SQ_TAIL);
        this.sqFlagsOff = u32(params, P_SQ_OFF + SQ_FLAGS);
        this.sqMask = ring.get(ValueLayout.JAVA_INT, u32(params, P_SQ_OFF + SQ_MASK));
        this.cqHeadOff = u32(params, P_CQ_OFF + CQ_HEAD);
        this.cqTailOff = u32(params, P_CQ_OFF + CQ_TAIL);
        this.cqesOff = u32(params, P_CQ_OFF + CQ_CQES);
        this.cqMask = ring.get(ValueLayout.JAVA_INT, u32(params, P_CQ_OFF + CQ_MASK));
        long array = u32(params, P_SQ_OFF + SQ_ARRAY);
        for (int i = 0; i < sqEntries; i++) { // entry i of the array names SQE i, for good
            ring.set(ValueLayout.JAVA_INT, array + 4L * i, i);
        }
        this.sqTail = (int) INT.getAcquire(ring, sqTailOff);
        this.published = sqTail;
        this.cqHead = (int) INT.getAcquire(ring, cqHeadOff);
        this.waitArg = arena.allocate(24, 8);
        this.waitTs = arena.allocate(16, 8);
        this.slotMem[0] = arena.allocate((long) CHUNK * SLOT_MEM, 16);
        Arrays.fill(gens, 1);
    }

    private static long u32(MemorySegment s, long off) {
        return Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT, off));
    }

    // ---- setup ---------------------------------------------------------------------------

    static Ring open(int entries) throws IOException {
        Arena arena = Arena.ofShared();
        int fd = -1;
        Arena mapArena = null;
        try {
            MemorySegment cs = CallState.allocate(arena);
            MemorySegment params = arena.allocate(PARAMS_SIZE, 8);
            int flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP | IORING_SETUP_SUBMIT_ALL;
            params.set(ValueLayout.JAVA_INT, P_FLAGS, flags);
            params.set(ValueLayout.JAVA_INT, P_CQ_ENTRIES, entries * 4); // room for multishot bursts
            long r = setup(cs, entries, params);
            if (r < 0 && errno(cs) == dev.nativesockets.Errno.EINVAL) { // before 5.18: no SUBMIT_ALL
                params.fill((byte) 0);
                params.set(ValueLayout.JAVA_INT, P_FLAGS, flags & ~IORING_SETUP_SUBMIT_ALL);
                params.set(ValueLayout.JAVA_INT, P_CQ_ENTRIES, entries * 4);
                r = setup(cs, entries, params);
            }
            if (r < 0) {
                int e = errno(cs);
                throw new UringUnavailableException("io_uring_setup", e, why(e));
            }
            fd = (int) r;
            int features = params.get(ValueLayout.JAVA_INT, P_FEATURES);
            int needed = IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP | IORING_FEAT_EXT_ARG;
            if ((features & needed) != needed) {
                throw new UringUnavailableException("io_uring_setup", 0, "the kernel lacks a feature this library needs"
                        + " (IORING_FEAT_SINGLE_MMAP, _NODROP and _EXT_ARG: Linux 5.11 or later); features=0x"
                        + Integer.toHexString(features));
            }
            int sqn = params.get(ValueLayout.JAVA_INT, P_SQ_ENTRIES);
            int cqn = params.get(ValueLayout.JAVA_INT, P_CQ_ENTRIES);
            long sqSize = u32(params, P_SQ_OFF + SQ_ARRAY) + 4L * sqn;
            long cqSize = u32(params, P_CQ_OFF + CQ_CQES) + (long) CQE_SIZE * cqn;
            long ringSize = Math.max(sqSize, cqSize);
            mapArena = Arena.ofShared();
            MemorySegment ringMem = map(cs, mapArena, ringSize, fd, IORING_OFF_SQ_RING);
            MemorySegment sqeMem = map(cs, mapArena, (long) SQE_SIZE * sqn, fd, IORING_OFF_SQES);
            Ring ring = new Ring(arena, mapArena, cs, fd, params, ringMem, sqeMem);
            ring.probe();
            return ring;
        } catch (Throwable t) {
            if (mapArena != null) {
                mapArena.close();
            }
            if (fd >= 0) {
                try (Arena a = Arena.ofConfined()) {
                    LibC.close(CallState.allocate(a), fd);
                }
            }
            arena.close();
            throw t;
        }
    }

    /** The reason a refused {@code io_uring_setup} gives, in words an operator can act on. */
    static String why(int errno) {
        if (errno == dev.nativesockets.Errno.ENOSYS) {
            return "this kernel has no io_uring (built without CONFIG_IO_URING), or a seccomp profile answers ENOSYS";
        }
        if (errno == dev.nativesockets.Errno.EPERM) {
            String disabled = sysctl("io_uring_disabled");
            if ("2".equals(disabled)) {
                return "io_uring is disabled by sysctl kernel.io_uring_disabled=2";
            }
            if ("1".equals(disabled)) {
                return "sysctl kernel.io_uring_disabled=1 and this process is not in kernel.io_uring_group ("
                        + sysctl("io_uring_group") + ")";
            }
            return "refused by a seccomp profile or a security module (kernel.io_uring_disabled="
                    + (disabled == null ? "absent" : disabled) + ")";
        }
        if (errno == dev.nativesockets.Errno.ENOMEM) {
            return "cannot pin the ring's memory (RLIMIT_MEMLOCK too low?)";
        }
        if (errno == dev.nativesockets.Errno.EMFILE || errno == dev.nativesockets.Errno.ENFILE) {
            return "out of descriptors";
        }
        return null;
    }

    private static String sysctl(String name) {
        try {
            return Files.readString(Path.of("/proc/sys/kernel", name)).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static MemorySegment map(MemorySegment cs, Arena mapArena, long size, int fd, long offset) throws UringException {
        long addr = mmap(cs, size, fd, offset);
        if (addr == MAP_FAILED) {
            throw new UringException("mmap(io_uring " + (offset == 0 ? "rings" : "SQEs") + ")", errno(cs));
        }
        // closing mapArena makes the segment unusable first, then unmaps: no access can follow
        return MemorySegment.ofAddress(addr).reinterpret(size, mapArena, s -> unmap(addr, size));
    }

    private static void unmap(long addr, long size) {
        try (Arena a = Arena.ofConfined()) {
            munmap(CallState.allocate(a), addr, size);
        }
    }

    private void probe() {
        // struct io_uring_probe: 16-byte header, then 256 ops of 8 bytes { u8 op; u8 resv; u16 flags; u32 }
        MemorySegment p = arena.allocate(16 + 256 * 8, 8);
        if (register(cs, fd, IORING_REGISTER_PROBE, p.address(), 256) < 0) {
            return; // before 5.6: nothing is known to be supported beyond setup itself
        }
        int n = Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, 1));
        for (int i = 0; i < n && i < 256; i++) {
            long o = 16 + 8L * i;
            if ((p.get(ValueLayout.JAVA_SHORT, o + 2) & 1) != 0) { // IO_URING_OP_SUPPORTED
                supported[Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, o))] = true;
            }
        }
    }

    java.lang.foreign.Arena arena() {
        return arena;
    }

    boolean supports(int opcode) {
        return opcode >= 0 && opcode < 256 && supported[opcode];
    }

    // ---- ownership -------------------------------------------------------------------------

    void check() {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("the ring is confined to " + owner + ": submit and reap there");
        }
        if (closed || closeRequested) {
            throw new IllegalStateException("the ring is closed");
        }
    }

    // ---- submission ------------------------------------------------------------------------

    /** The offset of a zeroed free SQE, submitting what is queued if the queue is full. */
    long nextSqe() throws IOException {
        if (sqTail - (int) INT.getAcquire(ring, sqHeadOff) >= sqEntries) {
            if (lastPrepared == sqTail - 1 && (sqes.get(ValueLayout.JAVA_BYTE, sqeOff(lastPrepared) + SQE_FLAGS)
                    & IOSQE_IO_LINK) != 0) {
                throw new IllegalStateException("a linked chain longer than the submission queue ("
                        + sqEntries + " entries)");
            }
            enter(0, 0);
            if (sqTail - (int) INT.getAcquire(ring, sqHeadOff) >= sqEntries) {
                throw new IllegalStateException("the submission queue is full and the kernel takes no entries now"
                        + " (completion backlog): reap completions, then submit again");
            }
        }
        long off = sqeOff(sqTail);
        for (int i = 0; i < SQE_SIZE; i += 8) {
            sqes.set(ValueLayout.JAVA_LONG, off + i, 0L);
        }
        return off;
    }

    private long sqeOff(int index) {
        return (long) (index & sqMask) * SQE_SIZE;
    }

    void sqe(long off, int opcode, int flags, int fd, long offset, long addr, int len, int opFlags, long userData) {
        sqes.set(ValueLayout.JAVA_BYTE, off + SQE_OPCODE, (byte) opcode);
        sqes.set(ValueLayout.JAVA_BYTE, off + SQE_FLAGS, (byte) flags);
        sqes.set(ValueLayout.JAVA_INT, off + SQE_FD, fd);
        sqes.set(ValueLayout.JAVA_LONG, off + SQE_OFF, offset);
        sqes.set(ValueLayout.JAVA_LONG, off + SQE_ADDR, addr);
        sqes.set(ValueLayout.JAVA_INT, off + SQE_LEN, len);
        sqes.set(ValueLayout.JAVA_INT, off + SQE_OP_FLAGS, opFlags);
        sqes.set(ValueLayout.JAVA_LONG, off + SQE_USER_DATA, userData);
    }

    void sqeIoprio(long off, int ioprio) {
        sqes.set(ValueLayout.JAVA_SHORT, off + SQE_IOPRIO, (short) ioprio);
    }

    void sqeBufGroup(long off, int group) {
        sqes.set(ValueLayout.JAVA_SHORT, off + SQE_BUF_GROUP, (short) group);
    }

    /** Makes the entry at {@code off} (from {@link #nextSqe}) part of the next submission. */
    void commit() {
        lastPrepared = sqTail;
        sqTail++;
    }

    /** Sets IOSQE_IO_LINK on the last prepared entry, which must not be submitted yet. */
    void linkLast() {
        if (lastPrepared != sqTail - 1 || lastPrepared - published < 0) {
            throw new IllegalStateException("nothing to link: no operation prepared since the last submit");
        }
        long off = sqeOff(lastPrepared) + SQE_FLAGS;
        sqes.set(ValueLayout.JAVA_BYTE, off, (byte) (sqes.get(ValueLayout.JAVA_BYTE, off) | IOSQE_IO_LINK));
    }

    int pending() {
        return sqTail - (int) INT.getAcquire(ring, sqHeadOff);
    }

    /**
     * Publishes the queued entries and enters the kernel: submits them, and with {@code minComplete}
     * > 0 waits for that many completions or {@code timeoutNanos} (negative: no limit). Returns the
     * number submitted; a wait cut short (timeout, signal) or a busy kernel is not an error.
     */
    int enter(int minComplete, long timeoutNanos) throws UringException {
        INT.setRelease(ring, sqTailOff, sqTail); // the entries' contents before the tail that shows them
        published = sqTail;
        lastPrepared = -1;
        int toSubmit = sqTail - (int) INT.getAcquire(ring, sqHeadOff);
        int flags = 0;
        long arg = 0, argSize = 0;
        if (minComplete > 0 || (int) INT.getAcquire(ring, sqFlagsOff) != 0) {
            flags |= IORING_ENTER_GETEVENTS; // also flushes overflowed completions into the queue
        }
        if (minComplete > 0 && timeoutNanos >= 0) {
            waitTs.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            waitTs.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            waitArg.set(ValueLayout.JAVA_LONG, 0, 0L);
            waitArg.set(ValueLayout.JAVA_INT, 8, 0);
            waitArg.set(ValueLayout.JAVA_INT, 12, 0);
            waitArg.set(ValueLayout.JAVA_LONG, 16, waitTs.address());
            flags |= IORING_ENTER_EXT_ARG;
            arg = waitArg.address();
            argSize = 24;
        }
        if (toSubmit == 0 && flags == 0) {
            return 0;
        }
        long r = UringSys.enter(cs, fd, toSubmit, minComplete, flags, arg, argSize);
        if (r < 0) {
            int e = errno(cs);
            if (e == dev.nativesockets.Errno.EINTR || e == dev.nativesockets.Errno.EAGAIN
                    || e == ETIME || e == EBUSY) {
                return 0;
            }
            throw new UringException("io_uring_enter", e);
        }
        return (int) r;
    }

    // ---- slots -------------------------------------------------------------------------------

    /** A live slot for an operation; its id is {@link #id}. */
    int allocSlot(UringOp op, long tag, Object keep, boolean multishot) {
        int s = freeHead;
        if (s >= 0) {
            freeHead = nextFree[s];
        } else {
            s = slotCount;
            if (s == tags.length) {
                grow();
            }
            if (s % CHUNK == 0 && slotMem[s / CHUNK] == null) {
                slotMem[s / CHUNK] = arena.allocate((long) CHUNK * SLOT_MEM, 16);
            }
            slotCount++;
        }
        tags[s] = tag;
        keeps[s] = keep;
        kinds[s] = (byte) op.ordinal();
        states[s] = (byte) (LIVE | (multishot ? MULTISHOT : 0));
        if (keep instanceof UringBuffer b) {
            b.inFlight++;
        } else if (keep instanceof BufferRing br) {
            br.inFlight++;
        }
        live++;
        return s;
    }

    /** A second buffer the slot's operation uses (a message's control data). */
    void keepAlso(int s, UringBuffer b) {
        keeps2[s] = b;
        b.inFlight++;
    }

    private void grow() {
        int n = tags.length * 2;
        tags = Arrays.copyOf(tags, n);
        handles = Arrays.copyOf(handles, n);
        keeps = Arrays.copyOf(keeps, n);
        keeps2 = Arrays.copyOf(keeps2, n);
        numbers = Arrays.copyOf(numbers, n);
        int old = gens.length;
        gens = Arrays.copyOf(gens, n);
        Arrays.fill(gens, old, n, 1);
        kinds = Arrays.copyOf(kinds, n);
        states = Arrays.copyOf(states, n);
        nextFree = Arrays.copyOf(nextFree, n);
        slotMem = Arrays.copyOf(slotMem, n / CHUNK);
    }

    long id(int slot) {
        return ((long) gens[slot] << 32) | slot;
    }

    /**
     * Holds the descriptor of {@code handle} for the slot's operation: a counted user, so a close
     * meanwhile shuts the socket down (which ends its pending operations) but releases the number
     * only after this operation's completion. Returns the number.
     */
    int hold(int slot, Object handle) {
        int number = DESCRIPTORS.acquire(handle); // IllegalStateException if closed
        if (DESCRIPTORS.isConfined(handle)) {
            // a confined handle counts no users, so nothing would keep its number: refuse
            throw new IllegalArgumentException("a confined socket cannot be used by ring operations,"
                    + " which outlive the call that submits them");
        }
        handles[slot] = handle;
        numbers[slot] = number;
        return number;
    }

    /** The slot's native area (sockaddr, socklen, timespec): alive until the ring is freed. */
    MemorySegment slotArea(int slot) {
        return slotMem[slot / CHUNK];
    }

    long slotOffset(int slot) {
        return (long) (slot % CHUNK) * SLOT_MEM;
    }

    void freeSlot(int s) {
        Object h = handles[s];
        Object keep = keeps[s];
        if (keeps2[s] instanceof UringBuffer b2) {
            b2.inFlight--;
            keeps2[s] = null;
        }
        handles[s] = null;
        keeps[s] = null;
        states[s] = 0;
        int g = (gens[s] + 1) & 0x7FFFFFFF;
        gens[s] = g == 0 ? 1 : g;
        nextFree[s] = freeHead;
        freeHead = s;
        live--;
        if (keep instanceof UringBuffer b) {
            b.inFlight--;
        } else if (keep instanceof BufferRing br) {
            br.inFlight--;
        }
        if (h != null) {
            DESCRIPTORS.release(h); // the last user out after a close releases the number: only now
        }
    }

    /** Marks a live operation as being cancelled by the caller: it will not be re-armed after ENOBUFS. */
    void cancelling(long id) {
        int s = (int) id;
        if (s >= 0 && s < slotCount && gens[s] == (int) (id >>> 32) && (states[s] & LIVE) != 0) {
            states[s] |= CANCELLING;
        }
    }

    /** Queues a cancel of the operation {@code id} (an internal entry; its own completion is ignored). */
    void queueCancel(long id) throws IOException {
        long off = nextSqe();
        sqe(off, UringOp.ASYNC_CANCEL.opcode, 0, -1, 0, id, 0, 0, INTERNAL);
        commit();
    }

    // ---- completion --------------------------------------------------------------------------

    /** Delivers every completion that is due; returns how many were delivered. */
    int reap(UringHandler handler) throws IOException {
        if (reaping) {
            // a nested reap would reuse the view and the buffer and descriptor the outer handler is given
            throw new IllegalStateException("await/complete called from a completion handler: return first");
        }
        reaping = true;
        try {
            return reapAll(handler);
        } finally {
            reaping = false;
        }
    }

    private int reapAll(UringHandler handler) throws IOException {
        int n = 0;
        for (;;) {
            int tail = (int) INT.getAcquire(ring, cqTailOff); // the entries' contents are visible after this
            while (cqHead != tail) {
                long off = cqesOff + (long) (cqHead & cqMask) * CQE_SIZE;
                long ud = ring.get(ValueLayout.JAVA_LONG, off + CQE_USER_DATA);
                int res = ring.get(ValueLayout.JAVA_INT, off + CQE_RES);
                int flags = ring.get(ValueLayout.JAVA_INT, off + CQE_FLAGS);
                cqHead++;
                INT.setRelease(ring, cqHeadOff, cqHead); // copied out: the kernel may reuse the entry
                if (dispatch(ud, res, flags, handler)) {
                    n++;
                }
            }
            if (((int) INT.getAcquire(ring, sqFlagsOff) & IORING_SQ_CQ_OVERFLOW) == 0) {
                return n;
            }
            // the kernel kept completions the queue had no room for (IORING_FEAT_NODROP): flush them in
            overflowFlushes++;
            UringSys.enter(cs, fd, 0, 0, IORING_ENTER_GETEVENTS, 0, 0);
        }
    }

    private boolean dispatch(long ud, int res, int flags, UringHandler handler) throws IOException {
        if (ud == INTERNAL) {
            return false;
        }
        int s = (int) ud;
        if (s < 0 || s >= slotCount || gens[s] != (int) (ud >>> 32) || (states[s] & LIVE) == 0) {
            return false; // cannot happen: a slot is freed only by its last completion
        }
        UringOp op = OPS[kinds[s]];
        boolean last = (flags & IORING_CQE_F_MORE) == 0;
        UringCompletion c = view;
        c.tag = tags[s];
        c.id = ud;
        c.result = res;
        c.flags = flags;
        c.op = op;
        BufferRing br = null;
        if ((flags & IORING_CQE_F_BUFFER) != 0 && keeps[s] instanceof BufferRing r
                && r.validId(flags >>> IORING_CQE_BUFFER_SHIFT)) {
            br = r;
            c.bufferRing = r;
            c.bufferId = flags >>> IORING_CQE_BUFFER_SHIFT;
        }
        if (op == UringOp.ACCEPT && res >= 0) {
            c.acceptedFd = res;
        }
        if (op == UringOp.RECVMSG && res >= 0) {
            c.message(slotArea(s), slotOffset(s) + SLOT_MSG, keeps2[s] instanceof UringBuffer cb ? cb : null);
        }
        boolean rearmed = last && res == -dev.nativesockets.Errno.ENOBUFS && op == UringOp.RECV
                && (states[s] & (MULTISHOT | CANCELLING)) == MULTISHOT && !closed && rearm(s);
        try {
            if (handler != null && !rearmed) {
                handler.onCompletion(c);
            }
        } finally {
            if (c.acceptedFd >= 0) {
                closeQuietly(c.acceptedFd); // not taken: nobody else will ever close it
            }
            c.closeUntakenRights();
            if (br != null) {
                br.put(c.bufferId);
                br.publish();
            }
            c.acceptedFd = -1;
            c.bufferId = -1;
            c.bufferRing = null;
            if (last && !rearmed) {
                freeSlot(s);
            } else if (!last && (states[s] & CANCELLING) == 0 && handles[s] != null
                    && DESCRIPTORS.isClosed(handles[s])) {
                // a multishot operation on a socket closed meanwhile: end it, so the number goes
                states[s] |= CANCELLING;
                queueCancel(ud);
            }
        }
        return !rearmed;
    }

    /** Re-arms a multishot receive that ran out of buffers; false if it cannot be (then the handler hears ENOBUFS). */
    private boolean rearm(int s) {
        Object h = handles[s];
        if (h == null || DESCRIPTORS.isClosed(h)) {
            return false;
        }
        BufferRing br = (BufferRing) keeps[s];
        try {
            long off = nextSqe();
            // the hold of the first arming carries over: the slot, its number and its ring stay as they are
            sqe(off, UringOp.RECV.opcode, IOSQE_BUFFER_SELECT, numbers[s], 0, 0, 0, 0, id(s));
            sqeIoprio(off, IORING_RECV_MULTISHOT);
            sqeBufGroup(off, br.group);
            commit();
            br.shortage();
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    void closeQuietly(int number) {
        LibC.close(cs, number);
    }

    // ---- teardown -----------------------------------------------------------------------------

    /** Close and Cleaner: cancel every live operation, reap until none is left, then free. */
    @Override
    public void run() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            long deadline = System.nanoTime() + CLOSE_TIMEOUT_NANOS;
            long nextCancel = 0;
            while (live > 0 && System.nanoTime() - deadline < 0) {
                if (System.nanoTime() - nextCancel >= 0) {
                    for (int s = 0; s < slotCount; s++) {
                        if ((states[s] & LIVE) != 0) {
                            states[s] |= CANCELLING;
                            queueCancel(id(s));
                        }
                    }
                    nextCancel = System.nanoTime() + 1_000_000_000L;
                }
                enter(1, 50_000_000L);
                reap(null);
            }
        } catch (IOException | RuntimeException e) {
            // fall through: whatever is still live is kept, not freed
        }
        if (live > 0) {
            // the kernel still owns operations: keep their memory and descriptor numbers for good
            // (closing the ring descriptor makes the kernel cancel them in its own time)
            LEAKED.add(this);
            closeQuietly(fd);
            return;
        }
        closeQuietly(fd);
        mapArena.close();
        arena.close();
    }
}
