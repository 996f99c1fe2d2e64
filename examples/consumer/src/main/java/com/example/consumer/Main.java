package com.example.consumer;

import dev.nativesockets.Domain;
import dev.nativesockets.Socket;
import dev.nativesockets.SocketPair;
import dev.nativesockets.Type;
import dev.nativesockets.linux.Netlink;
import dev.nativesockets.linux.NetlinkMessage;
import dev.nativesockets.linux.ZeroCopy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Uses NativeSockets as an application would: a Unix socket pair and a TCP echo over the loopback
 * interface; on Linux also the Linux package ({@code dev.nativesockets.linux}): a netlink dump and a
 * zero-copy send. Prints one line per check and where the library was loaded from; exits non-zero
 * if a check fails.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws IOException {
        Module lib = Socket.class.getModule();
        System.out.println("nativesockets loaded from the " + (lib.isNamed() ? "module path as module " + lib.getName() : "class path"));

        SocketPair pair = Socket.pair(Domain.UNIX, Type.STREAM);
        try (Socket a = pair.first(); Socket b = pair.second()) {
            a.sendAll(bytes("ping"));
            System.out.println("socketpair: " + text(b.read(16)));
        }

        try (Socket server = Socket.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
             Socket client = Socket.open(Domain.INET, Type.STREAM)) {
            client.connect(server.localAddress());
            try (Socket conn = server.accept()) {
                client.sendAll(bytes("hello"));
                conn.sendAll(conn.read(16)); // echo what arrived
                System.out.println("tcp echo: " + text(client.read(16)) + " via " + server.localAddress());

                if (System.getProperty("os.name").startsWith("Linux")) {
                    boolean lo = false;
                    for (NetlinkMessage.Link link : Netlink.links()) {
                        lo |= link.name().equals("lo");
                    }
                    System.out.println("linux netlink: " + (lo ? "lo listed" : "no lo"));
                    ZeroCopy zc = ZeroCopy.enable(client);
                    ZeroCopy.Buffer buf = zc.allocate(4);
                    buf.segment().copyFrom(java.lang.foreign.MemorySegment.ofArray(bytes("zero")));
                    zc.send(buf, 0, 4);
                    boolean done = zc.awaitCompletions(Duration.ofSeconds(10));
                    System.out.println("linux zero-copy: " + (done ? "completed" : "pending") + ", peer got " + text(conn.read(16)));
                }
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? "<end of stream>" : new String(b, StandardCharsets.UTF_8);
    }
}
