package dev.nativesockets.bench;

import dev.nativesockets.Domain;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Socket;
import dev.nativesockets.SocketPair;
import dev.nativesockets.Type;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Two connected ends over loopback, both through the same implementation: {@code nativesockets}
 * (the library), {@code confined} (the
 * library with each socket {@linkplain Socket#confine() confined} to the thread that drives it), {@code raw} (its raw layer, {@code LibC}), {@code ffm} (bare handles linked in the
 * benchmark), {@code socket} (java.net) or {@code channel} (java.nio). Descriptors for {@code raw}
 * and {@code ffm} are set up by the library; only the measured calls differ.
 */
record Pair(Endpoint client, Endpoint server) implements AutoCloseable {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Override
    public void close() {
        client.close();
        server.close();
    }

    private static Function<Socket, Endpoint> nativeWrapper(String impl) {
        return switch (impl) {
            case "nativesockets" -> Endpoint.Ns::new;
            case "confined" -> s -> new Endpoint.Ns(s, true);
            case "raw" -> Endpoint.Raw::new;
            case "ffm" -> Endpoint.Ffm::new;
            default -> null;
        };
    }

    /** A TCP connection over 127.0.0.1 with TCP_NODELAY on both ends. */
    static Pair tcp(String impl) throws IOException {
        Function<Socket, Endpoint> w = nativeWrapper(impl);
        InetSocketAddress any = new InetSocketAddress(LOOPBACK, 0);
        if (w != null) {
            try (Socket listener = Socket.listen(any, 16)) {
                Socket c = Socket.open(Domain.INET, Type.STREAM);
                c.setOption(NativeOptions.TCP_NODELAY, true);
                c.connect(listener.localAddress());
                Socket s = listener.accept();
                s.setOption(NativeOptions.TCP_NODELAY, true);
                return new Pair(w.apply(c), w.apply(s));
            }
        }
        switch (impl) {
            case "socket" -> {
                try (ServerSocket listener = new ServerSocket(0, 16, LOOPBACK)) {
                    java.net.Socket c = new java.net.Socket();
                    c.setTcpNoDelay(true);
                    c.connect(listener.getLocalSocketAddress());
                    java.net.Socket s = listener.accept();
                    s.setTcpNoDelay(true);
                    return new Pair(new Endpoint.Net(c), new Endpoint.Net(s));
                }
            }
            case "channel" -> {
                try (ServerSocketChannel listener = ServerSocketChannel.open().bind(any, 16)) {
                    SocketChannel c = SocketChannel.open();
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    c.connect(listener.getLocalAddress());
                    SocketChannel s = listener.accept();
                    s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    return new Pair(new Endpoint.Channel(c), new Endpoint.Channel(s));
                }
            }
            default -> throw new IllegalArgumentException("impl " + impl);
        }
    }

    /** A Unix stream connection: socketpair(2) natively; a bound path for SocketChannel (java.net has none). */
    static Pair unix(String impl) throws IOException {
        Function<Socket, Endpoint> w = nativeWrapper(impl);
        if (w != null) {
            SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
            return new Pair(w.apply(p.first()), w.apply(p.second()));
        }
        if (!impl.equals("channel")) {
            throw new IllegalArgumentException("impl " + impl + " has no Unix stream sockets");
        }
        Path dir = Files.createTempDirectory("ns-bench");
        Path path = dir.resolve("s");
        UnixDomainSocketAddress addr = UnixDomainSocketAddress.of(path);
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(addr)) {
            SocketChannel c = SocketChannel.open(addr);
            SocketChannel s = listener.accept();
            return new Pair(new Endpoint.Channel(c), new Endpoint.Channel(s));
        } finally {
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir);
        }
    }

    /** Two UDP sockets on 127.0.0.1, each connected to the other. */
    static Pair udp(String impl) throws IOException {
        Function<Socket, Endpoint> w = nativeWrapper(impl);
        InetSocketAddress any = new InetSocketAddress(LOOPBACK, 0);
        if (w != null) {
            Socket a = udpSocket(any);
            Socket b = udpSocket(any);
            a.connect(b.localAddress());
            b.connect(a.localAddress());
            return new Pair(w.apply(a), w.apply(b));
        }
        switch (impl) {
            case "socket" -> {
                DatagramSocket a = new DatagramSocket(any);
                DatagramSocket b = new DatagramSocket(any);
                a.connect(b.getLocalSocketAddress());
                b.connect(a.getLocalSocketAddress());
                return new Pair(new Endpoint.NetDatagram(a), new Endpoint.NetDatagram(b));
            }
            case "channel" -> {
                DatagramChannel a = DatagramChannel.open().bind(any);
                DatagramChannel b = DatagramChannel.open().bind(any);
                a.connect(b.getLocalAddress());
                b.connect(a.getLocalAddress());
                return new Pair(new Endpoint.Channel(a), new Endpoint.Channel(b));
            }
            default -> throw new IllegalArgumentException("impl " + impl);
        }
    }

    static Socket udpSocket(InetSocketAddress bindTo) throws IOException {
        Socket s = Socket.open(Domain.INET, Type.DGRAM);
        s.bind(bindTo);
        return s;
    }
}
