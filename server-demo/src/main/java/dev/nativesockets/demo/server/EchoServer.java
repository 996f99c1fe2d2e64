package dev.nativesockets.demo.server;

import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;

import dev.nativesockets.Domain;
import dev.nativesockets.Epoll;
import dev.nativesockets.Kqueue;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A TCP echo server for many clients on one thread, over non-blocking sockets and one of four
 * loops ({@code --loop}): {@code epoll} (Linux) or {@code kqueue} (macOS) through the library's
 * {@code Readiness} set — the default, whichever the platform has — or {@code poll} ({@code Poller})
 * or {@code select} ({@code Select}, PHP's {@code socket_select}).
 *
 * <p>Whatever a client sends is received into one buffer shared by every client and sent straight
 * back; only what the client's socket does not take at once is kept, in a buffer of the client's
 * own made when first needed. While a client has such pending output the server neither reads from
 * it nor watches it for reading, only for writing: a client that never reads fills the buffers
 * on its way and is then simply not read from; the others go on. A client that half-closes (end of
 * stream) gets everything it sent echoed back before the server closes; a reset ends the
 * connection at once. {@code select(2)} cannot watch a descriptor at or above {@code FD_SETSIZE}:
 * with {@code --loop select} such a connection is closed as soon as it is accepted.
 */
final class EchoServer {
    /** The shared receive buffer, and the most a client may have pending. */
    static final int BUFFER = 64 * 1024;

    static final long BACK_OFF_NANOS = AcceptTrouble.BACK_OFF_NANOS;

    /** One way to wait for ready sockets; calls back {@link #acceptAll()} and {@link #serve}. */
    interface Loop extends AutoCloseable {
        /** For the "listening on" line: the system call and its limits. */
        String describe();

        /** Why {@code fd} cannot be watched, or null if it can. */
        default String refuses(int fd) {
            return null;
        }

        void add(Client c) throws IOException;

        /** The client's wishes ({@link Client#wantsRead()}, {@link Client#wantsWrite()}) changed. */
        void update(Client c) throws IOException;

        /** Before the client's socket is closed. */
        void remove(Client c);

        /** Waits once (at most {@link #BACK_OFF_NANOS} while accepts are paused) and serves what is ready. */
        void waitAndServe(boolean accepting) throws IOException;

        @Override
        void close();
    }

    static final class Client {
        final Socket socket;
        final String name;
        /** Output the socket did not take yet, [head, tail); null while there is none. */
        private Arena pendingArena;
        private MemorySegment pending;
        private int head;
        private int tail;
        boolean eof;
        long echoed;
        /** The loop's own per-client state (a registration, an index). */
        Object loopState;

        Client(Socket socket, String name) {
            this.socket = socket;
            this.name = name;
        }

        int pendingBytes() {
            return tail - head;
        }

        boolean wantsRead() {
            return !eof && pendingBytes() == 0;
        }

        boolean wantsWrite() {
            return pendingBytes() > 0;
        }

        boolean finished() {
            return eof && pendingBytes() == 0;
        }

        void keep(MemorySegment from, int offset, int length) {
            if (pending == null) {
                pendingArena = Arena.ofConfined();
                pending = pendingArena.allocate(BUFFER);
            }
            MemorySegment.copy(from, offset, pending, 0, length);
            head = 0;
            tail = length;
        }

        void freePending() {
            if (pendingArena != null) {
                pendingArena.close();
                pendingArena = null;
                pending = null;
            }
            head = 0;
            tail = 0;
        }
    }

    private final Map<Socket, Client> clients = new IdentityHashMap<>();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment inbox = arena.allocate(BUFFER);
    final Socket listener;
    private Loop loop;
    private long acceptPausedUntil;
    private final AcceptTrouble acceptTrouble = new AcceptTrouble("", Console.OUT);

    private EchoServer(Socket listener) {
        this.listener = listener;
    }

    /** The platform's best loop: what {@code Readiness} uses here. */
    static String bestLoop() {
        return Epoll.isSupported() ? "epoll" : Kqueue.isSupported() ? "kqueue" : "poll";
    }

    static int run(Args args) {
        InetSocketAddress address = args.address("127.0.0.1", 1935);
        String kind = args.string("loop", bestLoop());
        switch (kind) {
            case "epoll", "kqueue" -> {
                if (!kind.equals(bestLoop())) {
                    throw new Args.UsageException("--loop " + kind + " is not available on this platform; it has "
                            + bestLoop() + " (or poll, select)");
                }
            }
            case "poll", "select" -> { }
            case "uring" -> {
                String why = uringUnavailable();
                if (why == null) {
                    return runOnRing(address);
                }
                Console.ERR.println("server-demo echo: --loop uring: " + why + "; using " + bestLoop() + " instead");
                kind = bestLoop();
            }
            default -> throw new Args.UsageException("--loop must be epoll, kqueue, poll, select or uring: " + kind);
        }
        Domain domain = address.getAddress() instanceof Inet6Address ? Domain.INET6 : Domain.INET;
        EchoServer server = null;
        try (Socket listener = Socket.open(domain, Type.STREAM)) {
            listener.setOption(NativeOptions.SO_REUSEADDR, true);
            listener.bind(address);
            listener.listen(4096);
            listener.setBlocking(false);
            server = new EchoServer(listener);
            server.loop = switch (kind) {
                case "select" -> new SelectEchoLoop(server);
                case "poll" -> new PollEchoLoop(server);
                default -> new ReadyEchoLoop(server);
            };
            Console.ERR.println("server-demo echo: listening on " + Console.format(listener.localAddress())
                    + " (" + server.loop.describe() + ", one thread)");
            for (;;) {
                server.loop.waitAndServe(System.nanoTime() - server.acceptPausedUntil >= 0);
            }
        } catch (IOException e) {
            Console.ERR.println("server-demo echo: " + Console.describe(e));
            return 1;
        } finally {
            if (server != null) {
                for (Client c : new ArrayList<>(server.clients.values())) {
                    server.drop(c, "server stopping");
                }
                if (server.loop != null) {
                    server.loop.close();
                }
                server.arena.close();
            }
        }
    }

    /** Why io_uring cannot serve here, or null if it can. */
    private static String uringUnavailable() {
        if (!System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return "io_uring is Linux only";
        }
        try {
            dev.nativesockets.linux.Uring.requireSupported();
            return null;
        } catch (IOException e) {
            return "io_uring unavailable (" + e.getMessage() + ")";
        }
    }

    /** {@code --loop uring}: the completion ring serves everything ({@link UringEchoLoop}). */
    private static int runOnRing(InetSocketAddress address) {
        Domain domain = address.getAddress() instanceof Inet6Address ? Domain.INET6 : Domain.INET;
        try (Socket listener = Socket.open(domain, Type.STREAM)) {
            listener.setOption(NativeOptions.SO_REUSEADDR, true);
            listener.bind(address);
            listener.listen(4096);
            try (UringEchoLoop loop = new UringEchoLoop(listener)) {
                Console.ERR.println("server-demo echo: listening on " + Console.format(listener.localAddress())
                        + " (" + loop.describe() + ", one thread)");
                loop.run();
            }
            return 0;
        } catch (IOException e) {
            Console.ERR.println("server-demo echo: " + Console.describe(e));
            return 1;
        }
    }

    Client client(Socket s) {
        return clients.get(s);
    }

    Iterable<Client> clients() {
        return clients.values();
    }

    /** Accepts every pending connection. */
    void acceptAll() throws IOException {
        for (;;) {
            Socket conn;
            try {
                conn = listener.accept(true);
            } catch (IOException e) {
                long pause = acceptTrouble.failed(e);
                if (pause == 0) {
                    continue;
                }
                acceptPausedUntil = System.nanoTime() + pause;
                return;
            }
            if (conn == null) {
                return; // nothing more pending
            }
            acceptTrouble.succeeded();
            String name = peerName(conn);
            int fd = conn.fd();
            String refusal = loop.refuses(fd);
            if (refusal != null) {
                conn.close();
                Console.OUT.println("rejected   " + name + ": " + refusal + " (" + clientCount() + ")");
                continue;
            }
            Client c = new Client(conn, name);
            try {
                loop.add(c);
            } catch (IOException e) {
                conn.close();
                Console.OUT.println("rejected   " + name + ": " + Console.describe(e));
                continue;
            }
            clients.put(conn, c);
            Console.OUT.println("connect    " + name + " (fd " + fd + ", " + clientCount() + ")");
        }
    }

    private String clientCount() {
        return clients.size() + (clients.size() == 1 ? " client" : " clients");
    }

    private static String peerName(Socket conn) {
        try {
            return Console.format(conn.peerAddress());
        } catch (IOException e) {
            return "(peer gone: " + Console.errnoName(e) + ")";
        }
    }

    /**
     * Serves one client the loop found ready: flushes pending output if it may write, receives and
     * echoes if it may read, then drops it if it is finished or tells the loop what it now wants.
     */
    void serve(Client c, boolean readable, boolean writable) {
        boolean wantedRead = c.wantsRead();
        boolean wantedWrite = c.wantsWrite();
        try {
            if (writable && c.wantsWrite()) {
                flush(c);
            }
            if (readable && c.wantsRead()) {
                echo(c);
            }
        } catch (IOException e) {
            drop(c, Console.describe(e) + " after " + c.echoed + " bytes echoed");
            return;
        }
        if (c.finished()) {
            drop(c, "end of stream from peer, all " + c.echoed + " bytes echoed");
            return;
        }
        if (c.wantsRead() != wantedRead || c.wantsWrite() != wantedWrite) {
            try {
                loop.update(c);
            } catch (IOException e) {
                drop(c, Console.describe(e));
            }
        }
    }

    /** One receive into the shared buffer and one send of it; keeps what the socket did not take. */
    private void echo(Client c) throws IOException {
        int n = c.socket.recv(inbox);
        if (n == Socket.WOULD_BLOCK) {
            return;
        }
        if (n == 0) {
            c.eof = true;
            return;
        }
        int sent = c.socket.send(inbox.asSlice(0, n));
        if (sent == Socket.WOULD_BLOCK) {
            sent = 0;
        }
        c.echoed += sent;
        if (sent < n) {
            c.keep(inbox, sent, n - sent);
        }
    }

    /** One send of the client's pending bytes. */
    private void flush(Client c) throws IOException {
        int n = c.socket.send(c.pending.asSlice(c.head, c.pendingBytes()));
        if (n == Socket.WOULD_BLOCK) {
            return;
        }
        c.head += n;
        c.echoed += n;
        if (c.head == c.tail) {
            c.freePending(); // an idle client keeps no buffer
        }
    }

    void drop(Client c, String why) {
        if (clients.remove(c.socket) == null) {
            return;
        }
        loop.remove(c);
        c.socket.close();
        c.freePending();
        Console.OUT.println("disconnect " + c.name + ": " + why + " (" + clientCount() + ")");
    }
}
