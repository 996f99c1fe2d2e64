package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The classic epoll trap, 1,000 rounds each: epoll watches the open file description, not the
 * number. Socket A is registered; a copy of its description lives on (a {@code dup}, or in flight in
 * an {@code SCM_RIGHTS} message); A is closed; B is opened and given A's number and registered; the
 * old description becomes readable. B's registration must never see that event or A's attachment,
 * and the kernel's own list of entries ({@code /proc/self/fdinfo} of the epoll descriptor) must hold
 * nothing of A: closing A removed it before the number was released.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadinessDescriptorTrapTest {
    private static final int ROUNDS = 1000;
    private static final byte[] X = "x".getBytes(StandardCharsets.US_ASCII);

    /** The descriptor numbers epoll instance {@code epfd} watches, from the kernel ({@code tfd:} lines). */
    static List<Integer> kernelEntries(int epfd) throws IOException {
        List<Integer> fds = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + epfd))) {
            if (line.startsWith("tfd:")) {
                fds.add(Integer.parseInt(line.substring(4).trim().split("\\s+")[0]));
            }
        }
        return fds;
    }

    private interface KeepAlive {
        /** Keeps A's description alive beyond A; returns what to close at the end of the round. */
        AutoCloseable keep(Socket a) throws IOException;
    }

    @Test
    void dupOfAClosedSocketNeverReachesTheNewSocketOnItsNumber() throws Exception {
        trap("dup", a -> Fd.adopt(ReliabilityTestSupport.dupAtLeast(a.fd(), 0)));
    }

    @Test
    void copyInFlightInScmRightsNeverReachesTheNewSocketOnItsNumber() throws Exception {
        try (SocketPair channel = Socket.pair(Domain.UNIX, Type.STREAM); Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(1);
            trap("SCM_RIGHTS", a -> {
                channel.first().sendMsg(Message.of(one).control(ControlMessage.rights(a)));
                return () -> { // take the message off the queue: the received copy is closed at once
                    Message in = Message.allocate(1, ControlMessage.cmsgSpace(Constants.SOL_SOCKET, Constants.SCM_RIGHTS, 1));
                    channel.second().recvMsg(in);
                    for (Fd fd : in.receivedDescriptors()) {
                        fd.close();
                    }
                };
            });
        }
    }

    private void trap(String how, KeepAlive keepAlive) throws Exception {
        assumeTrue(Net.LINUX, "the kernel's entry list is read from /proc (Linux); kqueue drops a number's filters at close anyway");
        var before = ReliabilityTestSupport.descriptorTable();
        int reused = 0;
        try (Readiness loop = Readiness.open()) {
            int epfd = ((EpollBackend) loop.backend()).epoll().descriptor();
            List<Object> seen = new ArrayList<>();
            ReadyHandler record = (r, ops) -> seen.add(r.attachment());
            for (int round = 0; round < ROUNDS; round++) {
                SocketPair pa = Socket.pair(Domain.UNIX, Type.STREAM);
                Socket a = pa.second();
                int number = a.fd();
                Object attachmentA = "A" + round;
                Registration ra = loop.register(a, Readiness.READ, attachmentA);
                AutoCloseable copy = keepAlive.keep(a);
                a.close();
                assertTrue(!ra.isValid(), "closing A ended its registration");
                SocketPair pb = Socket.pair(Domain.UNIX, Type.STREAM);
                Socket b = pb.first().fd() == number ? pb.first() : pb.second();
                Socket bPeer = b == pb.first() ? pb.second() : pb.first();
                if (b.fd() == number) {
                    reused++;
                }
                Object attachmentB = "B" + round;
                loop.register(b, Readiness.READ, attachmentB);
                assertEquals(List.of(b.fd()), without(kernelEntries(epfd), epfd),
                        how + " round " + round + ": the kernel watches B only (plus the wake-up)");

                pa.first().send(X); // A's description, alive in the copy, becomes readable
                seen.clear();
                assertEquals(0, loop.poll(record), how + " round " + round + ": B is not readable, A is gone");
                assertEquals(List.of(), seen);

                bPeer.send(X);
                assertEquals(1, loop.await(Duration.ofSeconds(10), record));
                assertEquals(List.of(attachmentB), seen, how + " round " + round);

                copy.close();
                pa.close();
                pb.close();
            }
            assertEquals(0, loop.size());
        }
        System.out.println("ReadinessDescriptorTrapTest " + how + ": B got A's number in " + reused + " of " + ROUNDS + " rounds");
        assertTrue(reused > ROUNDS * 9 / 10, "the trap needs the number reused: only " + reused + " of " + ROUNDS);
        ReliabilityTestSupport.assertAllClosedSince(before, how + ": no descriptor leaked");
    }

    /** The entries other than the eventfd: the one whose number is not a registered socket's. */
    private static List<Integer> without(List<Integer> entries, int epfd) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (int fd : entries) {
            if (!ReliabilityTestSupport.identity(fd).contains("eventfd")) {
                out.add(fd);
            }
        }
        return out;
    }

    @Test
    void rawEpollDeletesTheEntryBeforeTheNumberIsReleased() throws Exception {
        assumeTrue(Net.LINUX, "epoll is Linux-only");
        var before = ReliabilityTestSupport.descriptorTable();
        try (Epoll ep = Epoll.open(8)) {
            for (int round = 0; round < ROUNDS; round++) {
                SocketPair pa = Socket.pair(Domain.UNIX, Type.STREAM);
                Socket a = pa.second();
                Fd dup = Fd.adopt(ReliabilityTestSupport.dupAtLeast(a.fd(), 0));
                ep.add(a, Epoll.IN, 0xA);
                a.close();
                SocketPair pb = Socket.pair(Domain.UNIX, Type.STREAM);
                Socket b = pb.first().fd() == a.handle().fd() ? pb.first() : pb.second();
                ep.add(b, Epoll.IN, 0xB);
                pa.first().send(X);
                assertEquals(0, ep.await(Duration.ZERO), "round " + round + ": no event for the closed A");
                assertEquals(List.of(b.fd()), kernelEntries(ep.descriptor()));
                ep.delete(b);
                assertEquals(List.of(), kernelEntries(ep.descriptor()));
                dup.close();
                pa.close();
                pb.close();
            }
        }
        ReliabilityTestSupport.assertAllClosedSince(before, "no descriptor leaked");
    }
}
