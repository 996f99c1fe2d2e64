package dev.nativesockets.demo.client;

import dev.nativesockets.demo.Console;

import dev.nativesockets.Domain;
import dev.nativesockets.How;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Readiness;
import dev.nativesockets.Registration;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code echo-load --seconds S}: echoes per second. {@code --clients} connections held by one
 * thread on the library's {@link Readiness} loop, each with one 64-byte message in flight: a
 * client sends its next message as soon as the whole echo of the last came back. Every echoed byte
 * is compared with what was sent (each message differs: client number, sequence number, position).
 * After {@code S} seconds no new message is sent; the ones in flight must still come back, then
 * each client half-closes and expects end of stream. Exit status 1 if any byte, count or
 * connection was wrong.
 */
final class EchoRate {
    static final int MESSAGE = 64;
    /** A server that stops echoing for this long counts as a failure rather than a hang. */
    static final Duration STALL = Duration.ofSeconds(30);

    private static final class Conn {
        final int id;
        final Socket socket;
        Registration registration;
        long seq;
        int sent; // bytes of message seq sent
        int got; // bytes of its echo received
        boolean draining; // no new message after the echo in flight
        boolean finished;

        Conn(int id, Socket socket) {
            this.id = id;
            this.socket = socket;
        }
    }

    private final List<Conn> conns = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment out = arena.allocate(MESSAGE);
    private final MemorySegment in = arena.allocate(MESSAGE);
    private Readiness loop;
    private long echoes;
    private int open;
    private boolean draining;

    private EchoRate() {}

    /** Byte {@code k} of message {@code seq} of client {@code id}. */
    static byte expected(int id, long seq, int k) {
        long x = (id + 1) * 0x9E3779B97F4A7C15L + seq * 0xC2B2AE3D27D4EB4FL + k;
        x ^= x >>> 29;
        return (byte) (x * 0xBF58476D1CE4E5B9L >>> 56);
    }

    static int run(InetSocketAddress address, Domain domain, int clients, int seconds) {
        EchoRate r = new EchoRate();
        try {
            return r.go(address, domain, clients, seconds);
        } catch (IOException e) {
            Console.ERR.println("client-demo echo-load: " + Console.describe(e));
            return 1;
        } finally {
            for (Conn c : r.conns) {
                c.socket.close();
            }
            if (r.loop != null) {
                r.loop.close();
            }
            r.arena.close();
        }
    }

    private int go(InetSocketAddress address, Domain domain, int clients, int seconds) throws IOException {
        loop = Readiness.open();
        long t0 = System.nanoTime();
        for (int id = 0; id < clients; id++) {
            Socket s = Socket.open(domain, Type.STREAM);
            Conn c = new Conn(id, s);
            conns.add(c);
            s.setOption(NativeOptions.TCP_NODELAY, true);
            s.connect(address, STALL);
            s.setBlocking(false);
            c.registration = loop.register(s, Readiness.READ, c);
        }
        open = clients;
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        long end = t1 + seconds * 1_000_000_000L;
        for (Conn c : conns) {
            send(c);
        }
        long lastProgress = System.nanoTime();
        long measured = -1;
        double measuredSeconds = 0;
        while (open > 0) {
            long now = System.nanoTime();
            if (!draining && now - end >= 0) {
                draining = true; // from here on only the echoes in flight
                measured = echoes;
                measuredSeconds = (now - t1) / 1e9;
                for (Conn c : conns) {
                    if (!c.finished && c.sent == 0 && c.got == 0) {
                        finish(c); // between two messages: nothing in flight
                    }
                }
                continue;
            }
            long before = echoes + open;
            loop.await(Duration.ofMillis(draining ? 100 : Math.max(1, (end - now) / 1_000_000)), this::ready);
            if (echoes + open != before) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                failures.add(open + " clients got nothing back for " + STALL.toSeconds() + " s");
                break;
            }
        }
        if (measured < 0) {
            measured = echoes;
            measuredSeconds = (System.nanoTime() - t1) / 1e9;
        }
        for (int i = 0; i < Math.min(10, failures.size()); i++) {
            Console.ERR.println("client-demo echo-load: " + failures.get(i));
        }
        if (failures.size() > 10) {
            Console.ERR.println("client-demo echo-load: ... and " + (failures.size() - 10) + " more");
        }
        Console.OUT.printf(Locale.ROOT, "echo-load: %d clients on one thread (%s) to %s: %d echoes of %d bytes in %.3f s,"
                        + " %.0f echoes/s, every byte verified; %d clients failed (connecting took %.3f s)%n",
                clients, loop.mechanism(), Console.format(address), measured, MESSAGE, measuredSeconds,
                measured / measuredSeconds, failures.size(), connectSeconds);
        return failures.isEmpty() ? 0 : 1;
    }

    private void ready(Registration r, int ops) {
        Conn c = (Conn) r.attachment();
        try {
            if ((ops & Readiness.WRITE) != 0 && c.sent < MESSAGE) {
                send(c);
            }
            if ((ops & (Readiness.READ | Readiness.HANGUP | Readiness.ERROR)) != 0) {
                receive(c);
            }
        } catch (IOException e) {
            fail(c, Console.describe(e));
        }
    }

    /** Sends what is left of the client's current message; watches for writing if the socket took less. */
    private void send(Conn c) throws IOException {
        for (int k = c.sent; k < MESSAGE; k++) {
            out.set(ValueLayout.JAVA_BYTE, k, expected(c.id, c.seq, k));
        }
        int n = c.socket.send(out.asSlice(c.sent, MESSAGE - c.sent));
        if (n > 0) {
            c.sent += n;
        }
        c.registration.interest(c.sent < MESSAGE ? Readiness.READ | Readiness.WRITE : Readiness.READ);
    }

    private void receive(Conn c) throws IOException {
        if (c.finished) {
            int n = c.socket.recv(in);
            if (n == 0) {
                c.socket.close(); // end of stream after the last echo: this client is done
                open--;
            } else if (n > 0) {
                fail(c, "server sent " + n + " bytes more than it was sent");
            }
            return;
        }
        int n = c.socket.recv(in.asSlice(0, MESSAGE - c.got));
        if (n == Socket.WOULD_BLOCK) {
            return;
        }
        if (n == 0) {
            fail(c, "end of stream after " + c.seq + " echoes and " + c.got + " bytes of the next");
            return;
        }
        for (int k = 0; k < n; k++) {
            byte want = expected(c.id, c.seq, c.got + k);
            byte got = in.get(ValueLayout.JAVA_BYTE, k);
            if (got != want) {
                fail(c, String.format(Locale.ROOT, "byte %d of echo %d: expected 0x%02x, got 0x%02x",
                        c.got + k, c.seq, want & 0xff, got & 0xff));
                return;
            }
        }
        c.got += n;
        if (c.got < MESSAGE || c.sent < MESSAGE) {
            return;
        }
        if (!draining) {
            echoes++;
        }
        c.seq++;
        c.sent = 0;
        c.got = 0;
        if (draining) {
            finish(c);
        } else {
            send(c);
        }
    }

    /** No more messages: half-close and wait for the server's end of stream. */
    private void finish(Conn c) throws IOException {
        c.finished = true;
        c.socket.shutdown(How.WRITE);
    }

    private void fail(Conn c, String why) {
        failures.add("client " + c.id + ": " + why);
        if (!c.socket.isClosed()) {
            c.socket.close();
            open--;
        }
    }
}
