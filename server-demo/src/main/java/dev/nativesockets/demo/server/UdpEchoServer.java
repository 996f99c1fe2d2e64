package dev.nativesockets.demo.server;

import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;

import dev.nativesockets.Domain;
import dev.nativesockets.Received;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * A UDP echo server: {@code recvfrom(2)} a datagram, {@code sendto(2)} it back to its sender
 * (PHP's {@code socket_recvfrom}/{@code socket_sendto}). One line per datagram.
 */
final class UdpEchoServer {
    private UdpEchoServer() {}

    /** The largest UDP payload over IPv4. */
    static final int MAX_DATAGRAM = 65_507;

    static int run(Args args) {
        InetSocketAddress address = args.address("127.0.0.1", 1935);
        int count = args.integer("count", 0, 0, Integer.MAX_VALUE);
        Domain domain = address.getAddress() instanceof Inet6Address ? Domain.INET6 : Domain.INET;
        try (Socket sock = Socket.open(domain, Type.DGRAM); Arena arena = Arena.ofConfined()) {
            sock.bind(address);
            Console.ERR.println("server-demo udp-echo: listening on " + Console.format(sock.localAddress())
                    + (count > 0 ? ", echoing " + count + " datagram" + (count == 1 ? "" : "s") : ""));
            MemorySegment buf = arena.allocate(MAX_DATAGRAM + 1);
            for (int echoed = 0; count == 0 || echoed < count; ) {
                Received r = sock.recvFrom(buf, 0);
                int n = Math.min(r.length(), MAX_DATAGRAM);
                try {
                    int sent = sock.sendTo(buf.asSlice(0, n), 0, r.source());
                    Console.OUT.println("echoed " + sent + " byte" + (sent == 1 ? "" : "s") + " to " + Console.format(r.source()));
                    echoed++;
                } catch (IOException e) {
                    // one sender's trouble (gone, unreachable) is not the server's
                    Console.OUT.println("could not echo " + n + " bytes to " + Console.format(r.source()) + ": " + Console.describe(e));
                }
            }
            return 0;
        } catch (IOException e) {
            Console.ERR.println("server-demo udp-echo: " + Console.describe(e));
            return 1;
        }
    }
}
