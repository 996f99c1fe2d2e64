package dev.nativesockets.bench;

import java.io.IOException;

/**
 * The other side of a two-thread workload, on its own (pinned) thread: an echo that sends back
 * what it receives, or a sink that receives and drops. Stops at end of stream or when its end is
 * closed.
 */
final class Peer extends Thread {
    private final Endpoint end;
    private final int max;
    private final boolean echo;
    private final String placement;
    volatile Throwable failure;

    private Peer(Endpoint end, int max, boolean echo, String placement) {
        super(echo ? "echo" : "sink");
        this.end = end;
        this.max = max;
        this.echo = echo;
        this.placement = placement;
        setDaemon(true);
    }

    static Peer echo(Endpoint end, int max, String placement) {
        Peer p = new Peer(end, max, true, placement);
        p.start();
        return p;
    }

    static Peer sink(Endpoint end, int max, String placement) {
        Peer p = new Peer(end, max, false, placement);
        p.start();
        return p;
    }

    @Override
    public void run() {
        Affinity.pinPeer(placement);
        try {
            for (;;) {
                int n = end.recvSome(max);
                if (n <= 0) {
                    return;
                }
                if (echo) {
                    end.sendFully(n);
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e; // expected when the benchmark closes the connection under us
        }
    }

    /** Closes this side and waits briefly for the thread to leave. */
    void shutdown() {
        end.close();
        try {
            join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
