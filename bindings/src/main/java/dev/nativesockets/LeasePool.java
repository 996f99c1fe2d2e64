package dev.nativesockets;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * What virtual threads lease native temporaries from, so that the memory follows the calls in
 * flight, not the threads: a fixed array of slots, taken and filled with one compare-and-set, no
 * allocation in steady state. Slots are scanned from the start, so the most recently returned
 * (cache-warm) entry is reused first. A lease offered to a full pool is dropped and freed with
 * its automatic arena, and an empty pool makes a new entry: the pool bounds what it keeps idle,
 * never what a burst may borrow. Used for {@link Scratch} ({@link ScratchPool}) and for
 * {@link MessageStaging.Buffers}.
 */
final class LeasePool<T> {
    private final AtomicReferenceArray<T> slots;
    private final Supplier<T> factory;
    private final AtomicLong created = new AtomicLong();

    /** {@code size} slots (at least 8), unless the system property {@code property} sets another count. */
    LeasePool(String property, int size, Supplier<T> factory) {
        this.slots = new AtomicReferenceArray<>(Math.max(8, Integer.getInteger(property, size)));
        this.factory = factory;
    }

    /** An idle entry, or a new one when none is idle; the caller has it alone until {@link #offer}. */
    T borrow() {
        for (int i = 0, n = slots.length(); i < n; i++) {
            T t = slots.getPlain(i);
            if (t != null && slots.compareAndSet(i, t, null)) {
                return t;
            }
        }
        created.incrementAndGet();
        return factory.get();
    }

    /** Gives an entry back; the caller must not touch it afterwards. Dropped if the pool is full. */
    void offer(T t) {
        for (int i = 0, n = slots.length(); i < n; i++) {
            if (slots.getPlain(i) == null && slots.compareAndSet(i, null, t)) {
                return;
            }
        }
    }

    /** Entries made for leases since start (tests: it must follow the calls in flight, not the threads). */
    long created() {
        return created.get();
    }

    /** How many entries wait in the pool now (tests). */
    int idle() {
        int k = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                k++;
            }
        }
        return k;
    }
}
