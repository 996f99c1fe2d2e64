package dev.nativesockets;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The calling-mode matrix of issue 24: every call that can wait, in every way a call can wait, on
 * shared and confined sockets, held to the same promises. {@link CallingModeMatrixTest} turns each
 * cell into a test; a {@link Mode} with JVM options runs its cells in a child JVM ({@link #main}).
 *
 * <p>The shape is that of Netty's per-transport test permutations (one test body, run for every
 * combination of transport and option): adding a way to wait is one {@link Mode} constant; adding a call is one {@link Call} constant
 * (its fixture says how to make it wait and how to release it). A cell that does not apply is
 * never dropped silently: {@link #exclusion} says why, and the test reports it as skipped with
 * that reason.
 *
 * <p>Each cell makes its own sockets over real descriptors (a Unix stream pair, two bound Unix
 * datagram sockets connected to each other, a TCP listener, a TCP listener whose accept queue is
 * full so that SYNs are dropped), starts the call on a worker thread of the mode's kind, and — for
 * a call that must wait — first sees the worker really wait (in the kernel, or parked in the
 * library) before it acts. Every cell ends by checking that none of the descriptors it made is
 * still open ({@code /proc/self/fd}, by the socket's inode: other tests' descriptors do not count).
 * No assertion library: the child JVM runs this code too.
 */
final class CallingModeMatrix {
    private CallingModeMatrix() {}

    /** The timeout a TIMEOUT cell sets ({@code SO_RCVTIMEO}, {@code SO_SNDTIMEO}, or connect's). */
    static final Duration TIMEOUT = Duration.ofMillis(50);
    /** A timed-out call must have waited at least this long (the kernel rounds up to jiffies; generous below). */
    static final long TIMEOUT_AT_LEAST_MS = 40;
    /** Generous: how long a woken or released call may take to return on a noisy two-core machine. */
    static final long WAKE_WITHIN_MS = 5_000;
    /** A released TCP connect waits for the SYN retransmission (1 s initial RTO): more than that. */
    static final long RELEASE_WITHIN_MS = 10_000;
    /** How long a platform thread must still be in its call after an interrupt. */
    static final long STILL_WAITING_MS = 50;

    enum ThreadKind { PLATFORM, VIRTUAL }

    /** How the call is told it may not block. */
    enum Wait { BLOCKING, O_NONBLOCK, MSG_DONTWAIT }

    /**
     * A way to make a call: the kind of thread, how it is told whether to block and, for a mode
     * that needs a JVM of its own (a scheduler with one carrier), that JVM's options. One constant
     * per way to wait.
     */
    enum Mode {
        PLATFORM_BLOCKING(ThreadKind.PLATFORM, Wait.BLOCKING),
        PLATFORM_O_NONBLOCK(ThreadKind.PLATFORM, Wait.O_NONBLOCK),
        PLATFORM_MSG_DONTWAIT(ThreadKind.PLATFORM, Wait.MSG_DONTWAIT),
        VIRTUAL_BLOCKING(ThreadKind.VIRTUAL, Wait.BLOCKING),
        VIRTUAL_O_NONBLOCK(ThreadKind.VIRTUAL, Wait.O_NONBLOCK),
        VIRTUAL_MSG_DONTWAIT(ThreadKind.VIRTUAL, Wait.MSG_DONTWAIT),
        /** One carrier that the scheduler may not add to: a call that pinned it would stop the library's own poller. */
        VIRTUAL_ONE_CARRIER(ThreadKind.VIRTUAL, Wait.BLOCKING,
                "-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1");

        final ThreadKind thread;
        final Wait wait;
        final List<String> jvmOptions;

        Mode(ThreadKind thread, Wait wait, String... jvmOptions) {
            this.thread = thread;
            this.wait = wait;
            this.jvmOptions = List.of(jvmOptions);
        }

        boolean inChildJvm() {
            return !jvmOptions.isEmpty();
        }
    }

    enum Sharing { SHARED, CONFINED }

    /** What each cell checks. Every cell also checks that it left no descriptor open. */
    enum Promise {
        /** The data (connection) arrives intact; a call that must wait, waits until released (on a virtual thread, without holding a carrier). */
        DATA,
        /** A non-blocking call that cannot proceed returns the documented sentinel and records EAGAIN/EINPROGRESS. */
        WOULD_BLOCK,
        /** SO_RCVTIMEO / SO_SNDTIMEO / connect's timeout end a waiting call with SocketTimeoutException, not before. */
        TIMEOUT,
        /** close() from another thread wakes the call with SocketClosedException (shared); a confined socket refuses it and the call goes on. */
        CLOSE,
        /** Virtual thread: the socket is closed, "closed by interrupt", status kept. Platform thread: the call goes on. Non-blocking: completes normally. */
        INTERRUPT
    }

    /**
     * The sockets a call needs: how it is made to wait and how it is released. A TCP connect waits
     * for a listener whose full accept queue drops its SYNs (released by the SYN retransmission once
     * there is room again, about 1 s); a Unix connect for a listener whose backlog is full (released
     * at once by an accept).
     */
    enum Fixture { STREAM, DGRAM, LISTENER, CONNECTOR_TCP, CONNECTOR_UNIX }

    /** One call, normalised: would-block in its documented form, or what it moved. */
    record Got(boolean wouldBlock, long count, byte[] data, Socket accepted, SocketAddress peer) {
        static final Got WOULD_BLOCK = new Got(true, Socket.WOULD_BLOCK, null, null, null);

        static Got received(long n, MemorySegment from) {
            return n == Socket.WOULD_BLOCK ? WOULD_BLOCK
                    : new Got(false, n, from.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), null, null);
        }

        static Got received(long n, byte[] from) {
            return n == Socket.WOULD_BLOCK ? WOULD_BLOCK : new Got(false, n, Arrays.copyOf(from, (int) n), null, null);
        }

        static Got sent(long n) {
            return n == Socket.WOULD_BLOCK ? WOULD_BLOCK : new Got(false, n, null, null, null);
        }

        @Override
        public String toString() {
            return wouldBlock ? "WOULD_BLOCK" : accepted != null ? "accepted " + accepted : peer != null ? "connected to " + peer
                    : "count " + count;
        }
    }

    interface Invoke {
        Got run(Ctx c, int flags) throws IOException;
    }

    /** Every call that can wait. {@code flags}: whether it takes MSG_* flags (MSG_DONTWAIT applies). */
    enum Call {
        ACCEPT(Fixture.LISTENER, false, false, false, (c, f) -> {
            Socket a = c.s.accept();
            return a == null ? Got.WOULD_BLOCK : new Got(false, 1, null, a, null);
        }),
        CONNECT(Fixture.CONNECTOR_TCP, true, false, false, Call::connect),
        /** Waits up to its timeout whatever the socket's mode: never a would-block result. */
        CONNECT_TIMED(Fixture.CONNECTOR_TCP, true, false, true, Call::connectTimed),
        /** A full Unix backlog: EAGAIN, nothing in progress; the library retries (back-off) where it must wait. */
        CONNECT_UNIX(Fixture.CONNECTOR_UNIX, true, false, false, Call::connect),
        CONNECT_UNIX_TIMED(Fixture.CONNECTOR_UNIX, true, false, true, Call::connectTimed),
        RECV_SEGMENT(Fixture.STREAM, false, true, false, (c, f) -> Got.received(c.s.recv(c.seg, f), c.seg)),
        RECV_BYTES(Fixture.STREAM, false, true, false, (c, f) -> Got.received(c.s.recv(c.bytes, f), c.bytes)),
        RECV_BUFFER(Fixture.STREAM, false, true, false, (c, f) -> {
            ByteBuffer b = ByteBuffer.allocate(256);
            return Got.received(c.s.recv(b, f), b.array());
        }),
        READ(Fixture.STREAM, false, false, false, (c, f) -> {
            byte[] b = c.s.read(256);
            return b == null ? Got.WOULD_BLOCK : Got.received(b.length, b);
        }),
        READV(Fixture.STREAM, false, false, false, (c, f) ->
                Got.received(c.s.readv(c.seg.asSlice(0, 16), c.seg.asSlice(16)), c.seg)),
        RECV_MSG(Fixture.STREAM, false, true, false, (c, f) -> Got.received(c.s.recvMsg(Message.of(c.seg), f), c.seg)),
        RECV_FROM(Fixture.DGRAM, false, true, false, (c, f) -> {
            Received r = c.s.recvFrom(c.seg, f);
            if (r.length() == Socket.WOULD_BLOCK) {
                return Got.WOULD_BLOCK;
            }
            check(c.peerAddress.equals(r.source()), () -> "recvFrom: source " + r.source() + ", sent from " + c.peerAddress);
            return Got.received(r.length(), c.seg);
        }),
        RECV_MMSG(Fixture.DGRAM, false, true, false, (c, f) -> {
            Message m = Message.of(c.seg);
            int n = c.s.recvMmsg(List.of(m), f, null);
            check(n == Socket.WOULD_BLOCK || n == 1, () -> "recvMmsg of one message returned " + n);
            return n == Socket.WOULD_BLOCK ? Got.WOULD_BLOCK : Got.received(m.length(), c.seg);
        }),
        RECV_MMSG_BATCH(Fixture.DGRAM, false, true, false, (c, f) -> {
            int n = c.s.recvMmsg(c.batch(), 1, f, null);
            check(n == Socket.WOULD_BLOCK || n == 1, () -> "recvMmsg(batch) of one message returned " + n);
            return n == Socket.WOULD_BLOCK ? Got.WOULD_BLOCK : Got.received(c.batch().length(0), c.batch().data(0));
        }),
        SEND_SEGMENT(Fixture.STREAM, true, true, false, (c, f) -> Got.sent(c.s.send(c.payloadSeg, f))),
        SEND_BYTES(Fixture.STREAM, true, true, false, (c, f) -> Got.sent(c.s.send(c.payload, f))),
        SEND_BUFFER(Fixture.STREAM, true, true, false, (c, f) -> Got.sent(c.s.send(ByteBuffer.wrap(c.payload), f))),
        WRITE(Fixture.STREAM, true, false, false, (c, f) -> Got.sent(c.s.write(c.payload))),
        /** Blocking mode only: IllegalStateException on a non-blocking socket (its documented answer). */
        SEND_ALL(Fixture.STREAM, true, false, false, (c, f) -> {
            c.s.sendAll(c.payload);
            return Got.sent(c.payload.length);
        }),
        WRITEV(Fixture.STREAM, true, false, false, (c, f) ->
                Got.sent(c.s.writev(c.payloadSeg.asSlice(0, 16), c.payloadSeg.asSlice(16)))),
        SEND_MSG(Fixture.STREAM, true, true, false, (c, f) -> Got.sent(c.s.sendMsg(Message.of(c.payloadSeg), f))),
        SEND_TO(Fixture.DGRAM, true, true, false, (c, f) -> Got.sent(c.s.sendTo(c.payloadSeg, f, c.target))),
        SEND_MMSG(Fixture.DGRAM, true, true, false, (c, f) -> {
            int n = c.s.sendMmsg(List.of(Message.of(c.payloadSeg)), f);
            check(n == Socket.WOULD_BLOCK || n == 1, () -> "sendMmsg of one message returned " + n);
            return n == Socket.WOULD_BLOCK ? Got.WOULD_BLOCK : Got.sent(c.payload.length);
        }),
        SEND_MMSG_BATCH(Fixture.DGRAM, true, true, false, (c, f) -> {
            MessageBatch b = c.batch();
            b.data(0).copyFrom(c.payloadSeg);
            b.sendLength(0, c.payload.length);
            int n = c.s.sendMmsg(b, 1, f);
            check(n == Socket.WOULD_BLOCK || n == 1, () -> "sendMmsg(batch) of one message returned " + n);
            return n == Socket.WOULD_BLOCK ? Got.WOULD_BLOCK : Got.sent(b.length(0));
        });

        final Fixture fixture;
        final boolean sends;
        final boolean flags;
        final boolean waitsInEveryMode;
        final Invoke invoke;

        Call(Fixture fixture, boolean sends, boolean flags, boolean waitsInEveryMode, Invoke invoke) {
            this.fixture = fixture;
            this.sends = sends;
            this.flags = flags;
            this.waitsInEveryMode = waitsInEveryMode;
            this.invoke = invoke;
        }

        private static Got connect(Ctx c, int flags) throws IOException {
            return c.s.connect(c.target) ? new Got(false, 1, null, null, c.s.peerAddress()) : Got.WOULD_BLOCK;
        }

        private static Got connectTimed(Ctx c, int flags) throws IOException {
            c.s.connect(c.target, c.connectTimeout);
            return new Got(false, 1, null, null, c.s.peerAddress());
        }

        boolean connects() {
            return fixture == Fixture.CONNECTOR_TCP || fixture == Fixture.CONNECTOR_UNIX;
        }

        boolean linuxOnly() {
            return this == RECV_MMSG || this == RECV_MMSG_BATCH || this == SEND_MMSG || this == SEND_MMSG_BATCH;
        }
    }

    record Cell(Mode mode, Call call, Sharing sharing, Promise promise) {
        /** Whether the call may wait here: blocking mode, or a call that waits in every mode. */
        boolean waits() {
            return mode.wait == Wait.BLOCKING || call.waitsInEveryMode;
        }

        String id() {
            return mode + "/" + call + "/" + sharing + "/" + promise;
        }
    }

    /** Every cell, in a stable order: mode, call, sharing, promise. */
    static Stream<Cell> cells(Mode mode) {
        return Arrays.stream(Call.values()).flatMap(call -> Arrays.stream(Sharing.values()).flatMap(sharing ->
                Arrays.stream(Promise.values()).map(p -> new Cell(mode, call, sharing, p))));
    }

    /**
     * Cells that break their promise today, by id: reported (issue 24) and left to the change that
     * restructures the code concerned. The default run reports them as skipped with this text;
     * {@code CallingModeMatrixTest.knownDefectsStillFail} (tag reliability) runs them and fails
     * once one passes, so that a fix removes it from here.
     */
    static final java.util.Map<String, String> KNOWN_DEFECTS = java.util.Map.of();

    /** Why a cell does not apply, or {@code null} if it does. Nothing is left out without a reason. */
    static String exclusion(Cell c) {
        Call call = c.call();
        if (call.linuxOnly() && !Net.LINUX) {
            return "sendmmsg/recvmmsg are Linux-only";
        }
        if (c.mode().wait == Wait.MSG_DONTWAIT && !call.flags) {
            return call + " takes no flags argument, so MSG_DONTWAIT cannot be passed (its O_NONBLOCK cells take the non-blocking path)";
        }
        if (call == Call.SEND_ALL && c.mode().wait == Wait.O_NONBLOCK && c.promise() != Promise.WOULD_BLOCK) {
            return "sendAll needs a blocking socket: on a non-blocking one it throws IllegalStateException, checked by its WOULD_BLOCK cell";
        }
        switch (c.promise()) {
            case WOULD_BLOCK -> {
                if (call.waitsInEveryMode) {
                    return "connect(address, timeout) waits up to its timeout whatever the socket's mode: it never reports would-block";
                }
                if (c.waits()) {
                    return "a blocking-mode call waits: would-block is never its result (running out of SO_RCVTIMEO/SO_SNDTIMEO is a SocketTimeoutException, its TIMEOUT cell)";
                }
            }
            case TIMEOUT -> {
                if (!c.waits()) {
                    return "a non-blocking call returns at once: there is no wait for a timeout to end";
                }
                if (call == Call.CONNECT) {
                    return "a TCP connect(address) documents no timeout; connect(address, timeout) is the timed form";
                }
                if (call == Call.CONNECT_UNIX && !Net.LINUX) {
                    return "SO_SNDTIMEO bounds a Unix connect on Linux only (NativeOptions.SO_SNDTIMEO)";
                }
                if (call == Call.ACCEPT && !Net.LINUX) {
                    return "SO_RCVTIMEO bounds accept on Linux only (NativeOptions.SO_RCVTIMEO)";
                }
            }
            case CLOSE -> {
                if (!c.waits()) {
                    return "a non-blocking call returns at once: there is no waiting caller for close() to wake";
                }
            }
            default -> { }
        }
        return null;
    }

    // ---- one cell ---------------------------------------------------------------------------------

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static volatile Path dir;

    private static Path dir() throws IOException {
        Path d = dir;
        if (d == null) {
            synchronized (CallingModeMatrix.class) {
                if (dir == null) {
                    dir = Files.createTempDirectory("ns-matrix");
                    dir.toFile().deleteOnExit();
                }
                d = dir;
            }
        }
        return d;
    }

    /** Everything one cell made: the socket under test and the sockets, memory and paths around it. */
    static final class Ctx implements AutoCloseable {
        final Cell cell;
        final Arena arena = Arena.ofAuto();
        final MemorySegment seg = arena.allocate(256);
        final byte[] bytes = new byte[256];
        final byte[] payload = new byte[64];
        final MemorySegment payloadSeg = arena.allocate(64);
        /** Every socket the cell made, and the kernel's name for it ({@code socket:[inode]}). */
        private final List<Socket> made = new ArrayList<>();
        private final Set<String> identities = new HashSet<>();
        private final List<Path> paths = new ArrayList<>();
        private final List<Socket> queued = new ArrayList<>();
        private MessageBatch batch;
        Socket s;
        Socket peer;
        Socket listener;
        SocketAddress target;
        SocketAddress peerAddress;
        Duration connectTimeout = Duration.ofSeconds(30);
        /** What a send cell put in the way first: bytes (stream) or datagrams (dgram). */
        int filled;

        Ctx(Cell cell) {
            this.cell = cell;
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (i * 7 + 1); // never 0: the filler is zeros
            }
            payloadSeg.copyFrom(MemorySegment.ofArray(payload));
        }

        MessageBatch batch() {
            if (batch == null) {
                batch = MessageBatch.allocate(1, 256, 0);
            }
            return batch;
        }

        Socket track(Socket socket) {
            synchronized (made) {
                made.add(socket);
                identities.add(ReliabilityTestSupport.identity(socket.fd()));
            }
            return socket;
        }

        SocketAddress path() throws IOException {
            Path p = dir().resolve("m" + NAMES.incrementAndGet());
            paths.add(p);
            return UnixDomainSocketAddress.of(p);
        }

        /** A TCP listener whose accept queue is full: the kernel drops new SYNs, so a connect to it waits. */
        Socket fullListener() throws IOException {
            Socket l = track(Socket.listen(new InetSocketAddress(Net.LO4, 0), 0));
            for (int i = 0; i < 32; i++) {
                Socket c = track(Socket.open(Domain.INET, Type.STREAM));
                try {
                    // the first always finds room (however slow the machine); a later one that gets
                    // no answer within 100 ms had its SYN dropped: the queue is full
                    c.connect(l.localAddress(), queued.isEmpty() ? Duration.ofSeconds(10) : Duration.ofMillis(100));
                    queued.add(c);
                } catch (SocketTimeoutException full) {
                    c.close();
                    if (!queued.isEmpty()) {
                        return l;
                    }
                    throw full;
                }
            }
            throw new AssertionError("the accept queue of a listener with backlog 0 never filled");
        }

        /** A Unix listener whose backlog is full: a blocking connect to it waits, a non-blocking one says EAGAIN. */
        Socket fullUnixListener() throws IOException {
            Socket l = track(Socket.listen(path(), 0));
            for (int i = 0; i < 32; i++) {
                Socket c = track(Socket.open(Domain.UNIX, Type.STREAM));
                c.setBlocking(false);
                if (!c.connect(l.localAddress())) {
                    c.close(); // EAGAIN: nothing in progress
                    return l;
                }
                queued.add(c);
            }
            throw new AssertionError("the backlog of a Unix listener with backlog 0 never filled");
        }

        /** Accepts (and closes) what waits in a full listener's queue: room for one more connection. */
        void makeRoom() throws IOException {
            for (int i = 0; i < queued.size(); i++) {
                listener.accept().close();
            }
        }

        @Override
        public void close() {
            synchronized (made) {
                for (Socket x : made) {
                    if (!x.isConfined()) {
                        x.close(); // a confined one is closed by its worker
                    }
                }
            }
            for (Path p : paths) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }

        /** The tracked sockets that are still open descriptors of this process (by inode, Linux). */
        Set<String> stillOpen() throws IOException {
            if (!Net.LINUX) {
                return Set.of();
            }
            Set<String> open = new HashSet<>();
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                for (Path p : (Iterable<Path>) fds::iterator) {
                    try {
                        open.add(Files.readSymbolicLink(p).toString());
                    } catch (IOException gone) {
                        // closed while listing
                    }
                }
            }
            synchronized (made) {
                open.retainAll(identities);
            }
            return open;
        }
    }

    /** The call on its own thread, and what it left behind. */
    static final class Worker {
        final Thread thread;
        final CountDownLatch done = new CountDownLatch(1);
        volatile Got got;
        volatile Throwable error;
        volatile long started;
        volatile long ended;
        volatile boolean interruptedAfter;
        volatile boolean closedAfter;
        volatile int lastErrorAfter;
        volatile int errnoAfter;
        volatile int tid = -1;

        Worker(Ctx c, int flags, boolean interruptFirst) {
            Runnable r = () -> {
                try {
                    if (c.cell.mode().thread == ThreadKind.PLATFORM) {
                        tid = ReliabilityTestSupport.gettid();
                    }
                    if (c.cell.sharing() == Sharing.CONFINED) {
                        c.s.confine();
                    }
                    if (interruptFirst) {
                        Thread.currentThread().interrupt();
                    }
                    started = System.nanoTime();
                    got = c.cell.call().invoke.run(c, flags);
                    if (got.wouldBlock && c.cell.call().connects() && c.cell.promise() == Promise.DATA) {
                        got = finishConnect(c);
                    }
                } catch (Throwable e) {
                    error = e;
                } finally {
                    ended = System.nanoTime();
                    interruptedAfter = Thread.currentThread().isInterrupted();
                    closedAfter = c.s.isClosed();
                    lastErrorAfter = c.s.lastError();
                    errnoAfter = Errno.lastError();
                    if (c.cell.sharing() == Sharing.CONFINED && c.s.isConfined()) {
                        try {
                            c.s.close(); // only its thread may
                        } catch (RuntimeException e) {
                            if (error == null) {
                                error = e;
                            }
                        }
                    }
                    done.countDown();
                }
            };
            thread = c.cell.mode().thread == ThreadKind.VIRTUAL ? Thread.ofVirtual().name("matrix-worker").unstarted(r)
                    : new Thread(r, "matrix-worker");
            thread.setDaemon(true);
            thread.start();
        }

        boolean finished(long millis) throws InterruptedException {
            return done.await(millis, TimeUnit.MILLISECONDS);
        }

        long millis() {
            return (ended - started) / 1_000_000;
        }

        String outcome() {
            return error != null ? "threw " + error : "returned " + got;
        }
    }

    /** A non-blocking connect in progress, finished as an event loop would (on the worker: the socket may be confined to it). */
    private static Got finishConnect(Ctx c) throws IOException, InterruptedException {
        check(c.s.lastError() == Errno.EINPROGRESS, () -> "a connect in progress recorded " + Errno.name(c.s.lastError()));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAKE_WITHIN_MS);
        while (!c.s.finishConnect()) {
            check(System.nanoTime() < deadline, () -> "finishConnect() never saw the connection made");
            Thread.sleep(5);
        }
        return new Got(false, 1, null, null, c.s.peerAddress());
    }

    /** Runs one cell; throws {@link AssertionError} for a broken promise. */
    static void run(Cell cell) throws Exception {
        String why = exclusion(cell);
        if (why != null) {
            throw new IllegalArgumentException("excluded: " + why);
        }
        Worker w = null;
        Ctx c = new Ctx(cell);
        try {
            setUp(c);
            w = act(c);
        } finally {
            c.close();
        }
        Worker worker = w;
        check(worker.done.getCount() == 0, () -> "the call never returned: " + Arrays.toString(worker.thread.getStackTrace()));
        // no descriptor the cell made is left open (closes deferred to a call's end have a moment)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        Set<String> open;
        while (!(open = c.stillOpen()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Set<String> left = open;
        check(left.isEmpty(), () -> "descriptors left open: " + left);
    }

    /** The fixture, the mode, and what the promise needs before the call starts. */
    private static void setUp(Ctx c) throws IOException {
        Cell cell = c.cell;
        Promise p = cell.promise();
        switch (cell.call().fixture) {
            case STREAM -> {
                SocketPair pair = Socket.pair(Domain.UNIX, Type.STREAM);
                c.s = c.track(pair.first());
                c.peer = c.track(pair.second());
            }
            case DGRAM -> {
                c.s = c.track(Socket.open(Domain.UNIX, Type.DGRAM));
                c.peer = c.track(Socket.open(Domain.UNIX, Type.DGRAM));
                SocketAddress a = c.path();
                SocketAddress b = c.path();
                c.s.bind(a);
                c.peer.bind(b);
                c.s.connect(b);
                c.peer.connect(a);
                c.target = b;
                c.peerAddress = b;
            }
            case LISTENER -> {
                c.s = c.track(Socket.listen(new InetSocketAddress(Net.LO4, 0), 8));
                c.target = c.s.localAddress();
            }
            case CONNECTOR_TCP -> {
                c.s = c.track(Socket.open(Domain.INET, Type.STREAM));
                c.listener = p == Promise.DATA ? c.track(Socket.listen(new InetSocketAddress(Net.LO4, 0), 8)) : c.fullListener();
                c.target = c.listener.localAddress();
            }
            case CONNECTOR_UNIX -> {
                c.s = c.track(Socket.open(Domain.UNIX, Type.STREAM));
                c.listener = p == Promise.DATA ? c.track(Socket.listen(c.path(), 8)) : c.fullUnixListener();
                c.target = c.listener.localAddress();
            }
        }
        if (c.peer != null) {
            c.peer.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(10)); // the test's own reads never hang
        }
        boolean waits = cell.waits();
        if (cell.call().sends && !cell.call().connects() && (waits || p != Promise.DATA)) {
            fill(c);
        }
        if (!waits && p == Promise.DATA) {
            readyFirst(c);
        }
        if (p == Promise.TIMEOUT) {
            if (cell.call().waitsInEveryMode) {
                c.connectTimeout = TIMEOUT;
            } else {
                c.s.setOption(cell.call().sends ? NativeOptions.SO_SNDTIMEO : NativeOptions.SO_RCVTIMEO, TIMEOUT);
            }
        }
        if (endsByItsTimeout(cell)) {
            c.connectTimeout = Duration.ofMillis(400);
        }
        if (cell.mode().wait == Wait.O_NONBLOCK) {
            c.s.setBlocking(false);
        }
    }

    /** Fills the send buffer (small) of the socket under test until a non-blocking send would block. */
    private static void fill(Ctx c) throws IOException {
        c.s.setOption(NativeOptions.SO_SNDBUF, 4096);
        boolean dgram = c.cell.call().fixture == Fixture.DGRAM;
        byte[] chunk = new byte[dgram ? 256 : 4096];
        for (int size : dgram ? new int[] {256} : new int[] {4096, 1}) {
            for (int n; (n = c.s.send(chunk, 0, size, MsgFlags.DONTWAIT)) != Socket.WOULD_BLOCK; ) {
                c.filled += dgram ? 1 : n;
            }
        }
        c.s.clearError();
    }

    /** For a non-blocking DATA cell: what the call will find at once. */
    private static void readyFirst(Ctx c) throws IOException {
        switch (c.cell.call().fixture) {
            case STREAM, DGRAM -> {
                if (!c.cell.call().sends) {
                    check(c.peer.send(c.payload) == c.payload.length, () -> "the peer's send was short");
                }
            }
            case LISTENER -> {
                Socket client = c.track(Socket.open(Domain.INET, Type.STREAM));
                client.connect(c.target);
                c.queued.add(client);
                // the connection is queued once the listener is readable: then accept cannot say would-block
                Poller poller = new Poller();
                poller.add(c.s, Poller.IN);
                check(poller.poll(Duration.ofSeconds(5)) == 1, () -> "the listener never became readable");
            }
            case CONNECTOR_TCP, CONNECTOR_UNIX -> { }
        }
    }

    private static Worker act(Ctx c) throws Exception {
        Cell cell = c.cell;
        int flags = cell.mode().wait == Wait.MSG_DONTWAIT ? MsgFlags.DONTWAIT : 0;
        Promise p = cell.promise();
        if (!cell.waits()) {
            // returns at once: with what was made ready (DATA), else would-block; INTERRUPT: with the status set
            Worker w = new Worker(c, flags, p == Promise.INTERRUPT);
            check(w.finished(WAKE_WITHIN_MS), () -> "a non-blocking call did not return");
            if (p == Promise.DATA) {
                expectNormal(c, w);
                verify(c, w);
            } else {
                expectWouldBlock(c, w);
                if (p == Promise.INTERRUPT) {
                    check(w.interruptedAfter, () -> "the interrupt status was cleared");
                    check(!w.closedAfter, () -> "the socket was closed by an interrupt of a call that need not wait");
                }
            }
            return w;
        }
        if (p == Promise.DATA && cell.call().connects()) {
            Worker w = new Worker(c, flags, false); // a listener with room: the connect completes (parked or not)
            check(w.finished(RELEASE_WITHIN_MS), () -> "connect to a listener with room did not complete");
            expectNormal(c, w);
            verify(c, w);
            return w;
        }
        Worker w = new Worker(c, flags, false);
        if (p != Promise.TIMEOUT) { // a timed-out call shows it waited by how long it took
            awaitWaiting(w);
        }
        switch (p) {
            case DATA -> {
                if (cell.mode().thread == ThreadKind.VIRTUAL) {
                    check(Thread.ofVirtual().start(() -> { }).join(Duration.ofSeconds(10)),
                            () -> "another virtual thread did not run while this one waited in " + cell.call());
                }
                release(c);
                check(w.finished(RELEASE_WITHIN_MS), () -> "the released call did not return");
                expectNormal(c, w);
                verify(c, w);
            }
            case TIMEOUT -> {
                check(w.finished(TIMEOUT.toMillis() + WAKE_WITHIN_MS), () -> "the call did not time out");
                check(w.error instanceof SocketTimeoutException && w.error instanceof ErrnoException,
                        () -> "expected SocketTimeoutException, the call " + w.outcome());
                check(w.millis() >= TIMEOUT_AT_LEAST_MS, () -> "timed out after " + w.millis() + " ms, before " + TIMEOUT);
                check(!w.closedAfter, () -> "a timeout closed the socket");
            }
            case CLOSE -> {
                if (cell.sharing() == Sharing.SHARED) {
                    long t0 = System.nanoTime();
                    c.s.close();
                    check(w.finished(WAKE_WITHIN_MS), () -> "close() did not wake the call");
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    check(w.error instanceof SocketClosedException && !w.error.getMessage().contains("interrupt"),
                            () -> "expected SocketClosedException (closed by another thread), the call " + w.outcome());
                    check(ms < WAKE_WITHIN_MS, () -> "woken after " + ms + " ms");
                } else {
                    Throwable refused = null;
                    try {
                        c.s.close();
                    } catch (WrongThreadException e) {
                        refused = e;
                    }
                    check(refused != null, () -> "another thread closed a confined socket");
                    check(!c.s.isClosed(), () -> "a refused close() closed the confined socket");
                    check(!w.finished(STILL_WAITING_MS), () -> "a refused close() ended the call: it " + w.outcome());
                    goOn(c, w);
                }
            }
            case INTERRUPT -> {
                w.thread.interrupt();
                if (cell.mode().thread == ThreadKind.VIRTUAL) {
                    check(w.finished(WAKE_WITHIN_MS), () -> "an interrupt did not wake the parked virtual thread");
                    check(w.error instanceof SocketClosedException && w.error.getMessage().contains("closed by interrupt"),
                            () -> "expected SocketClosedException (closed by interrupt), the call " + w.outcome());
                    check(w.closedAfter, () -> "the interrupt did not close the socket");
                    check(w.interruptedAfter, () -> "the interrupt status was cleared");
                } else {
                    check(!w.finished(STILL_WAITING_MS), () -> "an interrupt stopped a platform thread's call: it " + w.outcome());
                    check(!c.s.isClosed(), () -> "an interrupt closed the socket of a platform thread's call");
                    goOn(c, w);
                    check(w.interruptedAfter, () -> "the interrupt status was cleared");
                }
            }
            default -> throw new AssertionError(p);
        }
        return w;
    }

    /**
     * A TCP connect with a timeout that must go on (a refused close, a platform thread's interrupt)
     * is left to end by its own short timeout: releasing it would cost a SYN retransmission (1 s).
     */
    private static boolean endsByItsTimeout(Cell cell) {
        return cell.call() == Call.CONNECT_TIMED
                && (cell.promise() == Promise.CLOSE && cell.sharing() == Sharing.CONFINED
                    || cell.promise() == Promise.INTERRUPT && cell.mode().thread == ThreadKind.PLATFORM);
    }

    /** A call that must go on after a refused close or a platform thread's interrupt: released, it completes as usual. */
    private static void goOn(Ctx c, Worker w) throws Exception {
        if (endsByItsTimeout(c.cell)) {
            check(w.finished(c.connectTimeout.toMillis() + WAKE_WITHIN_MS), () -> "the connect did not end by its timeout");
            check(w.error instanceof SocketTimeoutException, () -> "expected the connect's own timeout, it " + w.outcome());
            check(!w.closedAfter, () -> "the socket was closed");
            return;
        }
        release(c);
        check(w.finished(RELEASE_WITHIN_MS), () -> "the released call did not return");
        expectNormal(c, w);
        verify(c, w);
    }

    /** Until the worker waits: in the kernel (platform thread) or parked in the library (virtual thread). */
    static void awaitWaiting(Worker w) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int seen = 0;
        while (seen < 2) {
            if (w.done.getCount() == 0) {
                throw new AssertionError("the call did not wait: it " + w.outcome());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the call never waited: " + Arrays.toString(w.thread.getStackTrace()));
            }
            seen = waiting(w) ? seen + 1 : 0;
            Thread.sleep(3);
        }
        Thread.sleep(10);
    }

    private static boolean waiting(Worker w) {
        Thread t = w.thread;
        StackTraceElement[] stack = t.getStackTrace();
        if (t.isVirtual()) {
            Thread.State st = t.getState();
            return (st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING)
                    && Arrays.stream(stack).anyMatch(e -> e.getClassName().startsWith("dev.nativesockets.")
                            && !e.getClassName().startsWith("dev.nativesockets.CallingModeMatrix"));
        }
        boolean inLibC = Arrays.stream(stack).anyMatch(e -> e.getClassName().equals("dev.nativesockets.libc.LibC"));
        if (!inLibC || !Net.LINUX || w.tid < 0) {
            return inLibC;
        }
        try { // sleeping in the kernel, not on its way there
            String stat = Files.readString(Path.of("/proc/self/task/" + w.tid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("S");
        } catch (IOException e) {
            return false;
        }
    }

    /** What releases a waiting call: data for a receive, room for a send, a client for accept, room in the queue for connect. */
    private static void release(Ctx c) throws IOException {
        switch (c.cell.call().fixture) {
            case STREAM, DGRAM -> {
                if (c.cell.call().sends) {
                    drainFiller(c);
                } else {
                    check(c.peer.send(c.payload) == c.payload.length, () -> "the peer's send was short");
                }
            }
            case LISTENER -> {
                Socket client = c.track(Socket.open(Domain.INET, Type.STREAM));
                client.connect(c.target);
                c.queued.add(client);
            }
            case CONNECTOR_TCP, CONNECTOR_UNIX -> c.makeRoom();
        }
    }

    private static void drainFiller(Ctx c) throws IOException {
        if (c.cell.call().fixture == Fixture.DGRAM) {
            byte[] b = new byte[512];
            for (int i = 0; i < c.filled; i++) {
                int n = c.peer.recv(b);
                check(n == 256 && allZero(b, n), () -> "a filler datagram came back changed");
            }
        } else {
            byte[] b = Net.readN(c.peer, c.filled);
            check(allZero(b, b.length), () -> "the filler bytes came back changed");
        }
    }

    private static boolean allZero(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void expectNormal(Ctx c, Worker w) {
        check(w.error == null && w.got != null && !w.got.wouldBlock, () -> "expected the call to complete, it " + w.outcome());
    }

    private static void expectWouldBlock(Ctx c, Worker w) {
        Call call = c.cell.call();
        if (call == Call.SEND_ALL) {
            check(w.error instanceof IllegalStateException, () -> "sendAll on a non-blocking socket: expected IllegalStateException, it " + w.outcome());
            return;
        }
        check(w.error == null && w.got != null && w.got.wouldBlock, () -> "expected the documented would-block result, the call " + w.outcome());
        int expected = call == Call.CONNECT ? Errno.EINPROGRESS : Errno.EAGAIN; // a full Unix backlog: EAGAIN
        check(w.lastErrorAfter == expected, () -> "Socket.lastError() " + Errno.name(w.lastErrorAfter) + ", expected " + Errno.name(expected));
        check(w.errnoAfter == expected, () -> "Errno.lastError() " + Errno.name(w.errnoAfter) + ", expected " + Errno.name(expected));
    }

    /** The data or connection arrived intact. */
    private static void verify(Ctx c, Worker w) throws IOException {
        Got got = w.got;
        switch (c.cell.call().fixture) {
            case STREAM, DGRAM -> {
                if (c.cell.call().sends) {
                    int n = (int) got.count;
                    check(n > 0 && n <= c.payload.length, () -> "sent " + n + " bytes");
                    byte[] back;
                    if (c.cell.call().fixture == Fixture.DGRAM) {
                        byte[] b = new byte[512];
                        int len = c.peer.recv(b);
                        back = Arrays.copyOf(b, len);
                    } else {
                        back = Net.readN(c.peer, n);
                    }
                    check(Arrays.equals(back, Arrays.copyOf(c.payload, n)), () -> "the peer received other bytes: " + Arrays.toString(back));
                } else {
                    check(got.count > 0 && Arrays.equals(got.data, Arrays.copyOf(c.payload, (int) got.count)),
                            () -> "received other bytes: " + Arrays.toString(got.data));
                }
            }
            case LISTENER -> {
                Socket a = c.track(got.accepted);
                check(a.isBlocking(), () -> "an accepted socket starts blocking");
                c.queued.get(c.queued.size() - 1).send(c.payload, 0, 1, 0);
                byte[] one = new byte[1];
                a.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(10));
                check(a.recv(one) == 1 && one[0] == c.payload[0], () -> "the accepted connection does not carry data");
            }
            case CONNECTOR_TCP, CONNECTOR_UNIX -> check(c.target.equals(got.peer), () -> "connected to " + got.peer + ", not " + c.target);
        }
    }

    /**
     * The child JVM of a {@link Mode} with JVM options: runs every cell of that mode that applies and
     * prints {@code CELL <id> PASS} or {@code CELL <id> FAIL <reason>} for each, then {@code DONE}.
     */
    public static void main(String[] args) {
        Mode mode = Mode.valueOf(args[0]);
        java.util.regex.Pattern only = java.util.regex.Pattern.compile(System.getProperty("matrix.only", ".*"));
        cells(mode).filter(c -> exclusion(c) == null && !KNOWN_DEFECTS.containsKey(c.id()) && only.matcher(c.id()).matches())
                .forEach(cell -> {
                    String result;
                    try {
                        run(cell);
                        result = "PASS";
                    } catch (Throwable e) {
                        result = "FAIL " + String.valueOf(e).replace('\n', ' ');
                    }
                    System.out.println("CELL " + cell.id() + " " + result);
                });
        System.out.println("DONE");
        System.exit(0); // a worker stuck in a call that broke its promise must not keep the JVM
    }

    static void check(boolean ok, java.util.function.Supplier<String> what) {
        if (!ok) {
            throw new AssertionError(what.get());
        }
    }
}
