package dev.nativesockets.bench;

import dev.nativesockets.Domain;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One echo server of the {@code echo_loop} workload, as a process of its own: every connection
 * served by one thread (pinned to {@link Affinity#CPU_A}), level-triggered read interest, one read
 * into a reused buffer and one write of what came per ready connection, as nsbench's C
 * {@code echo_server} does. The load comes from another process ({@code nsbench echo_loop}):
 * 10,000 connections on each side do not fit one process's descriptor limit.
 *
 * <p>Prints {@code listening on 127.0.0.1:PORT}; then each line {@code stats} on stdin is answered
 * with {@code stats BYTES_ECHOED BYTES_ALLOCATED} — the server thread's own allocation counter
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}), so that the caller can divide
 * the difference over a measured stretch by the echoes in it. EOF on stdin ends the process.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar dev.nativesockets.bench.EchoLoop nativesockets|nio|netty [PORT]</pre>
 */
public final class EchoLoop {
    private EchoLoop() {}

    /** A running server: its address is bound before {@link #start} returns. */
    abstract static class Server {
        private static final VarHandle ECHOED;

        static {
            try {
                ECHOED = MethodHandles.lookup().findVarHandle(Server.class, "echoed", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Written by the server thread only; read by the stats thread (opaque: no fence on the hot path). */
        @SuppressWarnings("unused")
        private long echoed;

        final void countEchoed(int bytes) {
            ECHOED.setOpaque(this, (long) ECHOED.getOpaque(this) + bytes);
        }

        final long echoed() {
            return (long) ECHOED.getOpaque(this);
        }

        /** Binds, starts the one server thread; returns the port. */
        abstract int start(InetSocketAddress address) throws Exception;

        /** The id of the thread that serves every connection (known once {@link #start} returned). */
        abstract long threadId();

        /** The listener of a server on this library's sockets: as nsbench's, SO_REUSEADDR and a backlog of 65,535. */
        static Socket listen(InetSocketAddress address) throws IOException {
            Socket listener = Socket.open(Domain.INET, Type.STREAM);
            listener.setOption(NativeOptions.SO_REUSEADDR, true);
            listener.bind(address);
            listener.listen(65535);
            return listener;
        }

        /** The port {@code listener} is bound to. */
        static int port(Socket listener) throws IOException {
            return ((InetSocketAddress) listener.localAddress()).getPort();
        }

        /** One turn of a server thread's loop: a wait, and serving what it found ready. */
        interface Turn {
            void run() throws IOException;
        }

        /**
         * Starts the one server thread of a server that runs its own loop: pinned to
         * {@link Affinity#CPU_A}, it takes {@code turn} until an I/O error, which ends the process.
         */
        static Thread startLoop(String name, Turn turn) {
            return Thread.ofPlatform().name(name).start(() -> {
                Affinity.pin(Affinity.CPU_A);
                try {
                    for (;;) {
                        turn.run();
                    }
                } catch (IOException e) {
                    e.printStackTrace();
                    System.exit(1);
                }
            });
        }
    }

    static Server create(String impl) {
        return switch (impl) {
            case "nio" -> new NioEchoServer();
            case "netty" -> new NettyEchoServer();
            case "nativesockets" -> NsEchoServer.create();
            case "uring" -> new UringEchoServer();
            case "netty_uring" -> new NettyUringEchoServer();
            case "vthreads" -> new VthreadEchoServers.Library();
            case "jdk_vthreads" -> new VthreadEchoServers.Jdk();
            default -> throw new IllegalArgumentException("impl must be nativesockets, nio, netty, vthreads or jdk_vthreads: " + impl);
        };
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: EchoLoop nativesockets|nio|netty [PORT]");
            System.exit(2);
        }
        serve(create(args[0]), new InetSocketAddress(InetAddress.getLoopbackAddress(), args.length > 1 ? Integer.parseInt(args[1]) : 0));
    }

    /** Starts {@code server}, says where it listens, answers {@code stats} lines until EOF on stdin, then exits. */
    static void serve(Server server, InetSocketAddress address) throws Exception {
        int port = server.start(address);
        System.out.println("listening on 127.0.0.1:" + port);
        System.out.flush();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.trim().equals("stats")) {
                long echoed = server.echoed();
                long allocated = server.threadId() < 0 ? -1 : threads.getThreadAllocatedBytes(server.threadId());
                System.out.printf(Locale.ROOT, "stats %d %d%n", echoed, allocated);
                System.out.flush();
            }
        }
        System.exit(0);
    }
}
