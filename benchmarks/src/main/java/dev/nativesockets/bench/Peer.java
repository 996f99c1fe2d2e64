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
            end.confineToCurrentThread();
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
        } finally {
            if (end.confined()) {
                end.close(); // nobody else may
            }
        }
    }

    /**
     * Closes both sides and waits briefly for the thread to leave. A confined end can only be
     * closed by this thread: it is told to stop with an empty datagram (a no-op on a stream) and
     * the end of stream that closing {@code client} gives.
     */
    void shutdown(Endpoint client) {
        if (end.confined()) {
            try {
                client.sendFully(0);
            } catch (IOException | RuntimeException e) {
                // the peer may be gone already
            }
            client.close();
        } else {
            client.close();
            end.close();
        }
        try {
            join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (isAlive()) {
            throw new IllegalStateException(getName() + " thread did not stop after its connection was closed");
        }
    }
}
