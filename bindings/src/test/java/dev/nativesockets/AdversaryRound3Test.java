package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Round-3 adversary: attacks on issue 23's virtual-thread machinery (leased scratches, the
 * persistent edge-triggered registration and its sequence numbers, the timeout cache) and on issue
 * 25's owner lifetimes, over real sockets.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdversaryRound3Test {

    /** Runs {@code body} on a new virtual thread and returns its result (also for AdversaryWaitPathTest). */
    static <T> CompletableFuture<T> virtual(java.util.concurrent.Callable<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** What {@code f} failed with (null if it completed), waiting up to 60 s. */
    static Throwable cause(CompletableFuture<?> f) throws Exception {
        try {
            f.get(60, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    // ---- 1. the timeout cache with a receive timeout beyond what Duration.toNanos() can hold ----

    /**
     * SO_RCVTIMEO of 1,000 years is accepted by the kernel and read back as 1,000 years. A
     * virtual thread's parked recv turns it into nanoseconds for its deadline: by the library's
     * one timeout rule (WaitTimeout) 100 years or more is "forever", never an ArithmeticException.
     * Broke on the merged code: {@code Duration.toNanos()} overflowed and recv threw
     * {@code ArithmeticException: long overflow} out of a plain blocking-mode recv.
     */
    @Test
    void aParkedReceiveUnderAThousandYearTimeoutWaitsInsteadOfOverflowing() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Duration huge = Duration.ofDays(365L * 1000);
            p.first().setOption(NativeOptions.SO_RCVTIMEO, huge);
            p.second().setOption(NativeOptions.SO_SNDTIMEO, huge);
            CompletableFuture<Integer> r = virtual(() -> p.first().recv(new byte[8]));
            Thread.sleep(100);
            p.second().send(new byte[] {7});
            assertEquals(1, r.get(30, TimeUnit.SECONDS));
            // the send side: fill the buffer from a virtual thread so that send parks, then drain
            p.second().setOption(NativeOptions.SO_SNDBUF, 4096);
            byte[] chunk = new byte[64 * 1024];
            CompletableFuture<Integer> w = virtual(() -> {
                int total = 0;
                for (int i = 0; i < 16; i++) {
                    p.second().sendAll(chunk);
                    total += chunk.length;
                }
                return total;
            });
            long got = 0;
            byte[] sink = new byte[64 * 1024];
            while (got < 16L * chunk.length) {
                int n = p.first().recv(sink);
                assertTrue(n > 0);
                got += n;
            }
            assertEquals(16 * chunk.length, w.get(30, TimeUnit.SECONDS));
        }
    }

    // ---- 2. leased scratches: hundreds of parked recvFrom with distinct senders ----

    /**
     * 300 virtual threads park in recvFrom on 300 UDP sockets (more threads than carriers, so
     * parked threads' leases are taken by others mounted on the same carrier); each is then sent
     * its own index from its own sender. Every thread must report its own sender's address and its
     * own payload: a lease shared across a park would mix them up.
     */
    @Test
    void parkedRecvFromOnHundredsOfVirtualThreadsReportsEachOwnSender() throws Exception {
        int n = 300;
        InetAddress lo = InetAddress.getLoopbackAddress();
        List<Socket> rx = new ArrayList<>();
        List<Socket> tx = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Socket r = Socket.open(Domain.INET, Type.DGRAM);
                r.bind(new InetSocketAddress(lo, 0));
                rx.add(r);
                Socket t = Socket.open(Domain.INET, Type.DGRAM);
                t.bind(new InetSocketAddress(lo, 0));
                tx.add(t);
            }
            List<CompletableFuture<String>> done = new ArrayList<>();
            CountDownLatch started = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                int k = i;
                done.add(virtual(() -> {
                    byte[] b = new byte[64];
                    started.countDown();
                    // a stale offset/len form too: receive into the middle of the array
                    Received got = rx.get(k).recvFrom(b, 8, 32, 0);
                    String payload = new String(b, 8, got.length(), java.nio.charset.StandardCharsets.US_ASCII);
                    return payload + "@" + ((InetSocketAddress) got.source()).getPort();
                }));
            }
            started.await();
            Thread.sleep(200); // let them park (a thread that did not park yet only makes it easier)
            for (int i = n - 1; i >= 0; i--) {
                byte[] msg = ("m" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                tx.get(i).sendTo(msg, rx.get(i).localAddress());
            }
            for (int i = 0; i < n; i++) {
                int port = ((InetSocketAddress) tx.get(i).localAddress()).getPort();
                assertEquals("m" + i + "@" + port, done.get(i).get(30, TimeUnit.SECONDS), "receiver " + i);
            }
        } finally {
            rx.forEach(Socket::close);
            tx.forEach(Socket::close);
        }
    }

    // ---- 3. lost wake-ups in the sequence-number park ----

    /**
     * Two virtual threads ping-pong one byte 20,000 times over a socket pair, while on a second
     * pair one virtual thread reads and another writes the same socket at once (a full buffer, so
     * both directions park on one registration). A lost edge between a failed call and its park
     * hangs a thread: the test then times out.
     */
    @Test
    @Tag("reliability")
    void pingPongAndFullDuplexOnOneRegistrationNeverLoseAWakeUp() throws Exception {
        try (SocketPair a = Socket.pair(Domain.UNIX, Type.STREAM); SocketPair b = Socket.pair(Domain.UNIX, Type.STREAM)) {
            int rounds = 20_000;
            CompletableFuture<Integer> ping = virtual(() -> {
                byte[] x = new byte[1];
                for (int i = 0; i < rounds; i++) {
                    x[0] = (byte) i;
                    a.first().send(x);
                    if (a.first().recv(x) != 1 || x[0] != (byte) ~i) {
                        throw new AssertionError("ping round " + i);
                    }
                }
                return rounds;
            });
            CompletableFuture<Integer> pong = virtual(() -> {
                byte[] x = new byte[1];
                for (int i = 0; i < rounds; i++) {
                    if (a.second().recv(x) != 1 || x[0] != (byte) i) {
                        throw new AssertionError("pong round " + i);
                    }
                    x[0] = (byte) ~i;
                    a.second().send(x);
                }
                return rounds;
            });
            // one socket, one reader and one writer parked on the same registration
            long volume = 32L << 20;
            Socket s = b.first();
            Socket peer = b.second();
            s.setOption(NativeOptions.SO_SNDBUF, 4096);
            CompletableFuture<Long> writer = virtual(() -> {
                byte[] chunk = new byte[8192];
                for (long sent = 0; sent < volume; sent += chunk.length) {
                    chunk[0] = (byte) (sent >>> 13);
                    s.sendAll(chunk);
                }
                return volume;
            });
            CompletableFuture<Long> echoer = virtual(() -> { // the peer echoes all it gets
                byte[] buf = new byte[8192];
                long moved = 0;
                while (moved < volume) {
                    int k = peer.recv(buf);
                    peer.sendAll(buf, 0, k);
                    moved += k;
                }
                return moved;
            });
            CompletableFuture<Long> reader = virtual(() -> {
                byte[] buf = new byte[3000];
                long got = 0;
                while (got < volume) {
                    got += s.recv(buf);
                }
                return got;
            });
            assertEquals(rounds, ping.get(90, TimeUnit.SECONDS));
            assertEquals(rounds, pong.get(10, TimeUnit.SECONDS));
            assertEquals(volume, writer.get(90, TimeUnit.SECONDS));
            assertEquals(volume, echoer.get(90, TimeUnit.SECONDS));
            assertEquals(volume, reader.get(90, TimeUnit.SECONDS));
        }
    }

    // ---- 4. close while many threads are parked in both directions ----

    /**
     * 50 virtual threads parked in recv and 50 in send (full buffer) on one socket, then close():
     * every one must throw SocketClosedException at once — none left parked, none returning data.
     */
    @Test
    void closeWakesEveryParkedReaderAndWriterAtOnce() throws Exception {
        for (int round = 0; round < 5; round++) {
            SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
            Socket s = p.first();
            Net.fillSendBuffer(s); // so that writers park
            List<CompletableFuture<Object>> all = new ArrayList<>();
            CountDownLatch in = new CountDownLatch(100);
            for (int i = 0; i < 50; i++) {
                all.add(virtual(() -> {
                    in.countDown();
                    return s.recv(new byte[16]);
                }));
                all.add(virtual(() -> {
                    in.countDown();
                    s.sendAll(new byte[65536]);
                    return "sent";
                }));
            }
            in.await();
            Thread.sleep(300);
            s.close();
            for (CompletableFuture<Object> f : all) {
                Throwable t = cause(f);
                assertTrue(t instanceof SocketClosedException, "a parked call ended with " + (t == null ? f.get() : t));
            }
            p.second().close();
        }
    }

    // ---- 5. interrupt during a park ----

    /** The rule: an interrupt while parked closes the socket and throws, interrupt status kept. */
    @Test
    void interruptWhileParkedClosesTheSocketAndKeepsTheStatus() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            AtomicReference<Thread> th = new AtomicReference<>();
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            Thread t = Thread.ofVirtual().unstarted(() -> {
                try {
                    p.first().recv(new byte[4]);
                    f.complete(false);
                } catch (SocketClosedException e) {
                    f.complete(Thread.currentThread().isInterrupted());
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
            th.set(t);
            t.start();
            Thread.sleep(200);
            t.interrupt();
            assertTrue(f.get(30, TimeUnit.SECONDS), "interrupt status lost");
            assertTrue(p.first().isClosed());
        }
    }

    // ---- 6. offset/length forms at the bounds, platform and virtual, shared and confined ----

    @Test
    void offsetLengthFormsAtTheBoundsOnEveryKindOfThread() throws Exception {
        for (boolean onVirtual : new boolean[] {false, true}) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            Runnable body = () -> {
                try {
                    try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM)) {
                        byte[] b = new byte[16];
                        // off == length, len == 0: an empty send is a zero-length datagram
                        assertEquals(0, p.first().send(b, 16, 0));
                        assertEquals(0, p.second().recv(b, 16, 0));
                        for (int[] bad : new int[][] {{17, 0}, {-1, 1}, {0, -1}, {1, Integer.MAX_VALUE},
                                {Integer.MAX_VALUE, 1}, {16, 1}, {Integer.MIN_VALUE, 0}}) {
                            assertThrows(IllegalArgumentException.class, () -> p.first().send(b, bad[0], bad[1]));
                            assertThrows(IllegalArgumentException.class, () -> p.first().sendAll(b, bad[0], bad[1]));
                            assertThrows(IllegalArgumentException.class, () -> p.second().recv(b, bad[0], bad[1]));
                            assertThrows(IllegalArgumentException.class, () -> p.second().recvFrom(b, bad[0], bad[1], 0));
                            assertThrows(IllegalArgumentException.class, () -> p.first().sendTo(b, bad[0], bad[1], 0, null));
                        }
                        // a real slice at the very end
                        byte[] out = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
                        assertEquals(3, p.first().send(out, 13, 3));
                        byte[] in = new byte[16];
                        assertEquals(3, p.second().recv(in, 13, 3));
                        assertArrayEquals(new byte[] {14, 15, 16}, java.util.Arrays.copyOfRange(in, 13, 16));
                        assertEquals(0, in[12]);
                        // a datagram longer than the slice is cut to the slice; nothing past it is written
                        assertEquals(16, p.first().send(out));
                        byte[] guard = new byte[16];
                        java.util.Arrays.fill(guard, (byte) 99);
                        assertEquals(4, p.second().recv(guard, 6, 4));
                        assertEquals(99, guard[5]);
                        assertEquals(99, guard[10]);
                        assertArrayEquals(new byte[] {1, 2, 3, 4}, java.util.Arrays.copyOfRange(guard, 6, 10));
                    }
                    f.complete(null);
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            };
            if (onVirtual) {
                Thread.ofVirtual().start(body);
            } else {
                Thread.ofPlatform().start(body);
            }
            f.get(30, TimeUnit.SECONDS);
        }
    }

    // ---- 7. timeouts at the edges across every API that takes a Duration ----

    @Test
    void everyDurationTakingApiRefusesNegativeAndSaturatesHuge() throws Exception {
        Duration neg = Duration.ofNanos(-1);
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM); Readiness r = Readiness.open()) {
            p.second().send(new byte[] {1});
            r.register(p.first(), Readiness.READ, null);
            assertThrows(IllegalArgumentException.class, () -> r.await(neg, (reg, ops) -> {}));
            int[] seen = new int[1];
            assertEquals(1, r.await(huge, (reg, ops) -> seen[0]++));
            assertEquals(1, seen[0]);
            // a timeout with only nanos: ready already, so it returns the event
            assertEquals(1, r.await(Duration.ofNanos(1), (reg, ops) -> seen[0]++));
        }
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.second().send(new byte[] {1});
            try (Epoll e = Epoll.open(4)) {
                e.add(p.first(), Epoll.IN, 1);
                assertThrows(IllegalArgumentException.class, () -> e.await(neg));
                assertEquals(1, e.await(huge));
                assertEquals(1, e.await(Duration.ZERO));
            }
            Poller poller = new Poller();
            poller.add(p.first(), Poller.IN);
            assertThrows(IllegalArgumentException.class, () -> poller.poll(neg));
            assertEquals(1, poller.poll(huge));
            assertThrows(IllegalArgumentException.class, () -> p.first().setOption(NativeOptions.SO_RCVTIMEO, neg));
        }
        try (Socket l = Socket.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
                Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            assertThrows(IllegalArgumentException.class, () -> c.connect(l.localAddress(), neg));
            c.connect(l.localAddress(), huge);
        }
    }

    // ---- 8. "a virtual thread owns no native memory": leases taken outside a call ----

    /**
     * 2,000 virtual threads each open a socket and close it — calls that take a scratch outside
     * any acquire/release bracket (socket(2), the close(2) of FdHandle) — and then wait on
     * something else (a latch), as a connection thread waits on a queue. Each must have given its
     * lease back: the scratches made meanwhile follow the carriers, not the threads. Broke on the
     * merged code: every such thread kept its leased scratch (about 70 KB of native memory each)
     * for as long as it lived, because only the end of an outermost acquire/release call gives a
     * lease back.
     */
    @Test
    void aVirtualThreadThatOpensAndClosesKeepsNoScratch() throws Exception {
        int n = 2_000;
        CountDownLatch opened = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long before = ScratchPool.created();
        try {
            for (int i = 0; i < n; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        Socket s = Socket.open(Domain.INET, Type.STREAM);
                        s.close();
                        Readiness.open(4).close();
                        SockAddr.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 80));
                        AddressInfo.lookup("127.0.0.1", "80");
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    } finally {
                        opened.countDown();
                    }
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            assertTrue(opened.await(60, TimeUnit.SECONDS));
            long made = ScratchPool.created() - before;
            assertTrue(made < n / 4, made + " scratches made for " + n + " threads that each opened and closed one socket, one readiness set, encoded one address and resolved one name");
        } finally {
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    /**
     * The same promise for the gather/scatter and message calls: 2,000 virtual threads each make
     * one {@code writev} of heap buffers and then wait on a latch. The direct memory in use while
     * they all live (after GC, so what was dropped is gone) must not grow with them. Broke on the
     * merged code: {@code Messages.Buffers} (msghdr, iovec array, name and control buffers, about
     * 1 KB of native memory from an automatic arena) is a ThreadLocal of every thread, virtual
     * ones included, kept for the thread's life.
     */
    @Test
    void gatherWritesOnThousandsOfVirtualThreadsKeepNoNativeMemoryPerThread() throws Exception {
        int n = 2_000;
        java.lang.management.BufferPoolMXBean direct = java.lang.management.ManagementFactory
                .getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.first().setOption(NativeOptions.SO_SNDBUF, 1 << 20);
            CountDownLatch wrote = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            System.gc();
            Thread.sleep(200);
            long before = direct.getMemoryUsed();
            for (int i = 0; i < n; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        p.first().writev(ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2}));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    } finally {
                        wrote.countDown();
                    }
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            try {
                assertTrue(wrote.await(60, TimeUnit.SECONDS));
                System.gc();
                Thread.sleep(200);
                long grown = direct.getMemoryUsed() - before;
                assertTrue(grown < 512 * 1024, grown + " bytes of direct memory held by " + n + " parked virtual threads after one writev each");
            } finally {
                go.countDown();
                for (Thread t : threads) {
                    t.join();
                }
            }
        }
    }

    // ---- 9. a receive timeout under one microsecond ----

    /**
     * SO_RCVTIMEO of 1 ns (or 999 ns): a positive timeout. A struct timeval holds microseconds, and
     * {tv_sec 0, tv_usec 0} means "no timeout" to the kernel. Broke on the merged code: the value
     * was truncated to 0 us, so a recv with a 1 ns timeout blocked forever (platform and virtual
     * thread alike) and getOption read back ZERO. By WaitTimeout's rule it is rounded up.
     */
    @Test
    void aSubMicrosecondReceiveTimeoutTimesOutInsteadOfBlockingForever() throws Exception {
        for (Duration tiny : new Duration[] {Duration.ofNanos(1), Duration.ofNanos(999), Duration.ofSeconds(1, -1)}) {
            try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
                p.first().setOption(NativeOptions.SO_RCVTIMEO, tiny);
                Duration back = p.first().getOption(NativeOptions.SO_RCVTIMEO);
                assertTrue(back.compareTo(tiny) >= 0, "set " + tiny + ", kernel has " + back);
                for (boolean onVirtual : new boolean[] {false, true}) {
                    CompletableFuture<Throwable> f = new CompletableFuture<>();
                    Runnable body = () -> {
                        try {
                            p.first().recv(new byte[4]);
                            f.complete(null);
                        } catch (Throwable t) {
                            f.complete(t);
                        }
                    };
                    Thread t = onVirtual ? Thread.ofVirtual().start(body) : Thread.ofPlatform().daemon().start(body);
                    Throwable got;
                    try {
                        got = f.get(20, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        p.first().close(); // unblocks the recv so the thread ends
                        t.join(10_000);
                        throw new AssertionError("recv under SO_RCVTIMEO " + tiny + " (kernel: " + back + ") never timed out", e);
                    }
                    assertTrue(got instanceof java.net.SocketTimeoutException, "expected a timeout, got " + got);
                }
            }
        }
        // the top end of the rounding: no overflow, still "forever" by the kernel's saturation
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.first().setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));
            p.second().send(new byte[] {5});
            assertEquals(1, virtual(() -> p.first().recv(new byte[4])).get(30, TimeUnit.SECONDS));
        }
    }

    // ---- 10. shutdown by another thread while a virtual thread is parked ----

    /**
     * A thread blocked in send on a full socket is woken by another thread's
     * {@code shutdown(SHUT_WR)} and fails with EPIPE; a reader blocked in recv is woken by
     * {@code shutdown(SHUT_RD)} and gets 0. A virtual thread's parked call must behave the same
     * ("semantics unchanged"). On a Unix stream socket the shutdown makes the socket neither
     * writable nor hung up while the buffer stays full, so no edge reaches the poller.
     */
    @Test
    void aShutdownWakesAParkedCallAsItWakesABlockedOne() throws Exception {
        for (Domain domain : new Domain[] {Domain.UNIX, Domain.INET}) {
            for (boolean onVirtual : new boolean[] {false, true}) {
                String where = domain + (onVirtual ? " virtual" : " platform");
                try (Socket l = domain == Domain.INET ? Socket.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4) : null) {
                    SocketPair p;
                    if (l == null) {
                        p = Socket.pair(Domain.UNIX, Type.STREAM);
                    } else {
                        Socket c = Socket.open(Domain.INET, Type.STREAM);
                        c.connect(l.localAddress());
                        p = new SocketPair(c, l.accept());
                    }
                    try (p) {
                        Socket s = p.first();
                        Net.fillSendBuffer(s);
                        CompletableFuture<Object> writer = new CompletableFuture<>();
                        CompletableFuture<Object> reader = new CompletableFuture<>();
                        Runnable w = () -> {
                            try {
                                s.sendAll(new byte[1 << 20]);
                                writer.complete("sent");
                            } catch (Throwable t) {
                                writer.complete(t);
                            }
                        };
                        Runnable r = () -> {
                            try {
                                reader.complete(s.recv(new byte[16]));
                            } catch (Throwable t) {
                                reader.complete(t);
                            }
                        };
                        Thread tw = onVirtual ? Thread.ofVirtual().start(w) : Thread.ofPlatform().daemon().start(w);
                        Thread tr = onVirtual ? Thread.ofVirtual().start(r) : Thread.ofPlatform().daemon().start(r);
                        Thread.sleep(300);
                        s.shutdown(How.WRITE);
                        Object wr;
                        try {
                            wr = writer.get(15, TimeUnit.SECONDS);
                        } catch (java.util.concurrent.TimeoutException e) {
                            s.close();
                            throw new AssertionError(where + ": a send parked on a full buffer was never woken by shutdown(SHUT_WR)");
                        }
                        assertTrue(wr instanceof IOException, where + ": send after shutdown(SHUT_WR) ended with " + wr);
                        s.shutdown(How.READ);
                        Object rd;
                        try {
                            rd = reader.get(15, TimeUnit.SECONDS);
                        } catch (java.util.concurrent.TimeoutException e) {
                            s.close();
                            throw new AssertionError(where + ": a recv was never woken by shutdown(SHUT_RD)");
                        }
                        assertEquals(0, rd, where + ": recv after shutdown(SHUT_RD)");
                        tw.join(5000);
                        tr.join(5000);
                    }
                }
            }
        }
    }
}
