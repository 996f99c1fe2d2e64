package dev.nativesockets.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads the zero-copy completions nobody else will: those of sockets closed, or of {@link ZeroCopy}
 * objects dropped, with sends still in flight (see {@link ZeroCopyInFlight}). One daemon thread,
 * started when there is something to adopt and gone when there is nothing left; it keeps each
 * adopted object — the buffers' memory and the hold on the descriptor — until its last completion.
 */
final class ZeroCopyReaper {
    private ZeroCopyReaper() {}

    private static final long MIN_SLEEP = 5_000_000L;
    private static final long MAX_SLEEP = 200_000_000L;
    /** Guarded by the class. */
    private static final List<ZeroCopyInFlight> ADOPTED = new ArrayList<>();
    private static Thread thread;

    static synchronized void adopt(ZeroCopyInFlight z) {
        ADOPTED.add(z);
        if (thread == null) {
            thread = new Thread(ZeroCopyReaper::loop, "nativesockets-zerocopy-reaper");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** How many objects wait for completions (for tests). */
    static synchronized int adopted() {
        return ADOPTED.size();
    }

    private static void loop() {
        long sleep = MIN_SLEEP;
        List<ZeroCopyInFlight> round = new ArrayList<>();
        for (;;) {
            synchronized (ZeroCopyReaper.class) {
                if (ADOPTED.isEmpty()) {
                    thread = null;
                    return;
                }
                round.clear();
                round.addAll(ADOPTED);
            }
            boolean progress = false;
            for (ZeroCopyInFlight z : round) {
                if (z.reap()) {
                    progress = true;
                    synchronized (ZeroCopyReaper.class) {
                        ADOPTED.remove(z);
                    }
                }
            }
            // completions come as the peer reads: poll often while they do, seldom while it does not
            sleep = progress ? MIN_SLEEP : Math.min(MAX_SLEEP, sleep * 2);
            LockSupport.parkNanos(sleep);
        }
    }
}
