package dev.nativesockets.demo.server;

import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;

import dev.nativesockets.Domain;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Select;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A TCP echo server for many clients on one thread: {@link Select} (PHP's {@code socket_select})
 * over non-blocking sockets.
 *
 * <p>Each client has one native buffer that is both its input and its pending output: bytes are
 * received into the free tail and sent from the head. A client is watched for reading only while
 * its buffer has room, and for writing only while it holds bytes, so a client that never reads
 * fills its own buffer and is then simply not read from; the others go on. A client that
 * half-closes (end of stream) gets everything it sent echoed back before the server closes; a
 * reset ends the connection at once. {@code select(2)} cannot watch a descriptor at or above
 * {@code FD_SETSIZE}: such a connection is closed as soon as it is accepted.
 */
final class EchoServer {
    private EchoServer() {}

    /** Per-client buffer: pending output plus room for input. */
    static final int BUFFER = 64 * 1024;

    private static final Set<String> RETRY_ACCEPT = Set.of("ECONNABORTED", "EPROTO", "ENETDOWN", "ENOPROTOOPT",
            "EHOSTDOWN", "ENONET", "EHOSTUNREACH", "EOPNOTSUPP", "ENETUNREACH", "EPERM");
    private static final Set<String> BACK_OFF = Set.of("EMFILE", "ENFILE", "ENOBUFS", "ENOMEM");
    private static final long BACK_OFF_NANOS = 100_000_000L;

    private static final class Client {
        final Socket socket;
        final String name;
        final Arena arena = Arena.ofConfined();
        final MemorySegment buf = arena.allocate(BUFFER);
        int head; // first byte not yet sent
        int tail; // end of bytes received
        boolean eof;
        long echoed;

        Client(Socket socket, String name) {
            this.socket = socket;
            this.name = name;
        }

        int pending() {
            return tail - head;
        }
    }

    private final Map<Socket, Client> clients = new IdentityHashMap<>();
    private Socket listener;
    private long acceptPausedUntil;

    static int run(Args args) {
        InetSocketAddress address = args.address("127.0.0.1", 1935);
        Domain domain = address.getAddress() instanceof Inet6Address ? Domain.INET6 : Domain.INET;
        EchoServer server = new EchoServer();
        try (Socket listener = Socket.open(domain, Type.STREAM)) {
            listener.setOption(NativeOptions.SO_REUSEADDR, true);
            listener.bind(address);
            listener.listen();
            listener.setBlocking(false);
            server.listener = listener;
            Console.ERR.println("server-demo echo: listening on " + Console.format(listener.localAddress())
                    + " (select(2), FD_SETSIZE " + Select.FD_SETSIZE + ")");
            server.loop();
            return 0;
        } catch (IOException e) {
            Console.ERR.println("server-demo echo: " + Console.describe(e));
            return 1;
        } finally {
            for (Client c : new ArrayList<>(server.clients.values())) {
                server.drop(c, "server stopping");
            }
        }
    }

    private void loop() throws IOException {
        List<Socket> readable = new ArrayList<>();
        List<Socket> writable = new ArrayList<>();
        for (;;) {
            readable.clear();
            writable.clear();
            boolean accepting = System.nanoTime() - acceptPausedUntil >= 0;
            if (accepting) {
                readable.add(listener);
            }
            for (Client c : clients.values()) {
                if (!c.eof && c.tail < BUFFER) {
                    readable.add(c.socket);
                }
                if (c.pending() > 0) {
                    writable.add(c.socket);
                }
            }
            Select.select(readable, writable, null, accepting ? null : Duration.ofMillis(BACK_OFF_NANOS / 1_000_000));
            for (Socket s : writable) {
                Client c = clients.get(s);
                if (c != null) {
                    flush(c);
                }
            }
            for (Socket s : readable) {
                if (s == listener) {
                    acceptAll();
                    continue;
                }
                Client c = clients.get(s);
                if (c != null) {
                    fill(c);
                    if (clients.containsKey(s) && c.pending() > 0) {
                        flush(c); // usually the socket can take it now: saves a round of select
                    }
                }
            }
            for (Client c : new ArrayList<>(clients.values())) {
                if (c.eof && c.pending() == 0) {
                    drop(c, "end of stream from peer, all " + c.echoed + " bytes echoed");
                }
            }
        }
    }

    private void acceptAll() throws IOException {
        for (;;) {
            Socket conn;
            try {
                conn = listener.accept();
            } catch (IOException e) {
                String name = Console.errnoName(e);
                if (RETRY_ACCEPT.contains(name)) {
                    Console.OUT.println("accept failed: " + Console.describe(e) + " (ignored)");
                    continue;
                }
                if (BACK_OFF.contains(name)) {
                    Console.OUT.println("accept failed: " + Console.describe(e) + " (pausing accepts for 100 ms)");
                    acceptPausedUntil = System.nanoTime() + BACK_OFF_NANOS;
                    return;
                }
                throw e;
            }
            if (conn == null) {
                return; // nothing more pending
            }
            String name = peerName(conn);
            int fd = conn.fd();
            if (fd >= Select.FD_SETSIZE) {
                conn.close();
                Console.OUT.println("rejected   " + name + ": descriptor " + fd + " >= FD_SETSIZE (" + Select.FD_SETSIZE
                        + "), select(2) cannot watch it (" + clientCount() + ")");
                continue;
            }
            try {
                conn.setBlocking(false);
            } catch (IOException e) {
                conn.close();
                Console.OUT.println("rejected   " + name + ": " + Console.describe(e));
                continue;
            }
            clients.put(conn, new Client(conn, name));
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

    /** One receive into the client's free space. */
    private void fill(Client c) {
        int n;
        try {
            n = c.socket.recv(c.buf.asSlice(c.tail, BUFFER - c.tail));
        } catch (IOException e) {
            drop(c, Console.describe(e) + " after " + c.echoed + " bytes echoed");
            return;
        }
        if (n == Socket.WOULD_BLOCK) {
            return;
        }
        if (n == 0) {
            c.eof = true;
            return;
        }
        c.tail += n;
    }

    /** One send of the client's pending bytes. */
    private void flush(Client c) {
        int n;
        try {
            n = c.socket.send(c.buf.asSlice(c.head, c.pending()));
        } catch (IOException e) {
            drop(c, Console.describe(e) + " after " + c.echoed + " bytes echoed");
            return;
        }
        if (n == Socket.WOULD_BLOCK) {
            return;
        }
        c.head += n;
        c.echoed += n;
        if (c.head == c.tail) {
            c.head = 0;
            c.tail = 0;
        } else if (c.tail == BUFFER) {
            // no room left at the end: move what is pending to the front
            MemorySegment.copy(c.buf, c.head, c.buf, 0, c.pending());
            c.tail -= c.head;
            c.head = 0;
        }
    }

    private void drop(Client c, String why) {
        if (clients.remove(c.socket) == null) {
            return;
        }
        c.socket.close();
        c.arena.close();
        Console.OUT.println("disconnect " + c.name + ": " + why + " (" + clientCount() + ")");
    }
}
