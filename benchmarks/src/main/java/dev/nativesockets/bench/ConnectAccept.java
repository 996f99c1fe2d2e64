package dev.nativesockets.bench;

import dev.nativesockets.Domain;
import dev.nativesockets.SockAddr;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
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
 * One thread, one cycle per operation: open a TCP socket, connect to a listener on 127.0.0.1 (the
 * kernel completes the handshake into the accept queue), accept, close the accepted socket, close
 * the client. The server side closes first, as servers do: its TIME_WAIT is recycled by the next
 * SYN, so the rate holds steady; closing the client first would park ~28k client ports in
 * TIME_WAIT within a second and stall connect(2) on port reuse. Cycles per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ConnectAccept extends JmhDefaults {
    @Param({"nativesockets", "raw", "ffm", "channel", "socket"})
    public String impl;

    private Cycle cycle;

    @Setup(Level.Trial)
    public void open() throws IOException {
        Affinity.pin(Affinity.CPU_A);
        InetSocketAddress any = new InetSocketAddress(Pair.LOOPBACK, 0);
        cycle = switch (impl) {
            case "nativesockets" -> new NsCycle(Socket.listen(any, 128));
            case "raw" -> new RawCycle(Socket.listen(any, 128));
            case "ffm" -> new FfmCycle(Socket.listen(any, 128));
            case "socket" -> new NetCycle(new ServerSocket(0, 128, Pair.LOOPBACK));
            case "channel" -> new ChannelCycle(ServerSocketChannel.open().bind(any, 128));
            default -> throw new IllegalArgumentException("impl " + impl);
        };
    }

    @Setup(Level.Iteration)
    public void pin() {
        Affinity.pin(Affinity.CPU_A);
    }

    @Benchmark
    public void connectAcceptClose() throws IOException {
        cycle.run();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        cycle.close();
    }

    abstract static class Cycle {
        abstract void run() throws IOException;

        abstract void close() throws IOException;
    }

    static final class NsCycle extends Cycle {
        final Socket listener;
        final SocketAddress address;

        NsCycle(Socket listener) throws IOException {
            this.listener = listener;
            this.address = listener.localAddress();
        }

        @Override
        void run() throws IOException {
            Socket c = Socket.open(Domain.INET, Type.STREAM);
            c.connect(address);
            Socket s = listener.accept();
            s.close();
            c.close();
        }

        @Override
        void close() {
            listener.close();
        }
    }

    /** Shared by the raw and ffm cycles: the listener's address as sockaddr bytes. */
    abstract static class NativeCycle extends Cycle {
        final Socket listener;
        final int lfd;
        final Arena arena = Arena.ofAuto();
        final MemorySegment cs = CallState.allocate(arena);
        final MemorySegment sa;
        final int saLen;
        static final int TYPE = Constants.SOCK_STREAM | Constants.SOCK_CLOEXEC;

        NativeCycle(Socket listener) throws IOException {
            this.listener = listener;
            this.lfd = listener.fd();
            byte[] raw = listener.localSockAddr().bytes();
            this.sa = arena.allocate(raw.length, 8);
            this.sa.copyFrom(MemorySegment.ofArray(raw));
            this.saLen = raw.length;
        }

        @Override
        void close() {
            listener.close();
        }
    }

    static final class RawCycle extends NativeCycle {
        RawCycle(Socket listener) throws IOException {
            super(listener);
        }

        @Override
        void run() throws IOException {
            int c = LibC.socket(cs, Constants.AF_INET, TYPE, 0);
            if (c < 0 || LibC.connect(cs, c, sa, saLen) < 0) {
                throw new IOException("socket/connect: errno " + CallState.errno(cs));
            }
            int s = LibC.accept4(cs, lfd, MemorySegment.NULL, MemorySegment.NULL, Constants.SOCK_CLOEXEC);
            if (s < 0) {
                throw new IOException("accept4: errno " + CallState.errno(cs));
            }
            LibC.close(cs, s);
            LibC.close(cs, c);
        }
    }

    static final class FfmCycle extends NativeCycle {
        FfmCycle(Socket listener) throws IOException {
            super(listener);
        }

        @Override
        void run() throws IOException {
            int c = Bare.socket(Constants.AF_INET, TYPE, 0);
            if (c < 0 || Bare.connect(c, sa, saLen) < 0) {
                throw new IOException("socket/connect failed");
            }
            int s = Bare.accept4(lfd, MemorySegment.NULL, MemorySegment.NULL, Constants.SOCK_CLOEXEC);
            if (s < 0) {
                throw new IOException("accept4 failed");
            }
            Bare.close(s);
            Bare.close(c);
        }
    }

    static final class NetCycle extends Cycle {
        final ServerSocket listener;
        final SocketAddress address;

        NetCycle(ServerSocket listener) {
            this.listener = listener;
            this.address = listener.getLocalSocketAddress();
        }

        @Override
        void run() throws IOException {
            java.net.Socket c = new java.net.Socket();
            c.connect(address);
            java.net.Socket s = listener.accept();
            s.close();
            c.close();
        }

        @Override
        void close() throws IOException {
            listener.close();
        }
    }

    static final class ChannelCycle extends Cycle {
        final ServerSocketChannel listener;
        final SocketAddress address;

        ChannelCycle(ServerSocketChannel listener) throws IOException {
            this.listener = listener;
            this.address = listener.getLocalAddress();
        }

        @Override
        void run() throws IOException {
            SocketChannel c = SocketChannel.open(address);
            SocketChannel s = listener.accept();
            s.close();
            c.close();
        }

        @Override
        void close() throws IOException {
            listener.close();
        }
    }
}
