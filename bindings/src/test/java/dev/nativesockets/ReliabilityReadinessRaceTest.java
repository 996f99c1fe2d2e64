package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Registrations made, cancelled and closed by four threads while a fifth waits: the waiter must
 * never be handed a registration for an event that was not its own. Each round of a churn thread
 * registers a "loud" socket (readable: data queued) and a "quiet" one (never readable: nothing is
 * ever sent to it, its peer stays open), then cancels or closes the loud one — whose slot and
 * descriptor number the next registrations reuse at once. A quiet registration handed over means a
 * loud one's event reached a successor.
 */
@Tag("reliability")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReliabilityReadinessRaceTest {
    private static final int THREADS = 4;
    private static final int ROUNDS = Integer.getInteger("reliability.rounds", 1000) * 2;

    @Test
    void noEventReachesARegistrationThatIsNotItsOwner() throws Exception {
        var before = ReliabilityTestSupport.descriptorTable();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicLong loudEvents = new AtomicLong();
        try (Readiness loop = Readiness.open(16)) {
            Net.Blocked waiter = Net.Blocked.start("waiter", () -> {
                while (loop.isOpen()) {
                    try {
                        loop.await(Duration.ofMillis(20), (r, ops) -> {
                            if ("quiet".equals(r.attachment())) {
                                violations.add("quiet registration handed over: " + r + " ops " + ops);
                            } else {
                                loudEvents.incrementAndGet();
                            }
                        });
                    } catch (ReadinessClosedException | IllegalStateException closed) {
                        return null;
                    }
                }
                return null;
            });
            List<Net.Blocked> churners = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int seed = t;
                churners.add(Net.Blocked.start("churn-" + t, () -> {
                    for (int i = 0; i < ROUNDS; i++) {
                        try (SocketPair loud = Socket.pair(Domain.UNIX, Type.STREAM);
                                SocketPair quiet = Socket.pair(Domain.UNIX, Type.STREAM)) {
                            loud.first().send(new byte[] {1});
                            Registration rl = loop.register(loud.second(), Readiness.READ, "loud");
                            Registration rq = loop.register(quiet.second(), Readiness.READ, "quiet");
                            if ((i + seed) % 2 == 0) {
                                rl.cancel();
                            } else {
                                loud.second().close();
                            }
                            rq.cancel();
                        } catch (IOException e) {
                            violations.add("churn failed: " + e);
                        }
                    }
                    return null;
                }));
            }
            for (Net.Blocked c : churners) {
                c.join(100_000);
                assertTrue(c.error == null, "churn thread failed: " + c.error);
            }
            assertEquals(0, loop.size(), "every registration ended");
            loop.close();
            waiter.join(10_000);
            assertTrue(waiter.error == null, "waiter failed: " + waiter.error);
        }
        System.out.println("ReliabilityReadinessRaceTest: " + THREADS * ROUNDS + " rounds, " + loudEvents.get()
                + " loud events handed over, " + violations.size() + " violations");
        assertEquals(List.of(), List.copyOf(violations));
        ReliabilityTestSupport.assertAllClosedSince(before, "no descriptor leaked");
    }
}
