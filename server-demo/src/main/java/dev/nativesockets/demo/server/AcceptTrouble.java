package dev.nativesockets.demo.server;

import dev.nativesockets.demo.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Set;

/**
 * What every demo server does when {@code accept(2)} fails: the errnos the man page says to treat
 * like {@code EAGAIN} are retried at once; running out of descriptors or memory
 * ({@code EMFILE}, {@code ENFILE}, {@code ENOBUFS}, {@code ENOMEM}) pauses accepting for
 * {@link #BACK_OFF_NANOS} and is said <em>once</em> per episode — a server at its descriptor limit
 * would otherwise print ten lines a second — until an accept succeeds again; anything else is the
 * listener's own failure and ends the server. Connections already being served go on meanwhile.
 */
final class AcceptTrouble {
    static final Set<String> RETRY = Set.of("ECONNABORTED", "EPROTO", "ENETDOWN", "ENOPROTOOPT",
            "EHOSTDOWN", "ENONET", "EHOSTUNREACH", "EOPNOTSUPP", "ENETUNREACH", "EPERM");
    static final Set<String> BACK_OFF = Set.of("EMFILE", "ENFILE", "ENOBUFS", "ENOMEM");
    static final long BACK_OFF_NANOS = 100_000_000L;

    private final String who;
    private final PrintStream log;
    private boolean pausing;

    AcceptTrouble(String who, PrintStream log) {
        this.who = who;
        this.log = log;
    }

    /**
     * A failed accept: how long to pause before the next one, in nanoseconds (0: retry at once).
     *
     * @throws IOException {@code e} itself when it is not one to survive
     */
    long failed(IOException e) throws IOException {
        String name = Console.errnoName(e);
        if (RETRY.contains(name)) {
            log.println(who + "accept failed: " + Console.describe(e) + " (ignored)");
            return 0;
        }
        if (BACK_OFF.contains(name)) {
            if (!pausing) {
                pausing = true;
                log.println(who + "accept failed: " + Console.describe(e)
                        + " (pausing accepts for 100 ms at a time until one succeeds; said once)");
            }
            return BACK_OFF_NANOS;
        }
        throw e;
    }

    /** An accept succeeded: a later shortage is said again. */
    void succeeded() {
        if (pausing) {
            pausing = false;
            log.println(who + "accepting again");
        }
    }

    /** Sleeps out a pause on the calling thread (a virtual thread parks). */
    static void pause(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
