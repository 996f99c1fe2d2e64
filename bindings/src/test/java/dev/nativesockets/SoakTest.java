package dev.nativesockets;

import static dev.nativesockets.ReliabilityTestSupport.assertNoDescriptorGrowth;
import static dev.nativesockets.ReliabilityTestSupport.descriptorTable;
import static dev.nativesockets.ReliabilityTestSupport.openDescriptors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Soak: 200 concurrent clients (blocking sockets, one thread each) against an echo server made of
 * this library alone (one thread, non-blocking sockets, {@link Poller}), for
 * {@code -Dsoak.seconds} (20 by default). Clients send messages of random sizes, read them back
 * and compare, and reconnect every few messages. Passes only with no error anywhere, every client
 * having made progress, and no descriptor left open afterwards.
 *
 * <p>The same load against the demo echo server ({@code server-demo.jar echo}) is
 * server-demo's {@code SoakTest}.
 */
@org.junit.jupiter.api.Tag("reliability")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SoakTest {
    static final int CLIENTS = Integer.getInteger("soak.clients", 200);
    static final int SECONDS = Integer.getInteger("soak.seconds", 20);

    /** A single-threaded echo server over Poller; stops when {@link #stop} is set. */
    static final class PollerEchoServer implements Runnable {
        final Socket listener;
        final AtomicBoolean stop = new AtomicBoolean();
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final AtomicLong connections = new AtomicLong();
        private final Poller poller = new Poller();
        private final Map<Socket, ByteBuffer> pending = new IdentityHashMap<>();

        PollerEchoServer() throws IOException {
            listener = Socket.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
            listener.setBlocking(false);
            poller.add(listener, Poller.IN);
        }

        @Override
        public void run() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(64 * 1024);
                while (!stop.get()) {
                    if (poller.poll(Duration.ofMillis(100)) == 0) {
                        continue;
                    }
                    List<Socket> gone = new ArrayList<>();
                    for (int i = 0; i < poller.size(); i++) {
                        int rev = poller.revents(i);
                        if (rev == 0) {
                            continue;
                        }
                        Socket s = poller.socket(i);
                        if (s == listener) {
                            Socket c;
                            while ((c = listener.accept()) != null) {
                                c.setBlocking(false);
                                connections.incrementAndGet();
                                pendingAdds.add(c);
                            }
                        } else if (!serve(s, rev, buf)) {
                            gone.add(s);
                        }
                    }
                    for (Socket c : pendingAdds) {
                        poller.add(c, Poller.IN);
                    }
                    pendingAdds.clear();
                    for (Socket s : gone) {
                        poller.remove(s);
                        pending.remove(s);
                        s.close();
                    }
                }
            } catch (Throwable t) {
                errors.add(t);
            } finally {
                for (int i = 0; i < poller.size(); i++) {
                    poller.socket(i).close();
                }
            }
        }

        private final List<Socket> pendingAdds = new ArrayList<>();

        /** Echoes what is there; false when the connection is over. */
        private boolean serve(Socket s, int rev, MemorySegment buf) throws IOException {
            ByteBuffer out = pending.get(s);
            if (out != null) {
                if (!flush(s, out)) {
                    return true; // still waiting for room; not reading meanwhile
                }
                pending.remove(s);
                poller.setEvents(s, Poller.IN);
            }
            if ((rev & (Poller.IN | Poller.HUP | Poller.ERR)) == 0) {
                return true;
            }
            int n;
            try {
                n = s.recv(buf);
            } catch (IOException reset) {
                return false; // a client that reset: the contract allows it, the clients here do not
            }
            if (n == Socket.WOULD_BLOCK) {
                return true;
            }
            if (n == 0) {
                return false;
            }
            ByteBuffer data = buf.asSlice(0, n).asByteBuffer();
            if (!flush(s, data)) {
                ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
                pending.put(s, copy);
                poller.setEvents(s, Poller.OUT);
            }
            return true;
        }

        /** Sends what it can; true when all of it went. */
        private static boolean flush(Socket s, ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                if (s.send(b) == Socket.WOULD_BLOCK) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Runs {@link #CLIENTS} echo clients against {@code server} for {@link #SECONDS}; returns exchanges. */
    static long runClients(SocketAddress server, List<Throwable> errors) throws InterruptedException {
        AtomicLong exchanges = new AtomicLong();
        AtomicLong idleClients = new AtomicLong();
        long end = System.nanoTime() + SECONDS * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < CLIENTS; k++) {
            long seed = k;
            threads.add(Thread.ofPlatform().name("soak-client-" + k).start(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                long mine = 0;
                try {
                    while (System.nanoTime() < end) {
                        try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                            c.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(30));
                            c.connect(server, Duration.ofSeconds(30));
                            int messages = 1 + random.nextInt(100);
                            for (int m = 0; m < messages && System.nanoTime() < end; m++) {
                                byte[] out = new byte[1 + random.nextInt(16 * 1024)];
                                random.nextBytes(out);
                                c.sendAll(out);
                                byte[] back = new byte[out.length];
                                int got = 0;
                                while (got < back.length) {
                                    int n = c.recv(back, got, back.length - got, 0);
                                    if (n == 0) {
                                        throw new IOException("server closed after " + got + " of " + back.length + " bytes");
                                    }
                                    got += n;
                                }
                                if (!Arrays.equals(out, back)) {
                                    throw new AssertionError("echo differs from what was sent");
                                }
                                mine++;
                                exchanges.incrementAndGet();
                            }
                            if (random.nextInt(4) == 0) {
                                c.shutdown(How.WRITE); // a half-close now and then: the server sees EOF first
                                assertEquals(0, c.recv(new byte[1]));
                            }
                        }
                    }
                    if (mine == 0) {
                        idleClients.incrementAndGet();
                    }
                } catch (Throwable t) {
                    synchronized (errors) {
                        errors.add(new AssertionError(Thread.currentThread().getName() + " failed", t));
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (idleClients.get() > 0) {
            synchronized (errors) {
                errors.add(new AssertionError(idleClients.get() + " clients made no exchange at all"));
            }
        }
        return exchanges.get();
    }

    @Test
    void twoHundredClientsAgainstAPollerEchoServer() throws Exception {
        System.gc();
        int baseline = openDescriptors();
        TreeMap<Integer, String> before = descriptorTable();
        PollerEchoServer server = new PollerEchoServer();
        Thread serverThread = Thread.ofPlatform().name("soak-server").start(server);
        List<Throwable> errors = new ArrayList<>();
        long exchanges;
        try {
            exchanges = runClients(server.listener.localAddress(), errors);
        } finally {
            server.stop.set(true);
            serverThread.join(10_000);
            server.listener.close();
        }
        errors.addAll(server.errors);
        System.out.printf("soak (Poller echo server): %d clients, %d s, %d exchanges, %d connections%n",
                CLIENTS, SECONDS, exchanges, server.connections.get());
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError(errors.size() + " errors; first: " + errors.get(0));
            errors.stream().limit(5).forEach(e::addSuppressed);
            throw e;
        }
        assertTrue(exchanges >= CLIENTS, "exchanges: " + exchanges);
        assertTrue(server.connections.get() >= CLIENTS);
        assertNoDescriptorGrowth(baseline, before, "soak");
    }
}
