package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input and lifecycle misuse of {@link Readiness}, {@link Registration}, {@link Epoll} and
 * {@link Kqueue}: each case raises its documented exception before any system call (no errno is
 * recorded), leaves the sockets open and the data queued, and leaks no descriptor. The rows are
 * docs/RELIABILITY.md's "Bad input: readiness" table; {@link #theDocumentedTableListsEveryCase}
 * keeps the two in step.
 */
@org.junit.jupiter.api.Tag("reliability")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadinessBadInputTest {
    private static final Path DOC = Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("RELIABILITY.md");
    private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
    private static final Class<IllegalStateException> ISE = IllegalStateException.class;
    private static final Class<UnsupportedOperationException> UOE = UnsupportedOperationException.class;
    private static final ReadyHandler NOTHING = (r, ops) -> { };

    record Case(String input, Class<? extends Throwable> expected, Body body) {}

    @FunctionalInterface
    interface Body {
        void run(Fixture f) throws Throwable;
    }

    /** A readiness set with one registration, a Unix pair with a byte queued each way, a closed socket. */
    static final class Fixture implements AutoCloseable {
        final Readiness loop = Readiness.open();
        final SocketPair pair = Socket.pair(Domain.UNIX, Type.STREAM);
        final Socket closed = Socket.open(Domain.UNIX, Type.STREAM);
        final Registration registered;
        final Epoll epoll = Epoll.isSupported() ? Epoll.open(4) : null;

        Fixture() throws IOException {
            registered = loop.register(pair.first(), Readiness.READ, "first");
            closed.close();
            pair.first().send(new byte[] {1});
            pair.second().send(new byte[] {2});
            if (epoll != null) {
                epoll.add(pair.first(), Epoll.IN, 1);
            }
            Errno.clearError();
        }

        void checkUntouched(String what) throws IOException {
            assertEquals(0, Errno.lastError(), what + ": an errno was recorded: a system call was made");
            for (Socket x : List.of(pair.first(), pair.second())) {
                assertFalse(x.isClosed(), what + ": a socket was closed");
                assertEquals(0, x.lastError(), what + ": a socket recorded an errno");
                assertEquals(1, x.available(), what + ": data consumed or sent");
            }
        }

        @Override
        public void close() {
            loop.close();
            if (epoll != null) {
                epoll.close();
            }
            pair.close();
        }
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // ---- opening
        c.add(new Case("Readiness.open(0)", IAE, f -> Readiness.open(0)));
        c.add(new Case("Readiness.open(2^20 + 1)", IAE, f -> Readiness.open((1 << 20) + 1)));
        // ---- registering
        c.add(new Case("register(null socket, READ, x)", IAE, f -> f.loop.register((Socket) null, Readiness.READ, null)));
        c.add(new Case("register(null Fd, READ, x)", IAE, f -> f.loop.register((Fd) null, Readiness.READ, null)));
        c.add(new Case("register(closed socket, READ, x)", ISE, f -> f.loop.register(f.closed, Readiness.READ, null)));
        c.add(new Case("register the same socket twice", IAE, f -> f.loop.register(f.pair.first(), Readiness.WRITE, null)));
        c.add(new Case("register(socket, unknown interest bit 0x40, x)", IAE, f -> f.loop.register(f.pair.second(), 0x40, null)));
        c.add(new Case("register(socket, -1, x)", IAE, f -> f.loop.register(f.pair.second(), -1, null)));
        c.add(new Case("register(socket, HANGUP (a ready-only bit), x)", IAE,
                f -> f.loop.register(f.pair.second(), Readiness.HANGUP, null)));
        c.add(new Case("register on a closed readiness set", ISE, f -> {
            f.loop.close();
            f.loop.register(f.pair.second(), Readiness.READ, null);
        }));
        // ---- registrations
        c.add(new Case("Registration.interest(unknown bit 0x40)", IAE, f -> f.registered.interest(0x40)));
        c.add(new Case("Registration.interest after cancel", ISE, f -> {
            f.registered.cancel();
            f.registered.interest(Readiness.READ);
        }));
        c.add(new Case("Registration.cancel twice", ISE, f -> {
            f.registered.cancel();
            f.registered.cancel();
        }));
        c.add(new Case("Registration.interest after its socket closed", ISE, f -> {
            Socket s = Socket.open(Domain.UNIX, Type.STREAM);
            Registration r = f.loop.register(s, Readiness.READ, null);
            s.close();
            Errno.clearError();
            r.interest(Readiness.READ);
        }));
        c.add(new Case("Registration.interest after the set closed", ISE, f -> {
            f.loop.close();
            f.registered.interest(Readiness.WRITE);
        }));
        c.add(new Case("Registration.cancel after the set closed", ISE, f -> {
            f.loop.close();
            f.registered.cancel();
        }));
        // ---- waiting
        c.add(new Case("await(timeout, null handler)", IAE, f -> f.loop.await(Duration.ZERO, null)));
        c.add(new Case("poll(null handler)", IAE, f -> f.loop.poll(null)));
        c.add(new Case("await(negative timeout)", IAE, f -> f.loop.await(Duration.ofNanos(-1), NOTHING)));
        c.add(new Case("await on a closed readiness set", ISE, f -> {
            f.loop.close();
            f.loop.await(Duration.ZERO, NOTHING);
        }));
        c.add(new Case("await from inside its own handler", ISE, f -> {
            f.loop.register(f.pair.second(), Readiness.WRITE, null);
            Errno.clearError();
            f.loop.poll((r, ops) -> f.loop.poll(NOTHING));
        }));
        // ---- Epoll (1:1)
        if (Epoll.isSupported()) {
            c.add(new Case("Epoll.open(0)", IAE, f -> Epoll.open(0)));
            c.add(new Case("Epoll.add(null socket, IN, 0)", IAE, f -> f.epoll.add((Socket) null, Epoll.IN, 0)));
            c.add(new Case("Epoll.add(socket, unknown bit 0x100, 0)", IAE, f -> f.epoll.add(f.pair.second(), 0x100, 0)));
            c.add(new Case("Epoll.add the same socket twice", IAE, f -> f.epoll.add(f.pair.first(), Epoll.IN, 0)));
            c.add(new Case("Epoll.add(closed socket, IN, 0)", ISE, f -> f.epoll.add(f.closed, Epoll.IN, 0)));
            c.add(new Case("Epoll.modify(socket not added, IN, 0)", IAE, f -> f.epoll.modify(f.pair.second(), Epoll.IN, 0)));
            c.add(new Case("Epoll.delete(socket not added)", IAE, f -> f.epoll.delete(f.pair.second())));
            c.add(new Case("Epoll.await(negative timeout)", IAE, f -> f.epoll.await(Duration.ofMillis(-1))));
            c.add(new Case("Epoll.events(index out of range)", IAE, f -> f.epoll.events(4)));
            c.add(new Case("Epoll.add on a closed Epoll", ISE, f -> {
                f.epoll.close();
                f.epoll.add(f.pair.second(), Epoll.IN, 0);
            }));
            c.add(new Case("Epoll.await on a closed Epoll", ISE, f -> {
                f.epoll.close();
                f.epoll.await(Duration.ZERO);
            }));
        }
        if (!Kqueue.isSupported()) {
            c.add(new Case("Kqueue.open(8) where there is no kqueue", UOE, f -> Kqueue.open(8)));
        }
        if (!Epoll.isSupported()) {
            c.add(new Case("Epoll.open(8) where there is no epoll", UOE, f -> Epoll.open(8)));
        }
        return c;
    }

    @TestFactory
    Stream<DynamicTest> eachCaseRaisesItsExceptionBeforeAnySystemCall() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.input(), () -> {
            var before = ReliabilityTestSupport.descriptorTable();
            try (Fixture f = new Fixture()) {
                Throwable t = assertThrows(c.expected(), () -> c.body().run(f), c.input());
                assertFalse(t.getMessage() == null || t.getMessage().isBlank(), c.input() + ": no message");
                f.checkUntouched(c.input());
            }
            ReliabilityTestSupport.assertAllClosedSince(before, c.input() + ": descriptor leaked");
        }));
    }

    @Test
    void wakeupAndCloseAfterCloseAreHarmless() throws IOException {
        var before = ReliabilityTestSupport.descriptorTable();
        Readiness loop = Readiness.open();
        loop.close();
        loop.wakeup();
        loop.close();
        assertFalse(loop.isOpen());
        ReliabilityTestSupport.assertAllClosedSince(before, "closed twice, woken after close");
    }

    @Test
    void randomCallSequencesNeverCrashOrLeak() throws IOException {
        // every public operation in random order, bad arguments included: only the documented
        // exceptions, and every descriptor back at the end
        var before = ReliabilityTestSupport.descriptorTable();
        java.util.Random random = new java.util.Random(16);
        for (int run = 0; run < 50; run++) {
            Readiness loop = Readiness.open(1 + random.nextInt(4));
            List<Socket> sockets = new ArrayList<>();
            List<Registration> regs = new ArrayList<>();
            for (int step = 0; step < 200; step++) {
                try {
                    switch (random.nextInt(9)) {
                        case 0 -> {
                            SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                            sockets.add(p.first());
                            sockets.add(p.second());
                        }
                        case 1 -> {
                            if (!sockets.isEmpty()) {
                                regs.add(loop.register(sockets.get(random.nextInt(sockets.size())), random.nextInt(32), step));
                            }
                        }
                        case 2 -> {
                            if (!regs.isEmpty()) {
                                regs.get(random.nextInt(regs.size())).interest(random.nextInt(32));
                            }
                        }
                        case 3 -> {
                            if (!regs.isEmpty()) {
                                regs.get(random.nextInt(regs.size())).cancel();
                            }
                        }
                        case 4 -> {
                            if (!sockets.isEmpty()) {
                                sockets.get(random.nextInt(sockets.size())).close();
                            }
                        }
                        case 5 -> {
                            if (!sockets.isEmpty()) {
                                Socket s = sockets.get(random.nextInt(sockets.size()));
                                s.setBlocking(false);
                                s.send(new byte[] {1});
                            }
                        }
                        case 6 -> loop.poll((r, ops) -> {
                            if (random.nextBoolean() && r.socket() != null) {
                                r.socket().close();
                            }
                        });
                        case 7 -> loop.wakeup();
                        default -> {
                            if (random.nextInt(20) == 0) {
                                loop.close();
                            }
                        }
                    }
                } catch (IllegalArgumentException | IllegalStateException expected) {
                    // documented misuse
                } catch (IOException io) {
                    // a peer closed meanwhile (EPIPE and the like): errors are data
                }
            }
            loop.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
        ReliabilityTestSupport.assertAllClosedSince(before, "descriptors leaked");
    }

    /** Null in every reference parameter of every public method of Readiness, Registration and Epoll: IllegalArgumentException. */
    @TestFactory
    Stream<DynamicTest> nullInEveryReferenceParameter() {
        java.util.Set<String> nullMeansSomething = java.util.Set.of(
                "Readiness.await#0", "Epoll.await#0", "Kqueue.await#0", // wait without a limit
                "Readiness.register#2", "Registration.attach#0"); // no attachment
        List<Class<?>> types = new ArrayList<>(List.of(Readiness.class, Registration.class));
        if (Epoll.isSupported()) {
            types.add(Epoll.class);
        }
        return NullArguments.sweep(types, nullMeansSomething, (name, m, nullAt) -> {
            var before = ReliabilityTestSupport.descriptorTable();
            try (Fixture f = new Fixture()) {
                Class<?> type = m.getDeclaringClass();
                Object target = java.lang.reflect.Modifier.isStatic(m.getModifiers()) ? null
                        : type == Readiness.class ? f.loop : type == Registration.class ? f.registered : f.epoll;
                Throwable t = NullArguments.call(m, target, nullAt, p -> sample(p, f));
                assertTrue(t instanceof IllegalArgumentException, name + ": expected IllegalArgumentException, got " + t);
                f.checkUntouched(name);
            }
            ReliabilityTestSupport.assertAllClosedSince(before, name + ": descriptor leaked");
        });
    }

    private static Object sample(Class<?> t, Fixture f) throws IOException {
        if (t == Socket.class) {
            return f.pair.second();
        }
        if (t == Fd.class) {
            int[] p = ReliabilityTestSupport.rawPipe();
            ReliabilityTestSupport.rawClose(p[1]);
            return Fd.adopt(p[0]);
        }
        if (t == Duration.class) {
            return Duration.ZERO;
        }
        if (t == ReadyHandler.class) {
            return NOTHING;
        }
        return null;
    }

    @Test
    void theDocumentedTableListsEveryCase() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        for (Case c : cases()) {
            String row = "| " + c.input().replace("|", "\\|") + " | `" + c.expected().getSimpleName() + "` |";
            if (!doc.contains(row)) {
                missing.add(row);
            }
        }
        assertTrue(missing.isEmpty(), "docs/RELIABILITY.md lacks rows:\n" + String.join("\n", missing));
    }
}
