package dev.nativesockets.bench;

import java.io.IOException;

/**
 * The measuring side of a round-trip workload ({@link TcpPingPong}, {@link UnixPingPong},
 * {@link UdpPingPong}): its end of a connection, and the echo thread on the other end.
 */
final class RoundTrips {
    /** Opens a connected pair through one implementation ({@code Pair::tcp}, {@code Pair::unix}, {@code Pair::udp}). */
    interface Connect {
        Pair open(String impl) throws IOException;
    }

    private final Endpoint client;
    private final Peer echo;
    private final int size;

    private RoundTrips(Endpoint client, Peer echo, int size) {
        this.client = client;
        this.echo = echo;
        this.size = size;
    }

    /** Pins the calling (measuring) thread, binds its end to it where the implementation can, starts the echo. */
    static RoundTrips start(Connect connect, String impl, int size, String placement) throws IOException {
        Affinity.pinMain(placement);
        Pair pair = connect.open(impl);
        Endpoint client = pair.client();
        client.confineToCurrentThread();
        return new RoundTrips(client, Peer.echo(pair.server(), size, placement), size);
    }

    /** One round trip: {@code size} bytes out, the echo back. */
    void once() throws IOException {
        client.sendFully(size);
        client.recvFully(size);
    }

    void stop() {
        echo.shutdown(client);
    }
}
