package dev.nativesockets;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a blocking call that cannot park — {@code select(2)}, {@code poll(2)} on many descriptors,
 * {@code getaddrinfo(3)}/{@code getnameinfo(3)}, which may wait seconds on DNS — on a platform
 * thread of the library's own when the caller is a virtual thread, which meanwhile parks waiting
 * for the result instead of pinning its carrier in the kernel. Platform threads call directly.
 *
 * <p>The rule for interrupts is the library's: an interrupt does not stop the call; the caller
 * waits for its result and gets its interrupt status back set.
 */
final class PlatformThreadOffload {
    private PlatformThreadOffload() {}

    interface Call<T, E extends Exception> {
        T call() throws E;
    }

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "nativesockets-offload-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /** Whether the calling thread is virtual, so a blocking call should go through {@link #call}. */
    static boolean applies() {
        return Thread.currentThread().isVirtual();
    }

    /** {@code call} on a platform thread, the caller parked until it is done; its exceptions rethrown as they are. */
    static <T, E extends Exception> T call(Call<T, E> call) throws E {
        Future<T> f = POOL.submit(call::call);
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the call goes on
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    @SuppressWarnings("unchecked")
                    E checked = (E) cause; // only what call() declares can get here
                    throw checked;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
