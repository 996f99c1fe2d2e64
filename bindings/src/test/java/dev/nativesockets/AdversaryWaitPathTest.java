package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Adversary of the one wait path (SocketWait.mode/retry/failed), the per-call message leases and
 * the Socket split, over real sockets.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdversaryWaitPathTest {

    private static <T> CompletableFuture<T> virtual(java.util.concurrent.Callable<T> body) {
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

    private static Throwable cause(CompletableFuture<?> f) throws Exception {
        try {
            f.get(60, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

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
}
