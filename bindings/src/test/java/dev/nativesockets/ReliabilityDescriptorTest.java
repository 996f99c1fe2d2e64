package dev.nativesockets;

import static dev.nativesockets.ReliabilityTestSupport.assertNoDescriptorGrowth;
import static dev.nativesockets.ReliabilityTestSupport.descriptorTable;
import static dev.nativesockets.ReliabilityTestSupport.openDescriptors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descriptor hygiene: the number of open descriptors ({@code /proc/self/fd}, {@code /dev/fd} on
 * macOS) is the same before and after many connect/accept/close cycles, failed connects, binds and
 * listens, failed adoptions, and sockets that are dropped without being closed (the Cleaner closes
 * them).
 */
@org.junit.jupiter.api.Tag("reliability")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReliabilityDescriptorTest {
    static final int CYCLES = Integer.getInteger("reliability.cycles", 10_000);
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(LO, 0);

    @TempDir
    Path dir;

    private int baseline;
    private TreeMap<Integer, String> before;

    private void snapshot() throws IOException {
        // warm up the code paths (class loading may open a file once) before counting
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.first().send(new byte[1]);
            p.second().read(1);
        }
        System.gc();
        baseline = openDescriptors();
        before = descriptorTable();
    }

    @Test
    void tenThousandConnectAcceptCloseCycles() throws Exception {
        snapshot();
        UnixDomainSocketAddress unixPath = UnixDomainSocketAddress.of(dir.resolve("s"));
        try (Socket tcp = Socket.listen(LOOPBACK, 128); Socket unix = Socket.listen(unixPath, 128)) {
            SocketAddress tcpAddress = tcp.localAddress();
            byte[] one = {1};
            for (int i = 0; i < CYCLES; i++) {
                boolean overTcp = i % 2 == 0;
                Socket l = overTcp ? tcp : unix;
                try (Socket c = Socket.open(overTcp ? Domain.INET : Domain.UNIX, Type.STREAM)) {
                    c.connect(overTcp ? tcpAddress : unixPath);
                    try (Socket a = l.accept()) {
                        // a little traffic, and both close orders
                        c.send(one);
                        assertEquals(1, a.read(1).length);
                        if (i % 4 < 2) {
                            a.close();
                        } else {
                            c.close();
                        }
                    }
                }
            }
        }
        assertNoDescriptorGrowth(baseline, before, CYCLES + " connect/accept/close cycles");
    }

    @Test
    void failedConnectsBindsListensAndAdoptionsLeakNothing() throws Exception {
        snapshot();
        int refusedPort;
        try (Socket probe = Socket.listen(LOOPBACK, 1)) {
            refusedPort = ((InetSocketAddress) probe.localAddress()).getPort();
        }
        InetSocketAddress refused = new InetSocketAddress(LO, refusedPort);
        UnixDomainSocketAddress nobody = UnixDomainSocketAddress.of(dir.resolve("nobody"));
        try (Socket busy = Socket.listen(LOOPBACK, 1)) {
            SocketAddress taken = busy.localAddress();
            for (int i = 0; i < 1_000; i++) {
                try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                    assertThrows(ConnectException.class, () -> c.connect(refused));
                }
                try (Socket c = Socket.open(Domain.UNIX, Type.STREAM)) {
                    assertThrows(IOException.class, () -> c.connect(nobody)); // ENOENT
                }
                try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                    assertThrows(ConnectException.class, () -> c.connect(refused, Duration.ofSeconds(5)));
                }
                // listen() opens, sets options, binds, and must close again when the bind fails
                assertThrows(BindException.class, () -> Socket.listen(taken, 1));
                try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
                    assertThrows(BindException.class, () -> s.bind(taken));
                }
                // adopt() must neither keep nor close a descriptor it refuses
                int[] pipe = ReliabilityTestSupport.rawPipe();
                assertThrows(IOException.class, () -> Socket.adopt(pipe[0])); // ENOTSOCK
                assertTrue(ReliabilityTestSupport.isOpen(pipe[0]), "adopt closed a descriptor it refused");
                ReliabilityTestSupport.rawClose(pipe[0]);
                ReliabilityTestSupport.rawClose(pipe[1]);
                // a socket type the domain lacks: socket(2) fails, nothing is opened
                assertThrows(IOException.class, () -> Socket.open(Domain.INET, Type.SEQPACKET));
            }
        }
        // a connect that times out (SYNs dropped by a full backlog)
        try (Socket listener = Socket.listen(LOOPBACK, 0)) {
            List<Socket> queued = ReliabilityInterruptTest.fillBacklog(listener);
            for (int i = 0; i < 5; i++) {
                try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                    assertThrows(SocketTimeoutException.class, () -> c.connect(listener.localAddress(), Duration.ofMillis(50)));
                }
            }
            queued.forEach(Socket::close);
        }
        assertNoDescriptorGrowth(baseline, before, "failed connects, binds, listens and adoptions");
    }

    @Test
    void nonBlockingAcceptWithNothingPendingAndDetachLeakNothing() throws Exception {
        snapshot();
        try (Socket l = Socket.listen(LOOPBACK, 4)) {
            l.setBlocking(false);
            for (int i = 0; i < 1_000; i++) {
                assertEquals(null, l.accept());
            }
        }
        for (int i = 0; i < 1_000; i++) {
            SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
            int fd = p.first().detach();
            // the caller owns it now; adopting it back hands ownership to a new Socket
            try (Socket again = Socket.adopt(fd)) {
                assertEquals(fd, again.fd());
            }
            p.second().close();
        }
        assertNoDescriptorGrowth(baseline, before, "non-blocking accepts and detach/adopt");
    }

    /** Sockets dropped without close(): the Cleaner closes them once they are unreachable. */
    @Test
    void unreachableSocketsAreClosedByTheCleaner() throws Exception {
        snapshot();
        List<WeakReference<Socket>> refs = new ArrayList<>();
        dropSockets(refs, 2_000);
        int opened = ReliabilityTestSupport.createdSince(before).size();
        assertTrue(opened >= 1_000, "sockets were opened: " + opened);
        assertNoDescriptorGrowth(baseline, before, "2,000 sockets left to the Cleaner");
        refs.forEach(r -> assertEquals(null, r.get()));
    }

    private static void dropSockets(List<WeakReference<Socket>> refs, int n) throws IOException {
        try (Socket l = Socket.listen(LOOPBACK, 1024)) {
            for (int i = 0; i < n / 4; i++) {
                SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                refs.add(new WeakReference<>(p.first()));
                refs.add(new WeakReference<>(p.second()));
                Socket c = Socket.open(Domain.INET, Type.STREAM);
                c.connect(l.localAddress());
                refs.add(new WeakReference<>(c));
                refs.add(new WeakReference<>(l.accept()));
            }
        }
    }

    /** Blocked calls woken by close, repeatedly: the deferred close releases every descriptor. */
    @Test
    void closeDuringBlockedCallsReleasesEveryDescriptor() throws Exception {
        snapshot();
        try (ReliabilityTestSupport.Blocker b = new ReliabilityTestSupport.Blocker("rel-fd-blocked");
             Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(16);
            for (int i = 0; i < 500; i++) {
                SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                var f = b.start(() -> p.first().recv(buf));
                b.awaitIn(ReliabilityTestSupport.Blocked.RECV, p.first().fd(), f);
                p.close();
                assertTrue(f.get(5, TimeUnit.SECONDS).thrown() instanceof SocketClosedException);
            }
        }
        assertNoDescriptorGrowth(baseline, before, "closes under blocked calls");
    }

    /**
     * SCM_RIGHTS: 1,000 transfers of three descriptors each into control buffers that hold all of
     * them, only one, or nothing (MSG_CTRUNC: the kernel drops what does not fit), received
     * descriptors closed by the caller or left to the Cleaner; plus descriptors still in flight
     * when both ends close. Nothing stays open.
     */
    @Test
    void fdPassingWithFullAndTruncatedControlBuffersLeaksNothing() throws Exception {
        snapshot();
        int truncated = 0;
        int received = 0;
        try (SocketPair link = Socket.pair(Domain.UNIX, Type.STREAM); Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(1);
            for (int i = 0; i < 1_000; i++) {
                int[] pipe = ReliabilityTestSupport.rawPipe();
                try (SocketPair passed = Socket.pair(Domain.UNIX, Type.STREAM)) {
                    Message out = Message.of(one).control(ControlMessage.rights(pipe[0], pipe[1], passed.first().fd()));
                    assertEquals(1, link.first().sendMsg(out));
                }
                ReliabilityTestSupport.rawClose(pipe[0]);
                ReliabilityTestSupport.rawClose(pipe[1]);
                int room = switch (i % 4) {
                    case 0 -> ControlMessage.space(3 * 4); // all three
                    case 1 -> ControlMessage.length(4);    // one fits: MSG_CTRUNC
                    case 2 -> ControlMessage.space(0) - 1; // not even a header
                    default -> 0;                          // no control buffer at all
                };
                Message in = Message.allocate(1, room);
                assertEquals(1, link.second().recvMsg(in));
                if (in.isControlTruncated()) {
                    truncated++;
                }
                List<Fd> fds = in.receivedDescriptors();
                received += fds.size();
                assertEquals(i % 4 == 0 ? 3 : i % 4 == 1 ? 1 : 0, fds.size(), "descriptors received in round " + i);
                if (i % 8 == 0) {
                    fds.forEach(Fd::close);
                } else if (i % 8 == 1) {
                    in.received().forEach(m -> {
                        if (m instanceof ControlMessage.Rights r) {
                            r.close();
                        }
                    });
                }
                // otherwise: dropped, for the Cleaner
            }
        }
        assertEquals(750, truncated, "rounds with MSG_CTRUNC");
        assertEquals(250 * 3 + 250, received);
        // descriptors still in flight when both ends close: the kernel disposes of them
        for (int i = 0; i < 200; i++) {
            SocketPair link = Socket.pair(Domain.UNIX, Type.STREAM);
            int[] pipe = ReliabilityTestSupport.rawPipe();
            try (Arena a = Arena.ofConfined()) {
                link.first().sendMsg(Message.of(a.allocate(1)).control(ControlMessage.rights(pipe[0], pipe[1])));
            }
            ReliabilityTestSupport.rawClose(pipe[0]);
            ReliabilityTestSupport.rawClose(pipe[1]);
            link.close();
        }
        assertNoDescriptorGrowth(baseline, before, "SCM_RIGHTS transfers (" + truncated + " truncated)");
    }

    @Test
    void descriptorCountIsReadFromTheRightPlace() {
        Path fds = Path.of(ReliabilityTestSupport.LINUX ? "/proc/self/fd" : "/dev/fd");
        assertTrue(Files.isDirectory(fds));
        assertTrue(openDescriptors() > 2, "at least stdin, stdout and stderr");
        var table = ReliabilityTestSupport.descriptorTable();
        int[] p = ReliabilityTestSupport.rawPipe();
        // exactly the two ends are new, however many other descriptors others close meanwhile
        assertEquals(java.util.Set.of(p[0], p[1]), ReliabilityTestSupport.numbersCreatedSince(table));
        assertTrue(ReliabilityTestSupport.identity(p[0]).startsWith(ReliabilityTestSupport.LINUX ? "pipe:" : "open"));
        ReliabilityTestSupport.rawClose(p[0]);
        ReliabilityTestSupport.rawClose(p[1]);
        assertEquals(java.util.Set.of(), ReliabilityTestSupport.numbersCreatedSince(table));
    }
}
