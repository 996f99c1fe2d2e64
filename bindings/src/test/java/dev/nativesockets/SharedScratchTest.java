package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A shared socket remembers the first calling thread's scratch (its errno segment and option
 * buffers): that thread's calls skip the ThreadLocal lookup. Every other thread must still get
 * its own temporaries, or two threads' option values and errno would cross.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SharedScratchTest {
    private static final int ROUNDS = 20_000;
    /** Not a SOL_SOCKET option on any platform: getsockopt fails with ENOPROTOOPT. */
    private static final int NO_SUCH_OPTION = 0x7ff0;

    @Test
    void theFirstUserAndAnotherThreadNeverShareTemporaries() throws Exception {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            s.setIntOption(Constants.SOL_SOCKET, Constants.SO_RCVBUF, 64 * 1024);
            s.setIntOption(Constants.SOL_SOCKET, Constants.SO_SNDBUF, 32 * 1024);
            int rcvbuf = s.getIntOption(Constants.SOL_SOCKET, Constants.SO_RCVBUF);
            int sndbuf = s.getIntOption(Constants.SOL_SOCKET, Constants.SO_SNDBUF);
            assertNotEquals(rcvbuf, sndbuf);
            CountDownLatch go = new CountDownLatch(1);
            // the test thread made the first calls: it is the remembered user, the other is not
            CompletableFuture<Integer> other = Net.async("other", () -> {
                go.await();
                for (int i = 0; i < ROUNDS; i++) {
                    assertEquals(sndbuf, s.getIntOption(Constants.SOL_SOCKET, Constants.SO_SNDBUF));
                    IOException e = assertThrows(IOException.class,
                            () -> s.getIntOption(Constants.SOL_SOCKET, NO_SUCH_OPTION));
                    assertEquals(Constants.ENOPROTOOPT, ((ErrnoException) e).errno());
                }
                return ROUNDS;
            });
            go.countDown();
            for (int i = 0; i < ROUNDS; i++) {
                assertEquals(rcvbuf, s.getIntOption(Constants.SOL_SOCKET, Constants.SO_RCVBUF));
            }
            assertEquals(ROUNDS, other.get(50, TimeUnit.SECONDS));
        }
    }

    @Test
    void aFirstCallerIsRefusedOnceAnotherThreadConfinesTheSocket() throws Exception {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            CountDownLatch called = new CountDownLatch(1);
            CountDownLatch confined = new CountDownLatch(1);
            CompletableFuture<Throwable> first = Net.async("first", () -> {
                s.getIntOption(Constants.SOL_SOCKET, Constants.SO_TYPE); // claims the socket's fast path
                called.countDown();
                confined.await();
                try {
                    s.recv(new byte[16]);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            assertTrue(called.await(10, TimeUnit.SECONDS));
            s.confine();
            confined.countDown();
            Throwable t = first.get(10, TimeUnit.SECONDS);
            assertInstanceOf(WrongThreadException.class, t);
            assertEquals(Constants.SOCK_STREAM, s.getIntOption(Constants.SOL_SOCKET, Constants.SO_TYPE));
        }
    }

    @Test
    void aSocketOutlivesItsFirstUser() throws Exception {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            int first = Net.async("first", () -> s.getIntOption(Constants.SOL_SOCKET, Constants.SO_TYPE))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(Constants.SOCK_STREAM, first);
            // that thread is gone; this one gets its own temporaries and the right answers
            assertEquals(Constants.SOCK_STREAM, s.getIntOption(Constants.SOL_SOCKET, Constants.SO_TYPE));
            IOException e = assertThrows(IOException.class, () -> s.getIntOption(Constants.SOL_SOCKET, NO_SUCH_OPTION));
            assertEquals("ENOPROTOOPT", ((ErrnoException) e).errnoName());
        }
    }
}
