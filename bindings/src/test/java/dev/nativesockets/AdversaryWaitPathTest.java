package dev.nativesockets;

import static dev.nativesockets.AdversaryRound3Test.cause;
import static dev.nativesockets.AdversaryRound3Test.virtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Adversary of the one wait path (SocketWait.mode/retry/failed), the per-call message leases and
 * the Socket split, over real sockets.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdversaryWaitPathTest {

    /**
     * A platform thread's blocking accept under SO_RCVTIMEO, already blocked in the kernel when a
     * virtual thread's accept sets O_NONBLOCK for its span: the kernel times the platform accept
     * out after SO_RCVTIMEO, and that EAGAIN must be the timeout — not taken for the span's
     * would-block and waited out in poll(2) for a second full SO_RCVTIMEO.
     */
    @Test
    void aPlatformAcceptTimesOutOnceWhenAVirtualAcceptSpanStartsMeanwhile() throws Exception {
        try (Socket listener = Socket.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8)) {
            Duration timeout = Duration.ofMillis(1500);
            listener.setOption(NativeOptions.SO_RCVTIMEO, timeout);
            CompletableFuture<Long> platform = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                long start = System.nanoTime();
                try {
                    listener.accept();
                    platform.completeExceptionally(new AssertionError("accepted a connection nobody made"));
                } catch (Throwable e) {
                    if (e instanceof SocketTimeoutException) {
                        platform.complete(System.nanoTime() - start);
                    } else {
                        platform.completeExceptionally(e);
                    }
                }
            });
            Thread.sleep(300); // the platform accept is in the kernel, blocking
            CompletableFuture<Socket> v = virtual(listener::accept); // its span sets O_NONBLOCK
            long took = platform.get(60, TimeUnit.SECONDS);
            t.join();
            assertTrue(cause(v) instanceof SocketTimeoutException, "the virtual accept times out too");
            assertTrue(took < timeout.toNanos() * 8 / 5,
                    "accept under SO_RCVTIMEO " + timeout + " took " + Duration.ofNanos(took) + ": the timeout was honoured twice");
        }
    }

    /**
     * A platform thread's blocking accept that meets a virtual accept's O_NONBLOCK span waits in
     * poll(2) (no timeout set); close() from a third thread must end that wait as it ends a
     * kernel-blocked accept, for a TCP and a Unix listener alike.
     */
    @Test
    void closeEndsAPlatformAcceptWaitingInPollDuringAVirtualSpan() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("adv3");
        try {
            for (java.net.SocketAddress at : new java.net.SocketAddress[] {
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    java.net.UnixDomainSocketAddress.of(dir.resolve("l.sock"))}) {
                Socket listener = Socket.listen(at, 8);
                CompletableFuture<Socket> v = virtual(listener::accept); // parks, O_NONBLOCK for its span
                Thread.sleep(200);
                CompletableFuture<Socket> p = new CompletableFuture<>();
                Thread t = Thread.ofPlatform().start(() -> {
                    try {
                        p.complete(listener.accept());
                    } catch (Throwable e) {
                        p.completeExceptionally(e);
                    }
                });
                Thread.sleep(300); // met the span: in poll(2)
                listener.close();
                Throwable pc = cause(p);
                t.join();
                assertTrue(pc instanceof SocketClosedException, at + ": platform accept ended with " + pc);
                assertTrue(cause(v) instanceof SocketClosedException, at + ": virtual accept");
            }
        } finally {
            java.nio.file.Files.deleteIfExists(dir.resolve("l.sock"));
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    /**
     * An unconnected Unix datagram sendto(2) to a receiver whose queue is full of another sender's
     * datagrams: a blocking one waits in the kernel on the receiver and goes out once the receiver
     * reads. The sender's own descriptor never changes state (it is always writable; the kernel
     * wakes no one on it), so a virtual thread's sendto must not park on its readiness alone.
     */
    @Test
    void aVirtualUnconnectedUnixSendToAFullReceiverGoesOutOnceTheReceiverReads() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("adv3");
        java.net.UnixDomainSocketAddress at = java.net.UnixDomainSocketAddress.of(dir.resolve("r.sock"));
        try (Socket r = Socket.open(Domain.UNIX, Type.DGRAM);
             Socket filler = Socket.open(Domain.UNIX, Type.DGRAM);
             Socket s = Socket.open(Domain.UNIX, Type.DGRAM)) {
            r.bind(at);
            byte[] one = new byte[16];
            int queued = 0;
            while (filler.sendTo(one, MsgFlags.DONTWAIT, at) != Socket.WOULD_BLOCK) {
                queued++;
            }
            assertTrue(queued > 0);
            for (boolean onVirtual : new boolean[] {false, true}) {
                CompletableFuture<Integer> sent = new CompletableFuture<>();
                Runnable send = () -> {
                    try {
                        sent.complete(s.sendTo(new byte[] {(byte) (onVirtual ? 2 : 1)}, at));
                    } catch (Throwable e) {
                        sent.completeExceptionally(e);
                    }
                };
                Thread t = onVirtual ? Thread.ofVirtual().start(send) : Thread.ofPlatform().start(send);
                Thread.sleep(300);
                assertTrue(!sent.isDone(), "the send waits while the receiver is full: " + sent);
                byte[] in = new byte[64];
                for (int i = 0; i < queued; i++) {
                    r.recv(in); // the receiver drains the filler's datagrams
                }
                try {
                    assertEquals(1, sent.get(10, TimeUnit.SECONDS), (onVirtual ? "virtual" : "platform") + " sendto");
                } catch (java.util.concurrent.TimeoutException e) {
                    r.close(); // ends the wait: a failed cell must not hang the class
                    throw new AssertionError((onVirtual ? "virtual" : "platform")
                            + " thread's sendto still waits 10 s after the receiver drained its queue");
                }
                t.join();
                assertEquals(1, r.recv(in));
                assertEquals(onVirtual ? 2 : 1, in[0]);
                for (queued = 0; filler.sendTo(one, MsgFlags.DONTWAIT, at) != Socket.WOULD_BLOCK; ) {
                    queued++;
                }
            }
        } finally {
            java.nio.file.Files.deleteIfExists(dir.resolve("r.sock"));
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    /**
     * recv with MSG_WAITALL on a stream socket waits until the whole buffer is filled (MsgFlags.WAITALL),
     * on a virtual thread as on a platform thread: the virtual thread's attempts carry
     * MSG_DONTWAIT, with which the kernel returns whatever is there, so the library must go on
     * waiting for the rest. byte[] and segment forms.
     */
    @Test
    void aVirtualRecvWithWaitAllFillsTheWholeBuffer() throws Exception {
        for (boolean onVirtual : new boolean[] {false, true}) {
            for (boolean heap : new boolean[] {true, false}) {
                try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
                    CompletableFuture<Integer> got = new CompletableFuture<>();
                    byte[] in = new byte[8];
                    Runnable recv = () -> {
                        try {
                            if (heap) {
                                got.complete(p.second().recv(in, 0, 8, MsgFlags.WAITALL));
                            } else {
                                java.lang.foreign.MemorySegment seg = java.lang.foreign.Arena.ofAuto().allocate(8);
                                int n = p.second().recv(seg, MsgFlags.WAITALL);
                                java.lang.foreign.MemorySegment.copy(seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, in, 0, 8);
                                got.complete(n);
                            }
                        } catch (Throwable e) {
                            got.completeExceptionally(e);
                        }
                    };
                    Thread t = onVirtual ? Thread.ofVirtual().start(recv) : Thread.ofPlatform().start(recv);
                    p.first().send(new byte[] {1, 2, 3, 4});
                    Thread.sleep(200);
                    p.first().send(new byte[] {5, 6, 7, 8});
                    String where = (onVirtual ? "virtual" : "platform") + (heap ? " byte[]" : " segment");
                    assertEquals(8, got.get(30, TimeUnit.SECONDS), where + " recv(MSG_WAITALL) returned short");
                    t.join();
                    org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, in, where);
                }
            }
        }
    }

    /** MSG_WAITALL under SO_RCVTIMEO: the kernel returns the part that came when the timeout ends; so must a virtual thread. */
    @Test
    void aWaitAllRecvThatTimesOutAfterSomeDataReturnsThatData() throws Exception {
        for (boolean onVirtual : new boolean[] {false, true}) {
            try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
                p.second().setOption(NativeOptions.SO_RCVTIMEO, Duration.ofMillis(300));
                p.first().send(new byte[] {1, 2, 3});
                CompletableFuture<Integer> got = new CompletableFuture<>();
                Runnable recv = () -> {
                    try {
                        got.complete(p.second().recv(new byte[8], 0, 8, MsgFlags.WAITALL));
                    } catch (Throwable e) {
                        got.completeExceptionally(e);
                    }
                };
                Thread t = onVirtual ? Thread.ofVirtual().start(recv) : Thread.ofPlatform().start(recv);
                assertEquals(3, got.get(30, TimeUnit.SECONDS), onVirtual ? "virtual" : "platform");
                t.join();
                // and with nothing at all, the timeout
                CompletableFuture<Integer> none = onVirtual ? virtual(() -> p.second().recv(new byte[8], 0, 8, MsgFlags.WAITALL))
                        : CompletableFuture.supplyAsync(() -> {
                            try {
                                return p.second().recv(new byte[8], 0, 8, MsgFlags.WAITALL);
                            } catch (java.io.IOException e) {
                                throw new java.util.concurrent.CompletionException(e);
                            }
                        });
                Throwable c = cause(none);
                if (c instanceof java.util.concurrent.CompletionException) {
                    c = c.getCause();
                }
                assertTrue(c instanceof SocketTimeoutException, (onVirtual ? "virtual" : "platform") + ": " + c);
            }
        }
    }

    /**
     * A virtual thread that owns a confined socket and makes message calls on it (sendMsg,
     * recvMsg, writev, readv) must keep no leased scratch once the calls are over: the owner's
     * calls are not counted by the handle, so a lease taken for them is never given back by a
     * call's end, and each such thread would keep a pooled scratch for its life.
     */
    @Test
    void aVirtualOwnerOfAConfinedSocketKeepsNoScratchAfterMessageCalls() throws Exception {
        int n = 400;
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(n);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.Queue<Throwable> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
        long before = ScratchPool.created();
        try {
            for (int i = 0; i < n; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    SocketPair p = null;
                    try {
                        p = Socket.pair(Domain.UNIX, Type.DGRAM);
                        Socket a = p.first().confine();
                        Socket b = p.second().confine();
                        java.lang.foreign.MemorySegment m = java.lang.foreign.Arena.ofAuto().allocate(8);
                        a.sendMsg(Message.of(m));
                        b.recvMsg(Message.of(m));
                        a.writev(new java.lang.foreign.MemorySegment[] {m});
                        b.readv(new java.lang.foreign.MemorySegment[] {m});
                    } catch (Throwable e) {
                        errors.add(e);
                    } finally {
                        done.countDown();
                    }
                    try {
                        go.await(); // alive, its sockets open: a lease it kept would stay out of the pool
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        if (p != null) {
                            p.close();
                        }
                    }
                }));
            }
            assertTrue(done.await(60, TimeUnit.SECONDS));
            assertTrue(errors.isEmpty(), () -> "failed: " + errors.peek());
            long made = ScratchPool.created() - before;
            assertTrue(made < n / 4, made + " leased scratches made for " + n + " virtual threads that each made four message calls on their own confined sockets");
        } finally {
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    /**
     * sendAll on a platform thread while another thread switches the socket to non-blocking
     * mode (a send cut short by SO_SNDTIMEO hands over to it): the loop's next send reports would-block (-1), which was added to the offset, so the
     * loop went backwards and sent bytes again — the peer received duplicated data. Now sendAll
     * refuses to go on (IllegalStateException naming how much went out), and what the peer got
     * is exactly a prefix of what was passed, for the segment and the byte[] forms.
     */
    @Test
    void sendAllNeverSendsABackwardOffsetWhenTheSocketTurnsNonBlockingMidCall() throws Exception {
        for (boolean segment : new boolean[] {true, false}) {
            // TCP: its blocking send counts SO_SNDTIMEO over the whole call and then returns
            // short (a Unix stream send restarts the timeout per buffer it waits for)
            Socket out;
            Socket in;
            try (Socket l = Socket.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1)) {
                out = Socket.open(Domain.INET, Type.STREAM);
                out.connect(l.localAddress());
                in = l.accept();
            }
            try (SocketPair p = new SocketPair(out, in)) {
                out.setOption(NativeOptions.SO_SNDBUF, 4096);
                // a blocking stream send returns short only at SO_SNDTIMEO (or a signal): the
                // short return hands the loop on to a send that finds the socket non-blocking
                out.setOption(NativeOptions.SO_SNDTIMEO, Duration.ofMillis(200));
                byte[] data = new byte[1 << 20];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (i * 31 + (i >>> 8));
                }
                CompletableFuture<Throwable> sender = new CompletableFuture<>();
                Thread t = Thread.ofPlatform().start(() -> {
                    try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
                        if (segment) {
                            java.lang.foreign.MemorySegment m = a.allocate(data.length);
                            java.lang.foreign.MemorySegment.copy(data, 0, m, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, data.length);
                            out.sendAll(m);
                        } else {
                            out.sendAll(data);
                        }
                        sender.complete(null);
                    } catch (Throwable e) {
                        sender.complete(e);
                    }
                });
                java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
                in.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofMillis(300));
                Thread drain = Thread.ofPlatform().start(() -> {
                    byte[] chunk = new byte[512];
                    try {
                        for (;;) { // slowly, so that sends keep both making progress and filling the buffer
                            int n;
                            try {
                                n = in.recv(chunk);
                            } catch (SocketTimeoutException idle) {
                                if (sender.isDone()) {
                                    return;
                                }
                                continue;
                            }
                            if (n <= 0) {
                                return;
                            }
                            got.write(chunk, 0, n);
                            Thread.sleep(1);
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(300); // the sender's blocking sends are cut short by SO_SNDTIMEO meanwhile
                out.setBlocking(false);
                drain.join();
                t.join();
                byte[] received = got.toByteArray();
                assertTrue(received.length <= data.length, (segment ? "segment" : "byte[]") + ": " + received.length + " bytes for " + data.length + " sent");
                for (int i = 0; i < received.length; i++) {
                    if (received[i] != data[i]) {
                        throw new AssertionError((segment ? "segment" : "byte[]") + ": byte " + i + " of " + received.length
                                + " received is not the byte sent there: sendAll sent some bytes twice");
                    }
                }
                Throwable e = sender.get();
                if (received.length < data.length) {
                    assertTrue(e instanceof IllegalStateException || e instanceof SocketTimeoutException,
                            "sendAll stopped short without saying so: " + e);
                }
            }
        }
    }
}
