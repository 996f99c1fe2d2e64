package dev.nativesockets.bench;

import dev.nativesockets.Domain;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The cold-start program, run as a whole new JVM per measurement: open a TCP socket, connect to an
 * echo server on 127.0.0.1, send one byte, read it back, close, exit. The same program three ways;
 * nothing is linked or loaded ahead of the first call, just as a user's program would do it.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar dev.nativesockets.bench.ColdStart IMPL PORT</pre>
 *
 * Prints {@code main_ms X}: time from entering main to the echo being back (JVM boot excluded).
 */
public final class ColdStart {
    private ColdStart() {}

    public static void main(String[] args) throws IOException {
        long t0 = System.nanoTime();
        String impl = args[0];
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]));
        byte[] one = {42};
        int echoed;
        switch (impl) {
            case "nativesockets" -> {
                try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
                    s.connect(server);
                    s.send(one);
                    byte[] in = new byte[1];
                    if (s.recv(in) != 1) {
                        throw new IOException("no echo");
                    }
                    echoed = in[0];
                }
            }
            case "channel" -> {
                try (SocketChannel c = SocketChannel.open(server)) {
                    c.write(ByteBuffer.wrap(one));
                    ByteBuffer in = ByteBuffer.allocate(1);
                    if (c.read(in) != 1) {
                        throw new IOException("no echo");
                    }
                    echoed = in.get(0);
                }
            }
            case "socket" -> {
                try (java.net.Socket s = new java.net.Socket(server.getAddress(), server.getPort())) {
                    s.getOutputStream().write(one);
                    InputStream in = s.getInputStream();
                    echoed = in.read();
                }
            }
            default -> throw new IllegalArgumentException("impl " + impl);
        }
        long t1 = System.nanoTime();
        if (echoed != 42) {
            throw new IOException("wrong echo " + echoed);
        }
        System.out.println("main_ms " + (t1 - t0) / 1e6);
    }
}
