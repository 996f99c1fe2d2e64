package dev.nativesockets.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native memory for ring operations to send from and receive into ({@link Uring#allocate}).
 *
 * <p>The kernel reads and writes it after the submitting call has returned, so no caller may free
 * it: it comes from an automatic arena and every operation that uses it keeps it reachable (in its
 * slot) until that operation's last completion — only then can the garbage collector free it. So
 * there is no {@code close()}; drop it when done. {@link #inFlight()} tells how many operations
 * still use it (their data races with the caller's own reads and writes of the segment, but never
 * touches freed memory).
 */
public final class UringBuffer {
    private final MemorySegment memory;
    int inFlight; // touched only by the ring's owner thread

    UringBuffer(long size) {
        this.memory = Arena.ofAuto().allocate(size, 64);
    }

    /** The memory; valid as long as this object is reachable. */
    public MemorySegment segment() {
        return memory;
    }

    public long size() {
        return memory.byteSize();
    }

    /** Operations submitted on this buffer whose last completion has not been reaped yet. */
    public int inFlight() {
        return inFlight;
    }

    void checkRange(long offset, int length) {
        if (offset < 0 || length < 0 || offset + length > memory.byteSize()) {
            throw new IndexOutOfBoundsException("offset " + offset + " + length " + length
                    + " is outside the buffer of " + memory.byteSize() + " bytes");
        }
    }
}
