package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Blocking-mode calls on virtual threads park instead of holding a carrier (issue 17). The proof
 * that nothing is pinned: more virtual threads blocked in calls than the scheduler has carriers,
 * and others still run — here with the default scheduler; {@link VirtualThreadScaleTest} does it
 * with one carrier and 10,000 connections. Timeouts, close, interrupts and the descriptor's
 * blocking mode as others see it are checked over real sockets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtualThreadTest {
    private static final int MORE_THAN_CARRIERS = Runtime.getRuntime().availableProcessors() * 8 + 8;

    /** A virtual thread running a body, and the body's result. */
    record Started<T>(Thread thread, CompletableFuture<T> result) {}

    /** Runs {@code body} on a new virtual thread. */
    private static <T> Started<T> start(Net.Body<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                f.complete(body.run());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return new Started<>(t, f);
    }

    /** Runs {@code body} on a new virtual thread; the future completes with its result. */
    private static <T> CompletableFuture<T> virtual(Net.Body<T> body) {
        return start(body).result();
    }

    /** Waits until every thread is parked in the library (WAITING in VirtualWait.await). */
    private static void awaitParked(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (Thread t : threads) {
            while (!(t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)
                    || Arrays.stream(t.getStackTrace()).noneMatch(e -> e.getClassName().equals(VirtualWait.class.getName()))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(t + " never parked: " + Arrays.toString(t.getStackTrace()));
                }
                Thread.sleep(2);
            }
        }
    }

    private static boolean fdNonBlocking(Socket s) {
        return (ReliabilityTestSupport.fcntlFlags(s.fd()) & Constants.O_NONBLOCK) != 0;
    }

    /**
     * Issue 23: a virtual thread that parks in the middle of a call gives its leased scratch back
     * and fetches its temporaries anew after the park. Hundreds of threads parked in
     * {@code recvFrom} at once (more than the pool keeps), then woken by datagrams from distinct
     * senders: each sees its own sender's address and bytes, in the array range it asked for, and
     * the scratches made meanwhile follow the carriers, not the parked threads.
     */
    @Test
    void threadsParkedMidCallKeepTheirOwnTemporariesAndHoldNoScratch() throws Exception {
        int n = 300;
        List<Socket> receivers = new ArrayList<>();
        List<Socket> senders = new ArrayList<>();
        List<Started<String>> started = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Socket r = Socket.open(Domain.INET, Type.DGRAM);
                r.bind(new InetSocketAddress("127.0.0.1", 0));
                receivers.add(r);
                Socket snd = Socket.open(Domain.INET, Type.DGRAM);
                snd.bind(new InetSocketAddress("127.0.0.1", 0));
                senders.add(snd);
            }
            long createdBefore = ScratchPool.created();
            for (int i = 0; i < n; i++) {
                Socket r = receivers.get(i);
                started.add(start(() -> {
                    byte[] b = new byte[32];
                    Arrays.fill(b, (byte) -1);
                    Received got = r.recvFrom(b, 4, 16, 0);
                    for (int k = 0; k < 4; k++) {
                        assertEquals((byte) -1, b[k], "byte before the range written");
                    }
                    for (int k = 4 + got.length(); k < b.length; k++) {
                        assertEquals((byte) -1, b[k], "byte after the received length written");
                    }
                    return got.source() + "|" + new String(b, 4, got.length());
                }));
            }
            awaitParked(started.stream().map(Started::thread).toList());
            long createdWhileParked = ScratchPool.created() - createdBefore;
            for (int i = n - 1; i >= 0; i--) { // in reverse: wake-ups in another order than the parks
                senders.get(i).sendTo(("datagram " + i).getBytes(), receivers.get(i).localAddress());
            }
            for (int i = 0; i < n; i++) {
                String r = started.get(i).result().get(20, TimeUnit.SECONDS);
                assertEquals(senders.get(i).localAddress() + "|datagram " + i, r, "thread " + i);
            }
            assertTrue(createdWhileParked < 64, createdWhileParked + " scratches made for " + n + " parked threads");
        } finally {
            receivers.forEach(Socket::close);
            senders.forEach(Socket::close);
        }
    }

    /** The offset/length forms on a virtual thread (where the array reaches the kernel in place) and a platform one. */
    @Test
    void offsetLengthFormsSendAndReceiveExactlyTheirRange() throws Exception {
        for (boolean virtual : new boolean[] {true, false}) {
            SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
            try (Socket a = p.first(); Socket b = p.second()) {
                Net.Body<byte[]> body = () -> {
                    byte[] out = "xxhello worldyy".getBytes();
                    a.sendAll(out, 2, 11);
                    assertEquals(1, a.send(out, 13, 1));
                    byte[] in = new byte[20];
                    Arrays.fill(in, (byte) '.');
                    int got = 0;
                    while (got < 12) {
                        got += b.recv(in, 3 + got, 12 - got);
                    }
                    return in;
                };
                byte[] in = virtual ? virtual(body).get(20, TimeUnit.SECONDS) : body.run();
                assertEquals("...hello worldy.....", new String(in), virtual ? "virtual" : "platform");
            }
        }
    }

    @Test
    void blockedReceivesLeaveTheCarriersFree() throws Exception {
        List<SocketPair> pairs = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        List<CompletableFuture<byte[]>> got = new ArrayList<>();
        try {
            for (int i = 0; i < MORE_THAN_CARRIERS; i++) {
                SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                pairs.add(p);
                Started<byte[]> r = start(() -> p.second().read(16));
                got.add(r.result());
                readers.add(r.thread());
            }
            awaitParked(readers);
            // every carrier would be held by now if the receives blocked in the kernel
            String echoed = virtual(() -> {
                try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
                    p.first().send("ping".getBytes());
                    return new String(p.second().read(4));
                }
            }).get(20, TimeUnit.SECONDS);
            assertEquals("ping", echoed);
            for (int i = 0; i < pairs.size(); i++) {
                pairs.get(i).first().send(("m" + i).getBytes());
            }
            for (int i = 0; i < pairs.size(); i++) {
                assertEquals("m" + i, new String(got.get(i).get(20, TimeUnit.SECONDS)));
                assertTrue(pairs.get(i).second().isBlocking(), "isBlocking() is what the user set");
                assertFalse(fdNonBlocking(pairs.get(i).second()), "the descriptor was left O_NONBLOCK");
            }
        } finally {
            pairs.forEach(SocketPair::close);
        }
    }

    @Test
    void acceptAndConnectPark() throws Exception {
        try (Socket l = Socket.listen(new InetSocketAddress(Net.LO4, 0), 16)) {
            List<Thread> acceptors = new ArrayList<>();
            List<CompletableFuture<Socket>> accepted = new ArrayList<>();
            for (int i = 0; i < MORE_THAN_CARRIERS; i++) {
                Started<Socket> a = start(l::accept);
                accepted.add(a.result());
                acceptors.add(a.thread());
            }
            awaitParked(acceptors);
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < acceptors.size(); i++) {
                clients.add(virtual(() -> {
                    Socket c = Socket.open(Domain.INET, Type.STREAM);
                    c.connect(l.localAddress(), Duration.ofSeconds(10));
                    return c;
                }).get(20, TimeUnit.SECONDS));
            }
            for (CompletableFuture<Socket> f : accepted) {
                Socket a = f.get(20, TimeUnit.SECONDS);
                assertTrue(a.isBlocking());
                a.close();
            }
            clients.forEach(Socket::close);
            assertTrue(l.isBlocking());
            assertFalse(fdNonBlocking(l), "the listener was left O_NONBLOCK");
        }
    }

    @Test
    void aPlainConnectParksAndCompletes() throws Exception {
        try (Socket l = Socket.listen(new InetSocketAddress(Net.LO4, 0), 4)) {
            boolean connected = virtual(() -> {
                try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                    boolean ok = c.connect(l.localAddress());
                    assertFalse(fdNonBlocking(c));
                    return ok && c.peerAddress() != null;
                }
            }).get(20, TimeUnit.SECONDS);
            assertTrue(connected);
        }
    }

    @Test
    void everyMessageCallParks() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM)) {
            Arena arena = Arena.ofAuto();
            List<Net.Body<Object>> calls = new ArrayList<>(List.of(
                    () -> p.second().readv(arena.allocate(8)),
                    () -> p.second().recvMsg(Message.of(arena.allocate(8))),
                    () -> p.second().recvFrom(arena.allocate(8), 0).length(),
                    () -> p.second().recv(arena.allocate(8), 0)));
            if (Net.LINUX) {
                calls.add(() -> p.second().recvMmsg(List.of(Message.of(arena.allocate(8))), 0, null));
                calls.add(() -> p.second().recvMmsg(MessageBatch.allocate(1, 8, 0), 1, 0, null));
            }
            for (Net.Body<Object> call : calls) {
                Started<Object> started = start(call);
                CompletableFuture<Object> f = started.result();
                Thread t = started.thread();
                awaitParked(List.of(t));
                p.first().send("x".getBytes());
                assertEquals(1L, ((Number) f.get(20, TimeUnit.SECONDS)).longValue());
            }
        }
    }

    @Test
    void sendsParkOnAFullBuffer() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Socket w = p.first();
            w.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4096);
            byte[] chunk = new byte[4096];
            while (w.send(chunk, MsgFlags.DONTWAIT) != Socket.WOULD_BLOCK) {
                // fill it
            }
            Arena arena = Arena.ofAuto();
            List<Net.Body<Object>> calls = List.of(
                    () -> w.send(new byte[8192]),
                    () -> w.writev(arena.allocate(8192)),
                    () -> w.sendMsg(Message.of(arena.allocate(8192))));
            for (Net.Body<Object> call : calls) {
                Started<Object> started = start(call);
                CompletableFuture<Object> f = started.result();
                Thread t = started.thread();
                awaitParked(List.of(t));
                byte[] sink = new byte[1 << 16];
                while (!f.isDone()) {
                    p.second().recv(sink, MsgFlags.DONTWAIT);
                    Thread.sleep(1);
                }
                assertTrue(((Number) f.get()).longValue() > 0);
                while (p.second().recv(sink, MsgFlags.DONTWAIT) > 0) {
                    // drain
                }
                while (w.send(chunk, MsgFlags.DONTWAIT) != Socket.WOULD_BLOCK) {
                    // fill again
                }
            }
        }
    }

    @Test
    void receiveTimeoutKeepsItsMeaning() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.second().setOption(NativeOptions.SO_RCVTIMEO, Duration.ofMillis(200));
            // once to load the park and failure code (slow the first time), then timed
            assertInstanceOf(SocketTimeoutException.class, Net.failure(virtual(() -> p.second().read(4)), 20));
            long t0 = System.nanoTime();
            Throwable t = Net.failure(virtual(() -> p.second().read(4)), 20);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertInstanceOf(SocketTimeoutException.class, t);
            // the meaning is the time: not before it (the upper bound is the 20 s above: not forever)
            assertTrue(ms >= 190, "timed out after " + ms + " ms of 200");
            assertEquals(Constants.EAGAIN, p.second().lastError());
        }
    }

    @Test
    void connectTimeoutKeepsItsMeaning() throws Exception {
        // a Unix listener with a full backlog never completes a connect
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ns-vt");
        java.net.UnixDomainSocketAddress path = java.net.UnixDomainSocketAddress.of(dir.resolve("l"));
        try (Socket l = Socket.listen(path, 0)) {
            List<Socket> fill = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket c = Socket.open(Domain.UNIX, Type.STREAM);
                    c.setBlocking(false);
                    fill.add(c);
                    if (!c.connect(path)) {
                        break;
                    }
                }
                long t0 = System.nanoTime();
                Throwable t = Net.failure(virtual(() -> {
                    try (Socket c = Socket.open(Domain.UNIX, Type.STREAM)) {
                        c.connect(path, Duration.ofMillis(200));
                        return c;
                    }
                }), 20);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertInstanceOf(SocketTimeoutException.class, t);
                assertTrue(ms >= 190, "timed out after " + ms + " ms of 200");
            } finally {
                fill.forEach(Socket::close);
            }
        }
    }

    @Test
    void closeWakesAParkedThreadAtOnce() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Started<Object> started = start(() -> p.second().read(4));
            CompletableFuture<Object> f = started.result();
            Thread t = started.thread();
            awaitParked(List.of(t));
            p.second().close();
            assertInstanceOf(SocketClosedException.class, Net.failure(f, 5));
        }
    }

    @Test
    void interruptingAParkedThreadClosesTheSocket() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
            CompletableFuture<Object> f = new CompletableFuture<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    f.complete(p.second().read(4));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                } finally {
                    stillInterrupted.complete(Thread.currentThread().isInterrupted());
                }
            });
            awaitParked(List.of(t));
            t.interrupt();
            Throwable e = Net.failure(f, 5);
            assertInstanceOf(SocketClosedException.class, e);
            assertTrue(e.getMessage().contains("interrupt"), e.getMessage());
            assertTrue(stillInterrupted.get(5, TimeUnit.SECONDS), "the interrupt status was cleared");
            assertTrue(p.second().isClosed(), "the interrupt did not close the socket");
        }
    }

    @Test
    void anInterruptedVirtualThreadStillCompletesACallThatNeedNotWait() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.first().send("abcd".getBytes());
            byte[] got = virtual(() -> {
                Thread.currentThread().interrupt();
                byte[] b = p.second().read(4);
                assertTrue(Thread.interrupted());
                return b;
            }).get(20, TimeUnit.SECONDS);
            assertArrayEquals("abcd".getBytes(), got);
            assertFalse(p.second().isClosed());
        }
    }

    @Test
    void selectPollAndLookupDoNotHoldACarrier() throws Exception {
        List<SocketPair> pairs = new ArrayList<>();
        List<Thread> waiters = new ArrayList<>();
        List<CompletableFuture<Integer>> done = new ArrayList<>();
        try {
            for (int i = 0; i < MORE_THAN_CARRIERS; i++) {
                SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                pairs.add(p);
                CompletableFuture<Integer> f = new CompletableFuture<>();
                done.add(f);
                boolean useSelect = i % 2 == 0;
                waiters.add(Thread.ofVirtual().start(() -> {
                    try {
                        if (useSelect) {
                            f.complete(Select.select(new ArrayList<>(List.of(p.second())), null, null, null));
                        } else {
                            Poller poller = new Poller();
                            poller.add(p.second(), Poller.IN);
                            f.complete(poller.poll(null));
                        }
                    } catch (Throwable e) {
                        f.completeExceptionally(e);
                    }
                }));
            }
            // each waiter is parked waiting for its offloaded wait
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (Thread t : waiters) {
                while (t.getState() != Thread.State.WAITING) {
                    assertTrue(System.nanoTime() < deadline, t + " never parked");
                    Thread.sleep(2);
                }
            }
            List<AddressInfo> found = virtual(() -> AddressInfo.lookup("127.0.0.1", "80")).get(20, TimeUnit.SECONDS);
            assertFalse(found.isEmpty());
            for (SocketPair p : pairs) {
                p.first().send(new byte[1]);
            }
            for (CompletableFuture<Integer> f : done) {
                assertEquals(1, f.get(20, TimeUnit.SECONDS));
            }
        } finally {
            pairs.forEach(SocketPair::close);
        }
    }

    @Test
    void readinessWaitsDoNotHoldACarrier() throws Exception {
        List<SocketPair> pairs = new ArrayList<>();
        List<Readiness> sets = new ArrayList<>();
        List<Started<Integer>> waits = new ArrayList<>();
        try {
            for (int i = 0; i < MORE_THAN_CARRIERS; i++) {
                SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                pairs.add(p);
                Readiness set = Readiness.open(4);
                sets.add(set);
                set.register(p.second(), Readiness.READ, "conn " + i);
                waits.add(start(() -> {
                    int[] seen = new int[1];
                    set.await(null, (r, ops) -> seen[0] += (ops & Readiness.READ) != 0 ? 1 : 0);
                    return seen[0];
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (Started<Integer> w : waits) {
                while (w.thread().getState() != Thread.State.WAITING) {
                    assertTrue(System.nanoTime() < deadline, w.thread() + " never parked");
                    Thread.sleep(2);
                }
            }
            assertEquals("ping", virtual(() -> {
                try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
                    p.first().send("ping".getBytes());
                    return new String(p.second().read(4));
                }
            }).get(20, TimeUnit.SECONDS));
            for (SocketPair p : pairs) {
                p.first().send(new byte[1]);
            }
            for (Started<Integer> w : waits) {
                assertEquals(1, w.result().get(20, TimeUnit.SECONDS), "the handler ran once, on the waiting thread");
            }
        } finally {
            sets.forEach(Readiness::close);
            pairs.forEach(SocketPair::close);
        }
    }

    @Test
    void aPlatformThreadStillBlocksInTheKernel() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Net.Blocked t = Net.Blocked.start("platform-recv", () -> p.second().read(4));
            Net.awaitNative(t, "recv");
            p.first().send("abcd".getBytes());
            t.join(10_000);
            assertNotNull(t.result);
        }
    }
}
