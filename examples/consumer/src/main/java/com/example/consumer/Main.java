package com.example.consumer;

import dev.nativesockets.Domain;
import dev.nativesockets.Socket;
import dev.nativesockets.SocketPair;
import dev.nativesockets.Type;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Uses NativeSockets as an application would: a Unix socket pair and a TCP echo over the loopback
 * interface. Prints one line per check and where the library was loaded from; exits non-zero if a
 * check fails.
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
