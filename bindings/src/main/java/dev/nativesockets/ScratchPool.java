package dev.nativesockets;

/**
 * The scratches virtual threads lease (see {@link Scratch}): a {@link LeasePool} sized for a few
 * calls per carrier at once ({@code dev.nativesockets.scratchPool} slots, default four per
 * processor).
 */
final class ScratchPool {
    private static final LeasePool<Scratch> POOL = new LeasePool<>("dev.nativesockets.scratchPool",
            4 * Runtime.getRuntime().availableProcessors(), () -> new Scratch(null));

    private ScratchPool() {
    }

    static Scratch borrow() {
        return POOL.borrow();
    }

    /** Scratches made for leases since start (tests: it must follow the carriers, not the threads). */
    static long created() {
        return POOL.created();
    }

    static void offer(Scratch s) {
        POOL.offer(s);
    }

    /** How many scratches wait in the pool now (tests). */
    static int idle() {
        return POOL.idle();
    }
}
