package dev.nativesockets.bench;

import java.io.IOException;
import org.openjdk.jmh.annotations.Param;

/**
 * TCP round trip over 127.0.0.1 with TCP_NODELAY: send {@code size} bytes, an echo thread sends
 * them back, receive {@code size} bytes. Time per round trip. Both ends use the same
 * implementation.
 */
public class TcpPingPong extends PingPong {
    @Param({"nativesockets", "confined", "raw", "ffm", "channel", "socket"})
    public String impl;

    @Param({"1", "64", "4096"})
    public int size;

    @Override
    RoundTrips start() throws IOException {
        return RoundTrips.start(Pair::tcp, impl, size, placement);
    }
}
