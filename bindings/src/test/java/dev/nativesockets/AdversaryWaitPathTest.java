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
}
