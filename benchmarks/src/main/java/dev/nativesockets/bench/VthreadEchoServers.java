package dev.nativesockets.bench;

import dev.nativesockets.Socket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The {@code vthread_echo} servers: the same code shape twice — an accept loop on a virtual
 * thread, then a virtual thread per connection that receives and sends back until the peer closes
 * — once on this library's blocking {@link Socket} (which parks a virtual thread instead of pinning
 * its carrier) and once on {@code java.net.ServerSocket}/{@code java.net.Socket} (the JDK's own
 * parking, {@code NioSocketImpl}). The calling thread pins itself to {@link Affinity#CPU_A} before
 * the first virtual thread starts, so the scheduler's carriers and the pollers made later inherit
 * that CPU, as the single-thread servers of {@code echo_loop} are pinned there.
 */
final class VthreadEchoServers {
    private VthreadEchoServers() {}

    static final int BUFFER = 1024;

    /** No single server thread: allocation per echo is not measured for these (reported as –). */
    abstract static class VirtualServer extends EchoLoop.Server {
        @Override
        final long threadId() {
            return -1;
        }

        @Override
        final int start(InetSocketAddress address) throws Exception {
            if (Boolean.parseBoolean(System.getProperty("bench.vthreads.pin", "true"))) {
                Affinity.pin(Affinity.CPU_A); // two carriers (VthreadEchoRun) run unpinned
            }
            int port = bind(address);
            Thread.ofVirtual().name("accept").start(() -> {
                try {
                    acceptLoop();
                } catch (IOException e) {
                    System.err.println(getClass().getSimpleName() + ": accept failed: " + e);
                }
            });
            return port;
        }

        abstract int bind(InetSocketAddress address) throws IOException;

        abstract void acceptLoop() throws IOException;
    }

    /** This library: blocking {@link Socket}s, a {@code byte[]} per connection as the JDK server has. */
    static final class Library extends VirtualServer {
        private Socket listener;

        @Override
        int bind(InetSocketAddress address) throws IOException {
            listener = Socket.listen(address, 65_535);
            return ((InetSocketAddress) listener.localAddress()).getPort();
        }

        @Override
        void acceptLoop() throws IOException {
            for (;;) {
                Socket c = listener.accept();
                Thread.ofVirtual().start(() -> serve(c));
            }
        }

        private static void serve(Socket c) {
            try (c) {
                c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                byte[] buf = new byte[BUFFER]; // what the JDK server uses: on a virtual thread it goes to the kernel in place
                for (int n; (n = c.recv(buf)) > 0; ) {
                    c.sendAll(buf, 0, n);
                }
            } catch (IOException e) {
                // the load generator went away
            }
        }
    }

    /** The JDK: {@code java.net.ServerSocket} and its streams. */
    static final class Jdk extends VirtualServer {
        private ServerSocket listener;

        @Override
        int bind(InetSocketAddress address) throws IOException {
            listener = new ServerSocket();
            listener.bind(address, 65_535);
            return listener.getLocalPort();
        }

        @Override
        void acceptLoop() throws IOException {
            for (;;) {
                java.net.Socket c = listener.accept();
                Thread.ofVirtual().start(() -> serve(c));
            }
        }

        private static void serve(java.net.Socket c) {
            try (c) {
                c.setTcpNoDelay(true);
                InputStream in = c.getInputStream();
                OutputStream out = c.getOutputStream();
                byte[] buf = new byte[BUFFER];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // the load generator went away
            }
        }
    }
}
