package dev.nativesockets.bench;

import dev.nativesockets.Domain;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The cold-start program, run as a whole new JVM per measurement: open a TCP socket, connect to an
 * echo server on 127.0.0.1, send one byte, read it back, close, exit. The same program four ways
 * (nativesockets, channel, socket, and ffm: bare handles, Linux x86_64/aarch64 only);
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
            case "ffm" -> echoed = bareFfm(server);
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

    /**
     * The same with five handles linked right here, no library: the floor any FFM binding pays at
     * start-up (linker initialisation plus one stub per function shape).
     */
    private static int bareFfm(InetSocketAddress server) throws IOException {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        MethodHandle socket = linker.downcallHandle(libc.find("socket").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        MethodHandle connect = linker.downcallHandle(libc.find("connect").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle send = linker.downcallHandle(libc.find("send").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        MethodHandle recv = linker.downcallHandle(libc.find("recv").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(16);
            sa.set(JAVA_SHORT, 0, (short) 2); // AF_INET, Linux layout
            sa.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) server.getPort());
            sa.asSlice(4, 4).copyFrom(MemorySegment.ofArray(server.getAddress().getAddress()));
            MemorySegment b = arena.allocate(1);
            b.set(JAVA_BYTE, 0, (byte) 42);
            int fd = (int) socket.invokeExact(2, 1, 0); // AF_INET, SOCK_STREAM
            if (fd < 0 || (int) connect.invokeExact(fd, sa, 16) < 0
                    || (long) send.invokeExact(fd, b, 1L, 0) != 1) {
                throw new IOException("socket/connect/send failed");
            }
            b.set(JAVA_BYTE, 0, (byte) 0);
            if ((long) recv.invokeExact(fd, b, 1L, 0) != 1) {
                throw new IOException("no echo");
            }
            int echoed = b.get(JAVA_BYTE, 0);
            int r = (int) close.invokeExact(fd);
            return echoed;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
