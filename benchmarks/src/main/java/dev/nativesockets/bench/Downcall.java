package dev.nativesockets.bench;

import dev.nativesockets.Domain;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The same cheap system call, {@code getsockopt(SOL_SOCKET, SO_RCVBUF)} on a TCP socket, through
 * every layer. Nanoseconds per call; the differences are each layer's own cost.
 * <ul>
 *   <li>{@code ffm}: a bare handle with the raw layer's linker options (errno capture, critical);
 *   <li>{@code ffm_plain}: a bare handle with no options (thread-state transition, no errno);
 *   <li>{@code raw}: {@code LibC.getsockopt};
 *   <li>{@code nativesockets}: {@code Socket.getIntOption(level, name)} (descriptor acquire/release,
 *       errno check);
 *   <li>{@code confined}: the same on a socket {@linkplain Socket#confine() confined} to the thread
 *       (a thread check instead of the two atomic operations of acquire/release);
 *   <li>{@code nativesockets_typed}: {@code Socket.getOption(NativeOptions.SO_RCVBUF)} (boxed);
 *   <li>{@code channel}, {@code socket}: the JDK's getOption / getReceiveBufferSize (JNI).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Downcall extends JmhDefaults {
    @Param({"ffm", "ffm_plain", "raw", "nativesockets", "confined", "nativesockets_typed", "channel", "socket"})
    public String impl;

    private Socket socket;
    private Socket confined;
    private int fd;
    private SocketChannel channel;
    private java.net.Socket netSocket;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment cs = CallState.allocate(arena);
    private final MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
    private final MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);

    @Setup(Level.Trial)
    public void open() throws IOException {
        Affinity.pin(Affinity.CPU_A);
        socket = Socket.open(Domain.INET, Type.STREAM);
        fd = socket.fd();
        confined = Socket.open(Domain.INET, Type.STREAM).confine();
        channel = SocketChannel.open();
        netSocket = new java.net.Socket();
    }

    @Setup(Level.Iteration)
    public void pin() {
        Affinity.pin(Affinity.CPU_A);
    }

    @Benchmark
    public int getsockopt() throws IOException {
        switch (impl) {
            case "ffm" -> {
                len.set(ValueLayout.JAVA_INT, 0, 4);
                if (Bare.getsockoptLikeRaw(cs, fd, Constants.SOL_SOCKET, Constants.SO_RCVBUF, value, len) < 0) {
                    throw new IOException("getsockopt: errno " + CallState.errno(cs));
                }
                return value.get(ValueLayout.JAVA_INT, 0);
            }
            case "ffm_plain" -> {
                len.set(ValueLayout.JAVA_INT, 0, 4);
                if (Bare.getsockopt(fd, Constants.SOL_SOCKET, Constants.SO_RCVBUF, value, len) < 0) {
                    throw new IOException("getsockopt failed");
                }
                return value.get(ValueLayout.JAVA_INT, 0);
            }
            case "raw" -> {
                len.set(ValueLayout.JAVA_INT, 0, 4);
                if (LibC.getsockopt(cs, fd, Constants.SOL_SOCKET, Constants.SO_RCVBUF, value, len) < 0) {
                    throw new IOException("getsockopt: errno " + CallState.errno(cs));
                }
                return value.get(ValueLayout.JAVA_INT, 0);
            }
            case "nativesockets" -> {
                return socket.getIntOption(Constants.SOL_SOCKET, Constants.SO_RCVBUF);
            }
            case "confined" -> {
                return confined.getIntOption(Constants.SOL_SOCKET, Constants.SO_RCVBUF);
            }
            case "nativesockets_typed" -> {
                return socket.getOption(NativeOptions.SO_RCVBUF);
            }
            case "channel" -> {
                return channel.getOption(StandardSocketOptions.SO_RCVBUF);
            }
            case "socket" -> {
                return netSocket.getReceiveBufferSize();
            }
            default -> throw new IllegalArgumentException("impl " + impl);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        socket.close();
        confined.close();
        channel.close();
        netSocket.close();
    }
}
