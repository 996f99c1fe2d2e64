package dev.nativesockets;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The scratches virtual threads lease (see {@link Scratch}): a fixed array of slots, taken and
 * filled with one compare-and-set, no allocation. Slots are scanned from the start, so the most
 * recently returned (cache-warm) scratch is reused first. Sized for a few calls per carrier at
 * once; a lease offered to a full pool is dropped and freed with its automatic arena, and an empty
 * pool makes a new scratch, so the pool bounds what it keeps, never what a burst may borrow.
 */
final class ScratchPool {
    private static final AtomicReferenceArray<Scratch> SLOTS = new AtomicReferenceArray<>(
            Math.max(8, Integer.getInteger("dev.nativesockets.scratchPool", 4 * Runtime.getRuntime().availableProcessors())));

    private ScratchPool() {
    }

    static Scratch borrow() {
        for (int i = 0, n = SLOTS.length(); i < n; i++) {
            Scratch s = SLOTS.getPlain(i);
            if (s != null && SLOTS.compareAndSet(i, s, null)) {
                return s;
            }
        }
        CREATED.incrementAndGet();
        return new Scratch(null);
    }

    /** Scratches made for leases since start (tests: it must follow the carriers, not the threads). */
    static long created() {
        return CREATED.get();
    }

    private static final java.util.concurrent.atomic.AtomicLong CREATED = new java.util.concurrent.atomic.AtomicLong();

    static void offer(Scratch s) {
        for (int i = 0, n = SLOTS.length(); i < n; i++) {
            if (SLOTS.getPlain(i) == null && SLOTS.compareAndSet(i, null, s)) {
                return;
            }
        }
    }

    /** How many scratches wait in the pool now (tests). */
    static int idle() {
        int k = 0;
        for (int i = 0; i < SLOTS.length(); i++) {
            if (SLOTS.get(i) != null) {
                k++;
            }
        }
        return k;
    }
}
