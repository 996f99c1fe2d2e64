package dev.nativesockets.bench;

import java.io.IOException;
import org.openjdk.jmh.annotations.Param;

/**
 * UDP round trip between two connected sockets on 127.0.0.1: send a datagram of {@code size} bytes, an echo thread sends
 * it back, receive it. Time per round trip. Both ends use the same
 * implementation.
 */
public class UdpPingPong extends PingPong {
    @Param({"nativesockets", "confined", "raw", "ffm", "channel", "socket"})
    public String impl;

    @Param({"64"})
    public int size;

    @Override
    RoundTrips start() throws IOException {
        return RoundTrips.start(Pair::udp, impl, size, placement);
    }
}
