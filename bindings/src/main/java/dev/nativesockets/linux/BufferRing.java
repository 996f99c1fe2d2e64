package dev.nativesockets.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A provided-buffer ring ({@code io_uring_register(IORING_REGISTER_PBUF_RING)}): buffers the kernel
 * picks from as data arrives for a {@linkplain Uring#recvMultishot multishot receive}, so no buffer
 * is tied up by a connection that is not receiving.
 *
 * <p>Both the ring of buffer descriptors and the buffers are library memory, owned by the
 * {@link Uring} that made them and freed only after that ring is closed and every completion is
 * reaped. A buffer a completion names goes back to the kernel when the handler returns, so a
 * handler copies what it keeps. When the kernel finds no buffer ({@code ENOBUFS}) a multishot
 * receive ends; the ring re-arms it after the handler returns and counts it in
 * {@link #shortages()}.
 */
public final class BufferRing {
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();
    private static final int ENTRY = 16; // struct io_uring_buf { u64 addr; u32 len; u16 bid; u16 resv; }
    private static final int TAIL = 14;  // the ring's tail overlays resv of entry 0

    final int group;
    private final int count;
    private final int bufferSize;
    private final int mask;
    final MemorySegment entries;
    private final MemorySegment buffers;
    private short tail;
    int inFlight; // multishot receives using this ring; owner thread only
    private long shortages;

    BufferRing(Arena arena, int group, int count, int bufferSize) {
        this.group = group;
        this.count = count;
        this.bufferSize = bufferSize;
        this.mask = count - 1;
        this.entries = arena.allocate((long) count * ENTRY, 4096);
        this.buffers = arena.allocate((long) count * bufferSize, 64);
        for (int bid = 0; bid < count; bid++) {
            put(bid);
        }
        publish();
    }

    /** The buffer group id the kernel knows this ring by. */
    public int group() {
        return group;
    }

    public int count() {
        return count;
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** All buffers, one after another: buffer {@code id} starts at {@code id * bufferSize()}. */
    public MemorySegment segment() {
        return buffers;
    }

    /** Multishot receives that ended because every buffer was in use ({@code ENOBUFS}) and were re-armed. */
    public long shortages() {
        return shortages;
    }

    void shortage() {
        shortages++;
    }

    boolean validId(int bid) {
        return bid >= 0 && bid < count;
    }

    /** Hands buffer {@code bid} back to the kernel (visible after {@link #publish}). */
    void put(int bid) {
        long e = (long) ((tail + 0) & mask) * ENTRY;
        entries.set(ValueLayout.JAVA_LONG, e, buffers.address() + (long) bid * bufferSize);
        entries.set(ValueLayout.JAVA_INT, e + 8, bufferSize);
        entries.set(ValueLayout.JAVA_SHORT, e + 12, (short) bid);
        tail++;
    }

    /** Publishes the entries put since the last call: a release store, so the kernel sees them filled in. */
    void publish() {
        SHORT.setRelease(entries, (long) TAIL, tail);
    }
}
