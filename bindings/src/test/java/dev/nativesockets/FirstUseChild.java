package dev.nativesockets;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The child process of {@link FirstUseTest}: what a user's program does at start-up — open a TCP
 * socket, connect to the echo server on the loopback port given as argument, send one byte, read
 * it back, close. Exit status 0 on success.
 */
public final class FirstUseChild {
    private FirstUseChild() {}

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]));
        byte[] in = new byte[1];
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            s.connect(server);
            s.send(new byte[] {42});
            if (s.recv(in) != 1 || in[0] != 42) {
                System.exit(2);
            }
        }
        System.exit(0);
    }
}
