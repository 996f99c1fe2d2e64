package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The portable readiness set over real socket pairs: interest modes, wake-ups, cancel, close. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadinessTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    /** What one wait handed over. */
    static final class Seen implements ReadyHandler {
        final List<Registration> registrations = new ArrayList<>();
        final List<Integer> ops = new ArrayList<>();

        @Override
        public void ready(Registration r, int readyOps) {
            registrations.add(r);
            ops.add(readyOps);
        }

        void clear() {
            registrations.clear();
            ops.clear();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void opensThePlatformsMechanism() throws IOException {
        try (Readiness loop = Readiness.open()) {
            assertEquals(Net.LINUX ? "epoll" : "kqueue", loop.mechanism());
            assertTrue(loop.isOpen());
            assertEquals(0, loop.size());
        }
    }

    @Test
    void readableSocketIsHandedOverWithItsAttachment() throws IOException {
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Object att = new Object();
            Registration r = loop.register(p.second(), Readiness.READ, att);
            assertEquals(1, loop.size());
            Seen seen = new Seen();
            assertEquals(0, loop.poll(seen), "nothing to read yet");
            p.first().send(bytes("x"));
            assertEquals(1, loop.await(LONG, seen));
            assertSame(r, seen.registrations.get(0));
            assertSame(att, seen.registrations.get(0).attachment());
            assertSame(p.second(), r.socket());
            assertNull(r.fd());
            assertEquals(Readiness.READ, (int) seen.ops.get(0));
            seen.clear();
            assertEquals(1, loop.poll(seen), "level-triggered: unread data is reported again");
            Object other = "other";
            assertSame(att, r.attach(other));
            assertSame(other, r.attachment());
        }
    }

    @Test
    void interestChangesWhatIsReported() throws IOException {
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Registration r = loop.register(p.first(), Readiness.WRITE, null);
            Seen seen = new Seen();
            assertEquals(1, loop.poll(seen));
            assertEquals(Readiness.WRITE, (int) seen.ops.get(0));
            r.interest(Readiness.READ);
            assertEquals(Readiness.READ, r.interest());
            seen.clear();
            assertEquals(0, loop.poll(seen), "no longer watched for writing, nothing to read");
            r.interest(Readiness.READ | Readiness.WRITE);
            p.second().send(bytes("y"));
            seen.clear();
            int n = loop.await(LONG, seen);
            int all = 0;
            for (int ops : seen.ops) {
                all |= ops;
            }
            assertTrue(n >= 1);
            assertEquals(Readiness.READ | Readiness.WRITE, all);
        }
    }

    @Test
    void oneShotIsDisarmedUntilTheInterestIsSetAgain() throws IOException {
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Registration r = loop.register(p.second(), Readiness.READ | Readiness.ONE_SHOT, "a");
            p.first().send(bytes("z"));
            Seen seen = new Seen();
            assertEquals(1, loop.await(LONG, seen));
            assertEquals(0, loop.poll(seen), "disarmed although the data is still unread");
            assertTrue(r.isValid());
            r.interest(Readiness.READ | Readiness.ONE_SHOT);
            assertEquals(1, loop.poll(seen), "re-armed");
        }
    }

    @Test
    void edgeTriggeredReportsOnlyNewData() throws IOException {
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            loop.register(p.second(), Readiness.READ | Readiness.EDGE_TRIGGERED, null);
            Seen seen = new Seen();
            p.first().send(bytes("1"));
            assertEquals(1, loop.await(LONG, seen));
            assertEquals(0, loop.poll(seen), "no new data: no new edge");
            p.first().send(bytes("2"));
            assertEquals(1, loop.await(LONG, seen));
        }
    }

    @Test
    void hangupIsReported() throws IOException {
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            loop.register(p.second(), Readiness.READ, null);
            p.first().close();
            Seen seen = new Seen();
            assertEquals(1, loop.await(LONG, seen));
            int ops = seen.ops.get(0);
            assertEquals(Readiness.READ | Readiness.HANGUP, ops & (Readiness.READ | Readiness.HANGUP));
            assertEquals(0, p.second().recv(new byte[4]), "end of stream");
        }
    }

    @Test
    void cancelledRegistrationIsNeverHandedOver() throws IOException {
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Registration r = loop.register(p.second(), Readiness.READ, null);
            p.first().send(bytes("q"));
            r.cancel();
            assertFalse(r.isValid());
            assertEquals(0, loop.size());
            assertEquals(0, loop.poll(new Seen()));
            // registered again: a new registration, the old one stays ended
            Registration again = loop.register(p.second(), Readiness.READ, null);
            Seen seen = new Seen();
            assertEquals(1, loop.poll(seen));
            assertSame(again, seen.registrations.get(0));
            assertFalse(r.isValid());
        }
    }

    @Test
    void eventQueuedBeforeCancelIsDropped() throws IOException {
        // both events are in the wait's buffer when the first one's handler cancels the other: the
        // other's event, already taken from the kernel, must not be handed over
        try (Readiness loop = Readiness.open(); SocketPair a = Socket.pair(Domain.UNIX, Type.STREAM);
                SocketPair b = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Registration ra = loop.register(a.second(), Readiness.READ, null);
            Registration rb = loop.register(b.second(), Readiness.READ, null);
            a.first().send(bytes("a"));
            b.first().send(bytes("b"));
            List<Registration> got = new ArrayList<>();
            int n = loop.await(LONG, (r, ops) -> {
                got.add(r);
                (r == ra ? rb : ra).cancel();
            });
            assertEquals(1, n);
            assertEquals(1, got.size());
            Registration kept = got.get(0);
            got.clear();
            assertEquals(1, loop.poll((r, ops) -> got.add(r)), "only the one still registered");
            assertSame(kept, got.get(0));
        }
    }

    @Test
    void closingTheSocketEndsItsRegistration() throws IOException {
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Registration r = loop.register(p.second(), Readiness.READ, null);
            p.first().send(bytes("data"));
            p.second().close();
            assertFalse(r.isValid());
            assertEquals(0, loop.size());
            assertEquals(0, loop.poll(new Seen()));
            r.cancel(); // already out: nothing to do
            assertThrows(IllegalStateException.class, () -> r.interest(Readiness.READ));
        }
    }

    @Test
    void registeredFdOfAnyKind() throws IOException {
        int[] pipe = ReliabilityTestSupport.rawPipe();
        try (Readiness loop = Readiness.open(); Fd readEnd = Fd.adopt(pipe[0]); Fd writeEnd = Fd.adopt(pipe[1])) {
            Registration r = loop.register(readEnd, Readiness.READ, "pipe");
            assertSame(readEnd, r.fd());
            assertNull(r.socket());
            ReliabilityTestSupport.rawWrite(writeEnd.value(), bytes("p"));
            Seen seen = new Seen();
            assertEquals(1, loop.await(LONG, seen));
            assertEquals("pipe", seen.registrations.get(0).attachment());
            readEnd.close();
            assertFalse(r.isValid());
        }
    }

    @Test
    void wakeupFromAnotherThreadEndsTheWait() throws Exception {
        try (Readiness loop = Readiness.open()) {
            CountDownLatch waiting = new CountDownLatch(1);
            Net.Blocked waiter = Net.Blocked.start("waiter", () -> {
                waiting.countDown();
                return loop.await(null, (r, ops) -> { });
            });
            assertTrue(waiting.await(10, TimeUnit.SECONDS));
            Thread.sleep(50); // let it block (the test holds without: a wake-up before the wait is kept)
            loop.wakeup();
            waiter.join(10_000);
            assertEquals(0, waiter.result);
        }
    }

    @Test
    void wakeupsCoalesceAndAreConsumedByOneWait() throws IOException {
        try (Readiness loop = Readiness.open()) {
            assertFalse(loop.wakeupPending());
            for (int i = 0; i < 5; i++) {
                loop.wakeup();
            }
            assertTrue(loop.wakeupPending());
            assertEquals(0, loop.await(null, (r, ops) -> { }), "returns at once: a wake-up was pending");
            assertFalse(loop.wakeupPending(), "one wait consumed all five");
            loop.wakeup();
            assertEquals(0, loop.await(null, (r, ops) -> { }), "a later wake-up still works");
        }
    }

    @Test
    void closeWakesTheWaiterWhichFailsClearly() throws Exception {
        Readiness loop = Readiness.open();
        CountDownLatch waiting = new CountDownLatch(1);
        Net.Blocked waiter = Net.Blocked.start("waiter", () -> {
            waiting.countDown();
            return loop.await(null, (r, ops) -> { });
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        Thread.sleep(50);
        loop.close();
        waiter.join(10_000);
        assertTrue(waiter.error instanceof ReadinessClosedException, "got " + waiter.error);
        assertFalse(loop.isOpen());
        assertThrows(IllegalStateException.class, () -> loop.await(null, (r, ops) -> { }));
        loop.close(); // idempotent
    }

    @Test
    void registerFromAnotherThreadWhileWaiting() throws Exception {
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.first().send(bytes("ready"));
            AtomicReference<Object> got = new AtomicReference<>();
            CountDownLatch waiting = new CountDownLatch(1);
            Net.Blocked waiter = Net.Blocked.start("waiter", () -> {
                waiting.countDown();
                return loop.await(null, (r, ops) -> got.set(r.attachment()));
            });
            assertTrue(waiting.await(10, TimeUnit.SECONDS));
            Thread.sleep(50);
            loop.register(p.second(), Readiness.READ, "late"); // the kernel wakes the waiter: no wakeup() needed
            waiter.join(10_000);
            assertEquals(1, waiter.result);
            assertEquals("late", got.get());
        }
    }

    @Test
    void oneShotReArmedFromAnotherThread() throws Exception {
        // what a poller thread for parked virtual threads does: wait on one thread, arm on others
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Registration r = loop.register(p.second(), 0, "parked");
            List<Object> got = new ArrayList<>();
            for (int round = 0; round < 100; round++) {
                p.first().send(bytes("r"));
                Net.Blocked armer = Net.Blocked.start("armer", () -> {
                    r.interest(Readiness.READ | Readiness.ONE_SHOT);
                    return null;
                });
                int n = loop.await(LONG, (reg, ops) -> got.add(reg.attachment()));
                assertEquals(1, n);
                armer.join(10_000);
                p.second().recv(new byte[1]);
            }
            assertEquals(100, got.size());
        }
    }

    @Test
    void handlerExceptionLeavesTheRestForTheNextWait() throws IOException {
        try (Readiness loop = Readiness.open(); SocketPair a = Socket.pair(Domain.UNIX, Type.STREAM);
                SocketPair b = Socket.pair(Domain.UNIX, Type.STREAM); SocketPair c = Socket.pair(Domain.UNIX, Type.STREAM)) {
            for (SocketPair p : List.of(a, b, c)) {
                loop.register(p.second(), Readiness.READ | Readiness.ONE_SHOT, p);
                p.first().send(bytes("!"));
            }
            assertEquals(3, loop.await(LONG, (r, ops) -> { }), "all three reported once, then disarmed");
            for (SocketPair p : List.of(a, b, c)) {
                ((Registration) p.second().handle().watcher(loop)).interest(Readiness.READ | Readiness.ONE_SHOT);
            }
            IOException boom = new IOException("boom");
            assertSame(boom, assertThrows(IOException.class, () -> loop.await(LONG, (r, ops) -> {
                throw boom;
            })));
            List<Object> rest = new ArrayList<>();
            assertEquals(2, loop.poll((r, ops) -> rest.add(r.attachment())), "the two not yet handed over");
            assertEquals(2, rest.size());
            assertEquals(0, loop.poll((r, ops) -> rest.add(r.attachment())), "one-shot: all three disarmed");
        }
    }

    @Test
    void waitInsideItsOwnHandlerIsRefused() throws IOException {
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            loop.register(p.second(), Readiness.READ, null);
            p.first().send(bytes("!"));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> loop.await(LONG, (r, ops) -> loop.poll((r2, o2) -> { })));
            assertTrue(e.getMessage().contains("own handler"), e.getMessage());
        }
    }

    @Test
    void subMillisecondTimeoutReturnsEmpty() throws IOException {
        try (Readiness loop = Readiness.open()) {
            // empty, and only after the timeout: a sub-millisecond one is not cut to a poll
            SubMillisecondWaits.assertNeverShorterThanTheTimeout(t -> loop.await(t, (r, ops) -> { }), 50);
            assertEquals(0, loop.await(Duration.ofMillis(1), (r, ops) -> { }));
        }
    }

    @Test
    void confinedSocketIsRegisteredAndCancelledByItsOwnerOnly() throws Exception {
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Socket mine = p.second().confine();
            Registration r = loop.register(mine, Readiness.READ, "confined");
            Net.Blocked other = Net.Blocked.start("other", () -> {
                r.cancel();
                return null;
            });
            other.join(10_000);
            assertTrue(other.error instanceof WrongThreadException, "got " + other.error);
            assertTrue(r.isValid(), "refused before anything changed");
            p.first().send(bytes("c"));
            Seen seen = new Seen();
            assertEquals(1, loop.await(LONG, seen));
            mine.close(); // the owner closes: the registration ends on this thread
            assertFalse(r.isValid());
            assertEquals(0, loop.size());
        }
    }

    @Test
    void aSocketInTwoSetsLeavesBothWhenClosed() throws IOException {
        try (Readiness one = Readiness.open(); Readiness two = Readiness.open();
                SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Registration r1 = one.register(p.second(), Readiness.READ, 1);
            Registration r2 = two.register(p.second(), Readiness.READ, 2);
            p.second().close();
            assertFalse(r1.isValid());
            assertFalse(r2.isValid());
            assertEquals(0, one.size() + two.size());
        }
    }
}
