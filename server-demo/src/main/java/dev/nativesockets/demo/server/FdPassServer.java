package dev.nativesockets.demo.server;

import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;

import dev.nativesockets.ControlMessage;
import dev.nativesockets.Credentials;
import dev.nativesockets.Domain;
import dev.nativesockets.ErrnoException;
import dev.nativesockets.Message;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Descriptor passing: this process accepts TCP connections and hands each one, as an open
 * descriptor in an {@code SCM_RIGHTS} control message over a Unix socket, to a worker process
 * ({@code client-demo.jar fd-worker}) that serves it. The TCP client never learns that the process
 * it connected to is not the one that answers.
 *
 * <p>Per connection: {@code accept(2)}, then one {@code sendmsg(2)} on the Unix socket carrying the
 * peer's address as data and the connection as {@code SCM_RIGHTS}, then {@code close(2)} of this
 * process's copy. After {@code --count} connections the Unix socket is closed; the worker reads end
 * of stream and exits.
 */
final class FdPassServer {
    private FdPassServer() {}

    static Path defaultPath() {
        return Path.of(System.getProperty("java.io.tmpdir"), "nativesockets-fd-pass.sock");
    }

    static int run(Args args) {
        Path path = Path.of(args.string("path", defaultPath().toString()));
        InetSocketAddress address = args.address("127.0.0.1", 1935);
        int count = args.integer("count", 1, 1, Integer.MAX_VALUE);
        Domain domain = address.getAddress() instanceof Inet6Address ? Domain.INET6 : Domain.INET;
        boolean bound = false;
        try (Socket unix = Socket.open(Domain.UNIX, Type.STREAM);
             Socket tcp = Socket.open(domain, Type.STREAM);
             Arena arena = Arena.ofConfined()) {
            bindUnix(unix, path);
            bound = true;
            unix.listen(1);
            tcp.setOption(NativeOptions.SO_REUSEADDR, true);
            tcp.bind(address);
            tcp.listen();
            Console.ERR.println("server-demo fd-pass: waiting for a worker on unix:" + path);
            Console.ERR.println("server-demo fd-pass: listening on " + Console.format(tcp.localAddress())
                    + ", handing " + count + " connection" + (count == 1 ? "" : "s") + " to the worker");
            MemorySegment note = arena.allocate(512);
            try (Socket worker = unix.accept()) {
                Console.OUT.println("worker connected" + describePeer(worker));
                AcceptTrouble trouble = new AcceptTrouble("server-demo fd-pass: ", Console.ERR);
                for (int handed = 0; handed < count; handed++) {
                    Socket accepted;
                    try {
                        accepted = tcp.accept();
                    } catch (IOException e) {
                        AcceptTrouble.pause(trouble.failed(e)); // out of descriptors: wait, keep serving
                        handed--;
                        continue;
                    }
                    trouble.succeeded();
                    try (Socket conn = accepted) {
                        String peer = peerName(conn);
                        // data: who it is, one line; control: the connection itself
                        byte[] line = (peer + "\n").getBytes(StandardCharsets.UTF_8);
                        MemorySegment.copy(line, 0, note, ValueLayout.JAVA_BYTE, 0, line.length);
                        Message m = Message.of(note.asSlice(0, line.length)).control(ControlMessage.rights(conn));
                        worker.sendMsg(m);
                        Console.OUT.println("handed " + peer + " (fd " + conn.fd() + ") to the worker");
                    } // our copy closes; the worker's stays open
                }
            }
            Console.OUT.println("done: " + count + " connection" + (count == 1 ? "" : "s") + " handed over");
            return 0;
        } catch (IOException e) {
            Console.ERR.println("server-demo fd-pass: " + Console.describe(e));
            return 1;
        } finally {
            if (bound) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // left behind; the next run replaces it
                }
            }
        }
    }

    /** Binds to {@code path}, replacing a stale socket file that nobody listens on any more. */
    private static void bindUnix(Socket unix, Path path) throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(path);
        try {
            unix.bind(address);
        } catch (IOException e) {
            if (!"EADDRINUSE".equals(Console.errnoName(e))) {
                throw e;
            }
            try (Socket probe = Socket.open(Domain.UNIX, Type.STREAM)) {
                probe.connect(address);
                throw new IOException("unix:" + path + " is in use by a running process");
            } catch (IOException refused) {
                if (!(refused instanceof ErrnoException en) || !"ECONNREFUSED".equals(en.errnoName())) {
                    throw refused;
                }
            }
            Files.deleteIfExists(path); // stale: left by a process that is gone
            unix.bind(address);
        }
    }

    private static String describePeer(Socket worker) {
        if (!worker.supportsOption(NativeOptions.SO_PEERCRED)) {
            return "";
        }
        try {
            Credentials c = worker.getOption(NativeOptions.SO_PEERCRED);
            return (c.pid() > 0 ? ": pid " + c.pid() + "," : ":") + " uid " + c.uid() + " (SO_PEERCRED)";
        } catch (IOException e) {
            return "";
        }
    }

    private static String peerName(Socket conn) {
        try {
            return Console.format(conn.peerAddress());
        } catch (IOException e) {
            return "(peer gone: " + Console.errnoName(e) + ")";
        }
    }
}
