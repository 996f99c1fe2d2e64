package dev.nativesockets.demo.client;

import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;

import dev.nativesockets.Domain;
import dev.nativesockets.How;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Socket;
import dev.nativesockets.SocketPair;
import dev.nativesockets.Type;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * Load for an echo server. With {@code --seconds}, {@link EchoRate}: echoes per second over up to
 * 10,000 connections on one thread. Otherwise a transfer: {@code --clients} connections at once, each sending {@code --bytes}
 * bytes of its own pseudo-random stream from one thread while another receives the echo and
 * compares every byte with what was sent, then half-closing and expecting end of stream after the
 * last byte. Prints the throughput of the transfer (timed from when every client is connected);
 * exit status 1 if any byte, count or connection was wrong.
 */
final class EchoLoad {
    private EchoLoad() {}

    /** The stream repeats with this period, a prime, so that it never lines up with buffer sizes. */
    static final int PERIOD = 65_521;
    static final int CHUNK = 32 * 1024;
    /** A server that stops echoing for this long counts as a failure rather than a hang. */
    static final Duration STALL = Duration.ofSeconds(30);

    static int run(Args args) {
        InetSocketAddress address = args.address("127.0.0.1", 1935);
        int clients = args.integer("clients", 10, 1, 10_000);
        Domain domain = address.getAddress() instanceof Inet6Address ? Domain.INET6 : Domain.INET;
        if (args.string("seconds", null) != null) {
            if (args.string("bytes", null) != null) {
                throw new Args.UsageException("--seconds (echoes per second) and --bytes (a transfer per client) exclude each other");
            }
            return EchoRate.run(address, domain, clients, args.integer("seconds", 5, 1, 3600));
        }
        int bytes = args.integer("bytes", 1 << 20, 0, Integer.MAX_VALUE);

        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        warmUp();
        CountDownLatch connected = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int id = 0; id < clients; id++) {
            int client = id;
            threads.add(Thread.ofPlatform().name("echo-load-" + id).start(() -> {
                try {
                    oneClient(client, domain, address, bytes, connected, go);
                } catch (Exception e) {
                    failures.add("client " + client + ": " + Console.describe(e));
                }
            }));
        }
        try {
            connected.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add("interrupted");
                break;
            }
        }
        double seconds = (System.nanoTime() - t1) / 1e9;
        for (String f : failures) {
            Console.ERR.println("client-demo echo-load: " + f);
        }
        int ok = clients - failures.size();
        long total = (long) ok * bytes;
        Console.OUT.printf(Locale.ROOT, "echo-load: %d/%d clients x %d bytes to %s: %d bytes echoed and verified in %.3f s, %.1f MiB/s"
                        + " (connecting took %.3f s)%n",
                ok, clients, bytes, Console.format(address), total, seconds, total / seconds / (1 << 20), connectSeconds);
        return failures.isEmpty() ? 0 : 1;
    }

    /**
     * The client's stream, two periods long so that any run of up to {@link #PERIOD} bytes starting
     * at {@code offset % PERIOD} is contiguous.
     */
    private static MemorySegment pattern(int client) {
        byte[] p = new byte[2 * PERIOD];
        new SplittableRandom(0x5eed_0000L + client).nextBytes(p);
        System.arraycopy(p, 0, p, PERIOD, PERIOD);
        return MemorySegment.ofArray(p);
    }

    private static MemorySegment expected(MemorySegment pattern, long offset, int length) {
        return pattern.asSlice(offset % PERIOD, length);
    }

    /**
     * Makes the library link the calls the transfer uses (the first call of each costs tens of
     * milliseconds), so that the timed part measures the transfer, not the start-up.
     */
    private static void warmUp() {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM); Arena arena = Arena.ofConfined()) {
            MemorySegment b = arena.allocate(16);
            p.first().setOption(NativeOptions.SO_RCVTIMEO, STALL);
            p.first().sendAll(b);
            p.first().shutdown(How.WRITE);
            while (p.second().recv(b) > 0) {
                // drain
            }
        } catch (IOException e) {
            // only a warm-up: the real calls report their own errors
        }
    }

    private static Socket connect(Domain domain, InetSocketAddress address) throws IOException {
        Socket s = Socket.open(domain, Type.STREAM);
        try {
            s.setOption(NativeOptions.SO_RCVTIMEO, STALL);
            s.setOption(NativeOptions.SO_SNDTIMEO, STALL);
            s.connect(address);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static void oneClient(int client, Domain domain, InetSocketAddress address, int bytes,
                                  CountDownLatch connected, CountDownLatch go) throws Exception {
        MemorySegment pattern = pattern(client);
        Socket s;
        try {
            s = connect(domain, address);
        } finally {
            connected.countDown(); // connected or failed: either way ready
        }
        try (s) {
            go.await();
            IOException[] sendFailure = new IOException[1];
            Thread sender = Thread.ofPlatform().name("echo-load-" + client + "-send").start(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment chunk = arena.allocate(CHUNK);
                    long off = 0;
                    while (off < bytes) {
                        int n = (int) Math.min(CHUNK, bytes - off);
                        MemorySegment.copy(expected(pattern, off, n), 0, chunk, 0, n);
                        s.sendAll(chunk.asSlice(0, n));
                        off += n;
                    }
                    s.shutdown(How.WRITE);
                } catch (IOException e) {
                    sendFailure[0] = e;
                }
            });
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(CHUNK);
                long got = 0;
                for (;;) {
                    int n = s.recv(buf);
                    if (n == 0) {
                        break;
                    }
                    if (got + n > bytes) {
                        throw new IOException("server echoed " + (got + n) + " bytes, more than the " + bytes + " sent");
                    }
                    MemorySegment want = expected(pattern, got, n);
                    long at = buf.asSlice(0, n).mismatch(want);
                    if (at >= 0) {
                        throw new IOException(String.format(Locale.ROOT, "byte %d: expected 0x%02x, got 0x%02x",
                                got + at, want.get(ValueLayout.JAVA_BYTE, at) & 0xff, buf.get(ValueLayout.JAVA_BYTE, at) & 0xff));
                    }
                    got += n;
                }
                sender.join();
                if (sendFailure[0] != null) {
                    throw sendFailure[0];
                }
                if (got != bytes) {
                    throw new IOException("end of stream after " + got + " of " + bytes + " bytes");
                }
            } finally {
                if (sender.isAlive()) {
                    s.close(); // wakes the sender
                    sender.join();
                }
            }
        }
    }
}
