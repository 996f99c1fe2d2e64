package dev.nativesockets.demo.server;

import dev.nativesockets.Errno;
import dev.nativesockets.Socket;
import dev.nativesockets.demo.Console;
import dev.nativesockets.linux.BufferRing;
import dev.nativesockets.linux.Uring;
import dev.nativesockets.linux.UringBuffer;
import dev.nativesockets.linux.UringCompletion;
import dev.nativesockets.linux.UringOp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code --loop uring}: the echo server on an io_uring completion ring (Linux). A multishot accept
 * takes connections; each client has one multishot receive into a buffer ring shared by all
 * clients; what arrives is copied into the client's staging buffer and sent from there, one send
 * in flight per client. A client with more than {@link EchoServer#BUFFER} bytes not yet taken by
 * its peer is not read from (its receive is cancelled) until they are, so a client that never
 * reads stalls nobody else. Log lines are the other loops'.
 */
final class UringEchoLoop implements AutoCloseable {
    private static final long ACCEPT = 0, ACCEPT_RETRY = -1;

    private static final class Client {
        final long tag;
        final Socket socket;
        final String name;
        UringBuffer out;
        int from, to;           // staged bytes [from, to); a send covers [from, from + sending)
        int sending;
        long recvId = -1;       // the armed multishot receive, or -1
        boolean paused, eof, dropped;
        long echoed;

        Client(long tag, Socket socket, String name) {
            this.tag = tag;
            this.socket = socket;
            this.name = name;
        }

        int pending() {
            return to - from;
        }
    }

    private final Socket listener;
    private final Uring ring;
    private final BufferRing buffers;
    private final Map<Long, Client> clients = new HashMap<>();
    private long nextTag = 1;

    UringEchoLoop(Socket listener) throws IOException {
        this.listener = listener;
        this.ring = Uring.open(1024);
        try {
            this.buffers = ring.bufferRing(1024, 16 * 1024);
            ring.acceptMultishot(listener, ACCEPT);
        } catch (IOException | RuntimeException e) {
            ring.close();
            throw e;
        }
    }

    String describe() {
        return "io_uring (Uring), " + ring.submissionEntries() + " entries";
    }

    void run() throws IOException {
        for (;;) {
            ring.await(1, null, this::completed);
        }
    }

    private void completed(UringCompletion c) {
        try {
            if (c.tag() == ACCEPT) {
                accepted(c);
            } else if (c.tag() == ACCEPT_RETRY) {
                ring.acceptMultishot(listener, ACCEPT);
            } else {
                Client cl = clients.get(c.tag());
                if (cl != null) {
                    if (c.op() == UringOp.SEND) {
                        sent(cl, c.result());
                    } else if (c.op() == UringOp.RECV) {
                        received(cl, c);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accepted(UringCompletion c) throws IOException {
        if (c.result() >= 0) {
            Socket conn = c.takeAccepted();
            String name;
            try {
                name = Console.format(conn.peerAddress());
            } catch (IOException e) {
                name = "(peer gone: " + Console.errnoName(e) + ")";
            }
            Client cl = new Client(nextTag++, conn, name);
            clients.put(cl.tag, cl);
            Console.OUT.println("connect    " + name + " (fd " + conn.fd() + ", " + count() + ")");
            arm(cl);
        } else {
            Console.OUT.println("accept failed: " + c.errnoName() + ": " + Errno.strerror(c.errno())
                    + (c.more() ? " (ignored)" : " (accepts paused for 100 ms)"));
        }
        if (!c.more()) { // ended (EMFILE, ...): arm again after a pause
            ring.timeout(Duration.ofNanos(EchoServer.BACK_OFF_NANOS), ACCEPT_RETRY);
        }
    }

    private void arm(Client cl) throws IOException {
        cl.paused = false;
        cl.recvId = ring.recvMultishot(cl.socket, buffers, cl.tag);
    }

    private void received(Client cl, UringCompletion c) throws IOException {
        if (cl.dropped) {
            return;
        }
        if (c.result() > 0) {
            stage(cl, c.bufferRing().segment(), c.bufferOffset(), c.result());
            flush(cl);
            if (cl.pending() > EchoServer.BUFFER && !cl.paused && cl.recvId >= 0) {
                cl.paused = true; // stop reading a client whose peer does not take its echo
                ring.cancel(cl.recvId, Long.MIN_VALUE);
            }
        }
        if (c.more()) {
            return;
        }
        cl.recvId = -1;
        if (c.result() == 0) {
            cl.eof = true;
        } else if (c.result() < 0 && !cl.paused) { // paused: ECANCELED (or ENOBUFS just before) is ours
            drop(cl, "recv: " + c.errnoName() + ": " + Errno.strerror(c.errno()) + " after " + cl.echoed + " bytes echoed");
            return;
        } else if (c.result() > 0 && !cl.paused) {
            arm(cl); // ended without a reason to stop: go on
            return;
        }
        finishIfDone(cl);
    }

    private void stage(Client cl, MemorySegment from, long offset, int n) {
        if (cl.out == null) {
            cl.out = ring.allocate(2L * EchoServer.BUFFER);
        }
        if (cl.to + n > cl.out.size()) {
            if (cl.sending == 0) { // nothing in flight: move the staged bytes to the front
                MemorySegment.copy(cl.out.segment(), cl.from, cl.out.segment(), 0, cl.pending());
                cl.to -= cl.from;
                cl.from = 0;
            }
            if (cl.to + n > cl.out.size()) { // still no room: a bigger buffer, same offsets (the old one stays in flight)
                UringBuffer bigger = ring.allocate(Math.max(2 * cl.out.size(), cl.to + n));
                MemorySegment.copy(cl.out.segment(), 0, bigger.segment(), 0, cl.to);
                cl.out = bigger;
            }
        }
        MemorySegment.copy(from, offset, cl.out.segment(), cl.to, n);
        cl.to += n;
    }

    private void flush(Client cl) throws IOException {
        if (cl.sending == 0 && cl.pending() > 0 && !cl.dropped) {
            cl.sending = cl.pending();
            ring.send(cl.socket, cl.out, cl.from, cl.sending, cl.tag);
        }
    }

    private void sent(Client cl, int result) throws IOException {
        cl.sending = 0;
        if (cl.dropped) {
            return;
        }
        if (result < 0) {
            drop(cl, "send: " + dev.nativesockets.Errno.name(-result) + ": " + Errno.strerror(-result)
                    + " after " + cl.echoed + " bytes echoed");
            return;
        }
        cl.from += result;
        cl.echoed += result;
        if (cl.from == cl.to) {
            cl.from = cl.to = 0;
            if (cl.out.size() > 2L * EchoServer.BUFFER) {
                cl.out = null; // let a grown buffer go
            }
        }
        flush(cl);
        if (cl.paused && cl.pending() == 0 && cl.recvId < 0 && !cl.eof) {
            arm(cl);
        }
        finishIfDone(cl);
    }

    private void finishIfDone(Client cl) {
        if (cl.eof && cl.pending() == 0 && cl.sending == 0) {
            drop(cl, "end of stream from peer, all " + cl.echoed + " bytes echoed");
        }
    }

    private void drop(Client cl, String why) {
        if (cl.dropped) {
            return;
        }
        cl.dropped = true;
        clients.remove(cl.tag);
        cl.socket.close(); // ends its receive and send; the ring releases the number after their completions
        Console.OUT.println("disconnect " + cl.name + ": " + why + " (" + count() + ")");
    }

    private String count() {
        return clients.size() + (clients.size() == 1 ? " client" : " clients");
    }

    @Override
    public void close() {
        for (Client cl : new ArrayList<>(clients.values())) {
            drop(cl, "server stopping");
        }
        ring.close();
    }
}
