package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Socket#confine()}: the owning thread uses the socket as before; every other thread is
 * refused with {@link WrongThreadException} before any system call, and a refused close or detach
 * leaves the socket open, owned and still guarded by its Cleaner.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConfinedSocketTest {

    private static boolean isOpenFd(int fd) {
        try (Arena a = Arena.ofConfined()) {
            return LibC.fcntl(CallState.allocate(a), fd, Constants.F_GETFD, 0) >= 0;
        }
    }

    /** Runs {@code body} on another thread and returns what it threw (or fails if it threw nothing). */
    private static Throwable fromOtherThread(Net.Body<?> body) throws Exception {
        CompletableFuture<?> f = Net.async("other", body);
        return Net.failure(f, 10);
    }

    @Test
    void ownerThreadUsesAConfinedPairAsBefore() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            assertFalse(p.first().isConfined());
            assertSame(p.first(), p.first().confine());
            p.first().confine(); // idempotent on the owner
            p.second().confine();
            assertTrue(p.first().isConfined());
            p.first().send(Net.utf8("ping"));
            assertArrayEquals(Net.utf8("ping"), Net.readN(p.second(), 4));
            p.second().setIntOption(Constants.SOL_SOCKET, Constants.SO_SNDBUF, 65536);
            assertTrue(p.second().getIntOption(Constants.SOL_SOCKET, Constants.SO_SNDBUF) > 0);
        }
    }

    @Test
    void otherThreadsAreRefusedBeforeAnySystemCall() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Socket s = p.first().confine();
            int fd = s.fd();
            List<Net.Body<?>> calls = List.of(
                    () -> s.send(Net.utf8("x")),
                    () -> s.recv(new byte[1], 0, 1, MsgFlags.DONTWAIT),
                    () -> s.getIntOption(Constants.SOL_SOCKET, Constants.SO_RCVBUF),
                    () -> { s.shutdown(How.BOTH); return null; },
                    () -> { s.close(); return null; },
                    s::detach,
                    s::confine);
            for (Net.Body<?> call : calls) {
                Throwable t = fromOtherThread(call);
                assertInstanceOf(WrongThreadException.class, t, () -> "got " + t);
            }
            // nothing above reached the socket: it is open, connected and still ours
            assertFalse(s.isClosed());
            assertTrue(isOpenFd(fd));
            s.send(Net.utf8("still"));
            assertArrayEquals(Net.utf8("still"), Net.readN(p.second(), 5));
            s.close();
            assertTrue(s.isClosed());
            assertFalse(isOpenFd(fd), "the owner's close released the descriptor");
        }
    }

    @Test
    void selectPollAndRightsFromOtherThreadsAreRefusedAndHoldNothing() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM); SocketPair carrier = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Socket s = p.first().confine();
            int fd = s.fd();
            Socket free = p.second();
            assertInstanceOf(WrongThreadException.class, fromOtherThread(
                    () -> Select.select(new ArrayList<>(List.of(free, s)), null, null, Duration.ZERO)));
            assertInstanceOf(WrongThreadException.class, fromOtherThread(() -> {
                Poller poller = new Poller();
                poller.add(free, Poller.IN);
                poller.add(s, Poller.IN);
                return poller.poll(Duration.ZERO);
            }));
            assertInstanceOf(WrongThreadException.class, fromOtherThread(() -> carrier.first().sendMsg(
                    Message.of(Arena.ofAuto().allocate(1)).control(ControlMessage.rights(s)), 0)));
            // the owner may still do all of it, and closing releases the descriptor at once
            assertEquals(0, Select.select(new ArrayList<>(List.of(s)), null, null, Duration.ZERO));
            s.close();
            assertFalse(isOpenFd(fd), "no refused call left a hold on the descriptor");
        }
    }

    @Test
    void confineNeedsAnOpenSocketWithNoCallInFlight() throws Exception {
        Socket closed = Socket.open(Domain.INET, Type.DGRAM);
        closed.close();
        assertThrows(IllegalStateException.class, closed::confine);

        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Socket s = p.first();
            Net.Blocked reader = Net.Blocked.start("reader", () -> s.recv(new byte[1]));
            Net.awaitNative(reader, "recv");
            IllegalStateException e = assertThrows(IllegalStateException.class, s::confine);
            assertTrue(e.getMessage().contains("in flight"), e.getMessage());
            assertFalse(s.isConfined());
            p.second().send(Net.utf8("!"));
            reader.join(5000);
            assertEquals(1, reader.result);
            s.confine(); // nothing in flight any more
            assertTrue(s.isConfined());
        }
    }

    @Test
    void acceptedSocketsStartShared() throws Exception {
        try (Socket listener = Socket.listen(Net.ANY4, 4).confine();
                Socket client = Socket.open(Domain.INET, Type.STREAM)) {
            client.connect(listener.localAddress());
            Socket accepted = listener.accept();
            assertFalse(accepted.isConfined());
            // a worker takes it over; only the worker can close it
            CountDownLatch checked = new CountDownLatch(1);
            CompletableFuture<Integer> worker = Net.async("worker", () -> {
                accepted.confine();
                int sent = accepted.send(Net.utf8("hi"));
                checked.await();
                accepted.close();
                return sent;
            });
            assertArrayEquals(Net.utf8("hi"), Net.readN(client, 2));
            assertThrows(WrongThreadException.class, accepted::close);
            assertFalse(accepted.isClosed());
            checked.countDown();
            assertEquals(2, worker.get(10, TimeUnit.SECONDS));
            assertTrue(accepted.isClosed());
            assertEquals(0, client.recv(new byte[1]), "the worker's close reached the peer");
        }
    }

    @Test
    void cleanerClosesUnreachableConfinedSockets() throws Exception {
        int[] fds = new int[20];
        for (int i = 0; i < fds.length; i++) {
            Socket s = Socket.open(Domain.INET, Type.DGRAM).confine();
            fds[i] = s.fd();
            if (i % 2 == 0) {
                // a refused close from another thread must leave the Cleaner registered
                assertInstanceOf(WrongThreadException.class, fromOtherThread(() -> { s.close(); return null; }));
            }
        }
        assertEquals(0, ReliabilityTestSupport.openAfterCollecting(fds, 20), "descriptors of dropped confined sockets the Cleaner has not closed");
    }

    @Test
    void ownerGetsTheUsualErrorsAfterClose() throws Exception {
        Socket s = Socket.open(Domain.INET, Type.STREAM).confine();
        s.close();
        s.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> s.send(Net.utf8("x")));
        assertThrows(IllegalStateException.class, s::fd);
        // once closed, another thread's close is a no-op too: nothing is left to refuse
        CompletableFuture<Object> other = Net.async("other", () -> {
            s.close();
            return "ok";
        });
        assertEquals("ok", other.get(10, TimeUnit.SECONDS));
    }

    @Test
    void racingConfinersLeaveExactlyOneOwner() throws Exception {
        for (int round = 0; round < 200; round++) {
            SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
            Socket s = p.first();
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Boolean>> racers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                racers.add(Net.async("confiner-" + i, () -> {
                    go.await();
                    try {
                        s.confine();
                    } catch (WrongThreadException | IllegalStateException e) { // lost, or came after the winner's close
                        // a loser is refused by every call, whatever the winner does meanwhile
                        assertThrows(WrongThreadException.class, () -> s.getIntOption(Constants.SOL_SOCKET, Constants.SO_TYPE));
                        return false;
                    }
                    s.getIntOption(Constants.SOL_SOCKET, Constants.SO_TYPE);
                    s.close(); // only the owner can
                    return true;
                }));
            }
            go.countDown();
            int owners = 0;
            for (CompletableFuture<Boolean> r : racers) {
                owners += r.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, owners, "round " + round);
            assertTrue(s.isClosed());
            p.second().close();
        }
    }

    @Test
    void scratchOfAConfinedHandleIsRefusedToOtherThreads() throws Exception {
        FdHandle h = new FdHandle(Socket.open(Domain.INET, Type.DGRAM).detach());
        try {
            h.confine();
            assertSame(Scratch.get(), h.scratch(), "the owner gets its own temporaries");
            assertInstanceOf(WrongThreadException.class, fromOtherThread(h::scratch));
        } finally {
            h.close();
        }
    }

    @Test
    void ownerCanDetachAndAdoptAgain() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Socket s = p.first().confine();
            assertInstanceOf(WrongThreadException.class, fromOtherThread(s::detach));
            int fd = s.detach();
            assertTrue(s.isClosed());
            assertTrue(isOpenFd(fd), "detach does not close");
            try (Socket again = Socket.adopt(fd)) {
                assertFalse(again.isConfined(), "a new owner object starts shared");
                again.send(Net.utf8("back"));
                assertArrayEquals(Net.utf8("back"), Net.readN(p.second(), 4));
            }
            assertFalse(isOpenFd(fd));
        }
    }
}
