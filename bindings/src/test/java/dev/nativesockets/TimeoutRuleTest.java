package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.linux.ZeroCopy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The one timeout rule (issue 25, {@code WaitTimeout}): in every API taking a {@link Duration}, a
 * negative timeout is refused with {@link IllegalArgumentException} before any system call, and a
 * huge one (100 years or more, up to {@code Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)}) waits
 * forever — no overflow, no refusal, no wait cut short.
 */
class TimeoutRuleTest {
    private static final Duration[] HUGE = {
        Duration.ofMillis(Integer.MAX_VALUE + 1L), Duration.ofDays(36_525), Duration.ofSeconds(Long.MAX_VALUE),
        Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)};
    private static final Duration NEGATIVE = Duration.ofNanos(-1);

    @Test
    void readinessWaitsOutAHugeTimeoutUntilWokenOrReady() throws Exception {
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            loop.register(p.first(), Readiness.READ, null);
            for (Duration d : HUGE) {
                CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> {
                    try {
                        return loop.await(d, (r, ops) -> { });
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(50);
                assertTrue(!waiter.isDone(), d + ": still waiting, neither refused nor timed out at once");
                loop.wakeup();
                assertEquals(0, waiter.get(10, TimeUnit.SECONDS), d + ": the wake-up ends it");
            }
            p.second().send(new byte[] {1});
            AtomicInteger handed = new AtomicInteger();
            assertEquals(1, loop.await(Duration.ofSeconds(Long.MAX_VALUE), (r, ops) -> handed.incrementAndGet()));
            assertThrows(IllegalArgumentException.class, () -> loop.await(NEGATIVE, (r, ops) -> { }));
        }
    }

    @Test
    void epollTakesAHugeTimeout() throws Exception {
        Privilege.requireLinux("epoll");
        try (Epoll e = Epoll.open(4); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            e.add(p.first(), Epoll.IN, 5);
            p.second().send(new byte[] {1});
            for (Duration d : HUGE) {
                assertEquals(1, e.await(d), d.toString());
            }
            assertThrows(IllegalArgumentException.class, () -> e.await(NEGATIVE));
        }
    }

    @Test
    void pollerSelectAndRecvMmsgTakeAHugeTimeout() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.second().send(new byte[] {1});
            Poller poller = new Poller();
            poller.add(p.first(), Poller.IN);
            for (Duration d : HUGE) {
                assertEquals(1, poller.poll(d), d.toString());
                assertEquals(1, Select.select(new ArrayList<>(List.of(p.first())), null, null, d), d.toString());
            }
            assertThrows(IllegalArgumentException.class, () -> poller.poll(NEGATIVE));
            assertThrows(IllegalArgumentException.class, () -> Select.select(new ArrayList<>(List.of(p.first())), null, null, NEGATIVE));
        }
    }

    @Test
    void zeroCopyAwaitTakesAHugeTimeoutAndRefusesANegativeOne() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            ZeroCopy zc = Privilege.enableZeroCopy(c.client());
            ZeroCopy.Buffer b = zc.allocate(1024);
            assertTrue(zc.send(b, 0, 1024) > 0);
            assertTrue(zc.awaitCompletions(Duration.ofSeconds(Long.MAX_VALUE)), "was: ArithmeticException (long overflow)");
            assertTrue(zc.awaitCompletions(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
            assertThrows(IllegalArgumentException.class, () -> zc.awaitCompletions(NEGATIVE), "was: accepted silently");
            assertEquals(1024, Net.readN(c.server(), 1024).length);
        }
    }
}
