package dev.nativesockets.bench;

import java.io.IOException;
import org.openjdk.jmh.annotations.Param;

/**
 * Unix stream round trip over a socketpair (a bound path for SocketChannel): send {@code size} bytes, an echo thread sends
 * them back, receive {@code size} bytes. Time per round trip. Both ends use the same
 * implementation.
 */
public class UnixPingPong extends PingPong {
    @Param({"nativesockets", "confined", "raw", "ffm", "channel"})
    public String impl;

    @Param({"64"})
    public int size;

    @Override
    RoundTrips start() throws IOException {
        return RoundTrips.start(Pair::unix, impl, size, placement);
    }
}
