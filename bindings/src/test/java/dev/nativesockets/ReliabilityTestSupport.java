package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * What the reliability tests need beside the library: their own libc calls (so that the checks do
 * not depend on the code under test), descriptor counting, and — on Linux — a way to see that a
 * thread is really blocked inside a given system call ({@code /proc/self/task/TID/syscall}).
 */
final class ReliabilityTestSupport {
    private ReliabilityTestSupport() {}

    static final boolean LINUX = System.getProperty("os.name").toLowerCase().contains("linux");
    static final boolean X86_64 = System.getProperty("os.arch").matches("amd64|x86_64");
    static final int SIGPIPE = 13;
    static final int SIGWINCH = 28;
    static final int SIGURG = LINUX ? 23 : 16;
    private static final int SIG_BLOCK = LINUX ? 0 : 1;
    private static final int SIG_UNBLOCK = LINUX ? 1 : 2;
    private static final int F_DUPFD = 0;
    private static final int F_GETFD = 1;
    private static final int SIGSET_BYTES = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;

    private static final MethodHandle SOCKETPAIR = h("socketpair", FunctionDescriptor.of(INT, INT, INT, INT, PTR));
    private static final MethodHandle PIPE = h("pipe", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle CLOSE = h("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle READ = h("read", FunctionDescriptor.of(LONG, INT, PTR, LONG));
    private static final MethodHandle WRITE = h("write", FunctionDescriptor.of(LONG, INT, PTR, LONG));
    private static final MethodHandle SEND = h("send", FunctionDescriptor.of(LONG, INT, PTR, LONG, INT));
    private static final MethodHandle RECV_ERRNO = LINKER.downcallHandle(LIBC.find("recv").orElseThrow(),
            FunctionDescriptor.of(LONG, INT, PTR, LONG, INT), Linker.Option.captureCallState("errno"));
    private static final MethodHandle FCNTL = LINKER.downcallHandle(LIBC.find("fcntl").orElseThrow(),
            FunctionDescriptor.of(INT, INT, INT, INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL = LINKER.downcallHandle(LIBC.find("ioctl").orElseThrow(),
            FunctionDescriptor.of(INT, INT, LONG, PTR), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle GETPID = h("getpid", FunctionDescriptor.of(INT));
    private static final MethodHandle KILL = h("kill", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle GETTID = LINUX ? h("gettid", FunctionDescriptor.of(INT)) : null;
    private static final MethodHandle TGKILL = LINUX ? h("tgkill", FunctionDescriptor.of(INT, INT, INT, INT)) : null;
    private static final MethodHandle SIGEMPTYSET = h("sigemptyset", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle SIGADDSET = h("sigaddset", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle SIGISMEMBER = h("sigismember", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle SIGPENDING = h("sigpending", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle SIGWAIT = h("sigwait", FunctionDescriptor.of(INT, PTR, PTR));
    private static final MethodHandle PTHREAD_SIGMASK = h("pthread_sigmask", FunctionDescriptor.of(INT, INT, PTR, PTR));
    private static final MethodHandle SIGACTION = h("sigaction", FunctionDescriptor.of(INT, INT, PTR, PTR));

    private static MethodHandle h(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new IllegalStateException("no " + name)), fd);
    }

    @FunctionalInterface
    interface NativeCall<T> {
        T call() throws Throwable;
    }

    static <T> T invoke(NativeCall<T> c) {
        try {
            return c.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    // ---- descriptors ------------------------------------------------------------------------

    /** A raw Unix stream socketpair made without the library: {fd0, fd1}. */
    static int[] rawSocketPair() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sv = a.allocate(INT, 2);
            int r = invoke(() -> (int) SOCKETPAIR.invokeExact(Constants.AF_UNIX, Constants.SOCK_STREAM, 0, sv));
            assertEquals(0, r, "socketpair");
            return new int[] {sv.get(INT, 0), sv.get(INT, 4)};
        }
    }

    /** A raw pipe: {read end, write end}. */
    static int[] rawPipe() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sv = a.allocate(INT, 2);
            int r = invoke(() -> (int) PIPE.invokeExact(sv));
            assertEquals(0, r, "pipe");
            return new int[] {sv.get(INT, 0), sv.get(INT, 4)};
        }
    }

    static int rawClose(int fd) {
        return invoke(() -> (int) CLOSE.invokeExact(fd));
    }

    static long rawWrite(int fd, byte[] b) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocateFrom(ValueLayout.JAVA_BYTE, b);
            return invoke(() -> (long) WRITE.invokeExact(fd, s, (long) b.length));
        }
    }

    /** Non-blocking send without SIGPIPE (on Linux); -1 on failure. */
    static long rawSendNoWait(int fd, byte[] b) {
        int flags = Constants.MSG_DONTWAIT | (LINUX ? 0x4000 /* MSG_NOSIGNAL */ : 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocateFrom(ValueLayout.JAVA_BYTE, b);
            return invoke(() -> (long) SEND.invokeExact(fd, s, (long) b.length, flags));
        }
    }

    /** Plain write(2): raises SIGPIPE on a broken connection, unlike anything in the library. */
    static long rawWriteMaySignal(int fd, byte[] b) {
        return rawWrite(fd, b);
    }

    static byte[] rawRead(int fd, int max) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(max);
            long n = invoke(() -> (long) READ.invokeExact(fd, s, (long) max));
            assertTrue(n >= 0, "read failed on fd " + fd);
            return s.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** recv(2) with the errno: {result, errno}. Blocking unless flags say otherwise. */
    static long[] rawRecv(int fd, int max, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(max);
            MemorySegment cs = a.allocate(Linker.Option.captureStateLayout());
            long n = invoke(() -> (long) RECV_ERRNO.invokeExact(cs, fd, s, (long) max, flags));
            int errno = cs.get(INT, Linker.Option.captureStateLayout().byteOffset(
                    java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
            return new long[] {n, errno};
        }
    }

    /** Bytes waiting to be read on {@code fd} ({@code FIONREAD}). */
    static int available(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(INT);
            int r = invoke(() -> (int) IOCTL.invokeExact(fd, (long) Constants.FIONREAD, v));
            assertEquals(0, r, "ioctl(FIONREAD) on fd " + fd);
            return v.get(INT, 0);
        }
    }

    /** {@code fcntl(fd, F_GETFL)}: the open file description's status flags (O_NONBLOCK …). */
    static int fcntlFlags(int fd) {
        return invoke(() -> (int) FCNTL.invokeExact(fd, dev.nativesockets.libc.Constants.F_GETFL, 0));
    }

    static boolean isOpen(int fd) {
        return invoke(() -> (int) FCNTL.invokeExact(fd, F_GETFD, 0)) >= 0;
    }

    /** {@code fcntl(fd, F_DUPFD, min)}: a duplicate with the lowest free number at or above {@code min}. */
    static int dupAtLeast(int fd, int min) {
        int r = invoke(() -> (int) FCNTL.invokeExact(fd, F_DUPFD, min));
        assertTrue(r >= min, "F_DUPFD failed");
        return r;
    }

    /** What the descriptor is, e.g. {@code socket:[1234]} (Linux); {@code "open"} elsewhere. */
    static String identity(int fd) {
        if (!LINUX) {
            return isOpen(fd) ? "open" : "closed";
        }
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return "closed";
        }
    }

    private static Path fdDir() {
        return Path.of(LINUX ? "/proc/self/fd" : "/dev/fd");
    }

    /** How many descriptors this process has open. */
    static int openDescriptors() {
        try (Stream<Path> s = Files.list(fdDir())) {
            return (int) s.count() - 1; // the directory stream's own descriptor
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** fd number -> what it is, for a failure message. */
    static TreeMap<Integer, String> descriptorTable() {
        TreeMap<Integer, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(fdDir())) {
            for (Path p : (Iterable<Path>) s::iterator) {
                int fd = Integer.parseInt(p.getFileName().toString());
                m.put(fd, identity(fd));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /**
     * Runs the garbage collector until the descriptor count is back at {@code baseline} (Cleaners
     * of dropped sockets may still be pending) or {@code millis} pass; returns the last count.
     */
    static int settleDescriptors(int baseline, long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        int n = openDescriptors();
        while (n > baseline && System.nanoTime() < end) {
            System.gc();
            LockSupport.parkNanos(20_000_000);
            n = openDescriptors();
        }
        return n;
    }

    /**
     * Runs the garbage collector until none of {@code fds} is open (the Cleaners of the dropped
     * objects that owned them have closed them) or {@code seconds} pass; returns how many are still open.
     */
    static int openAfterCollecting(int[] fds, long seconds) {
        long end = System.nanoTime() + seconds * 1_000_000_000;
        int open = fds.length;
        while (open > 0 && System.nanoTime() < end) {
            System.gc();
            LockSupport.parkNanos(20_000_000);
            open = (int) java.util.Arrays.stream(fds).filter(ReliabilityTestSupport::isOpen).count();
        }
        return open;
    }

    /**
     * Whether a descriptor is of a kind tests create: a socket, a pipe, or an anonymous inode
     * (epoll, eventfd, ...). Files the JVM opens on its own (a jar read for a class loaded late)
     * are not; off Linux nothing says what a descriptor is, so every one counts.
     */
    private static boolean ofATestsKind(String identity) {
        return !LINUX || identity.startsWith("socket:") || identity.startsWith("pipe:") || identity.startsWith("anon_inode:");
    }

    /**
     * The descriptors open now that {@code before} (a {@link #descriptorTable()}) did not have as
     * the same thing: a new number, or a known number that now names another socket or pipe (its
     * inode differs). Only the kinds a test creates count (see {@link #ofATestsKind}).
     *
     * <p>Unlike a count of all descriptors, this cannot be fooled by others: an earlier test's
     * Cleaner that closes one of its descriptors meanwhile neither hides a leak (the count would
     * fall by one as the leak adds one) nor makes one up.
     */
    static TreeMap<Integer, String> createdSince(TreeMap<Integer, String> before) {
        TreeMap<Integer, String> now = descriptorTable();
        now.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())) || !ofATestsKind(e.getValue()));
        return now;
    }

    /** The numbers of the descriptors open now that {@code before} did not have (see {@link #createdSince}). */
    static java.util.Set<Integer> numbersCreatedSince(TreeMap<Integer, String> before) {
        return createdSince(before).keySet();
    }

    /** Whether descriptor {@code fd}, as {@code before} knew it, is closed now (its number free or another thing's). */
    static boolean closedSince(TreeMap<Integer, String> before, int fd) {
        String was = before.get(fd);
        return was == null || !was.equals(identity(fd)) || !isOpen(fd);
    }

    /**
     * Fails unless every descriptor created since {@code before} is closed again. Runs the garbage
     * collector meanwhile, for up to 5 s, for the Cleaners of what the test itself dropped.
     */
    static void assertAllClosedSince(TreeMap<Integer, String> before, String what) {
        long end = System.nanoTime() + 5_000_000_000L;
        TreeMap<Integer, String> left = createdSince(before);
        while (!left.isEmpty() && System.nanoTime() < end) {
            System.gc();
            LockSupport.parkNanos(20_000_000);
            left = createdSince(before);
        }
        if (!left.isEmpty()) {
            fail(what + ": " + left.size() + " descriptor(s) opened since the start are still open: " + left);
        }
    }

    /**
     * Fails if descriptors opened since {@code before} stay open (see {@link #assertAllClosedSince});
     * {@code baseline} is only reported: a count can be moved by other tests' Cleaners.
     */
    static void assertNoDescriptorGrowth(int baseline, TreeMap<Integer, String> before, String what) {
        assertAllClosedSince(before, what + " (" + baseline + " descriptors open before, " + openDescriptors() + " now)");
    }

    // ---- threads and system calls -------------------------------------------------------------

    static int gettid() {
        return LINUX ? invoke(() -> (int) GETTID.invokeExact()) : -1;
    }

    static int getpid() {
        return invoke(() -> (int) GETPID.invokeExact());
    }

    /** System call numbers by what a blocked call of the library sits in. */
    enum Blocked {
        ACCEPT(X86_64 ? Set.of(43, 288) : Set.of(202, 242), true),
        RECV(X86_64 ? Set.of(45, 0) : Set.of(207, 63), true),
        READV(X86_64 ? Set.of(19) : Set.of(65), true),
        SEND(X86_64 ? Set.of(44, 1) : Set.of(206, 64), true),
        CONNECT(X86_64 ? Set.of(42) : Set.of(203), true),
        SELECT(X86_64 ? Set.of(23, 270) : Set.of(72), false),
        POLL(X86_64 ? Set.of(7, 271) : Set.of(73), false);

        final Set<Integer> numbers;
        final boolean firstArgIsFd;

        Blocked(Set<Integer> numbers, boolean firstArgIsFd) {
            this.numbers = numbers;
            this.firstArgIsFd = firstArgIsFd;
        }
    }

    /** The first fields of {@code /proc/self/task/TID/syscall}, or null if it cannot be read. */
    static String[] syscallOf(int tid) {
        try {
            return Files.readString(Path.of("/proc/self/task/" + tid + "/syscall")).trim().split(" ");
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Waits until thread {@code tid} sits in one of {@code what}'s system calls (on {@code fd} where
     * the call takes one). On platforms without {@code /proc} it waits a fixed 20 ms instead.
     *
     * @return false if it did not happen within {@code millis} or {@code stillRunning} turned false
     */
    static boolean awaitBlocked(int tid, Blocked what, int fd, long millis, java.util.function.BooleanSupplier stillRunning) {
        if (!LINUX) {
            LockSupport.parkNanos(20_000_000);
            return stillRunning.getAsBoolean();
        }
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (!stillRunning.getAsBoolean()) {
                return false;
            }
            String[] f = syscallOf(tid);
            if (f != null && f.length > 1 && !f[0].equals("running") && !f[0].startsWith("-")) {
                int nr = Integer.parseInt(f[0]);
                if (what.numbers.contains(nr) && (!what.firstArgIsFd || Long.decode(f[1]) == fd)) {
                    return true;
                }
            }
            LockSupport.parkNanos(20_000);
        }
        return false;
    }

    // ---- signals --------------------------------------------------------------------------------

    /** A {@code sigset_t} holding {@code signals}. */
    static MemorySegment sigset(Arena a, int... signals) {
        MemorySegment set = a.allocate(SIGSET_BYTES, 8);
        invoke(() -> (int) SIGEMPTYSET.invokeExact(set));
        for (int s : signals) {
            invoke(() -> (int) SIGADDSET.invokeExact(set, s));
        }
        return set;
    }

    static void blockInThisThread(int signal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = sigset(a, signal);
            assertEquals(0, invoke(() -> (int) PTHREAD_SIGMASK.invokeExact(SIG_BLOCK, set, MemorySegment.NULL)));
        }
    }

    static void unblockInThisThread(int signal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = sigset(a, signal);
            assertEquals(0, invoke(() -> (int) PTHREAD_SIGMASK.invokeExact(SIG_UNBLOCK, set, MemorySegment.NULL)));
        }
    }

    /** Whether {@code signal} is pending for this thread or the process. */
    static boolean isPending(int signal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = sigset(a);
            assertEquals(0, invoke(() -> (int) SIGPENDING.invokeExact(set)));
            return invoke(() -> (int) SIGISMEMBER.invokeExact(set, signal)) == 1;
        }
    }

    /** Takes a pending (blocked) signal off the queue; it must be pending. */
    static void consumePending(int signal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = sigset(a, signal);
            MemorySegment got = a.allocate(INT);
            assertEquals(0, invoke(() -> (int) SIGWAIT.invokeExact(set, got)));
            assertEquals(signal, got.get(INT, 0));
        }
    }

    static void killProcess(int signal) {
        assertEquals(0, invoke(() -> (int) KILL.invokeExact(getpid(), signal)));
    }

    /** Sends {@code signal} to one thread of this process (Linux). */
    static void killThread(int tid, int signal) {
        assertEquals(0, invoke(() -> (int) TGKILL.invokeExact(getpid(), tid, signal)));
    }

    /**
     * Linux: installs a do-nothing handler for {@code signal} <em>without</em> {@code SA_RESTART},
     * so that a system call blocked in a thread that receives it fails with {@code EINTR} — which the
     * JVM's own handlers (all {@code SA_RESTART}) never let happen. The handler is libc's
     * {@code abs(int)}: it takes the signal number, touches nothing, and returns.
     *
     * @return the previous {@code struct sigaction}, for {@link #restoreHandler}
     */
    static MemorySegment installInterruptingHandler(Arena arena, int signal) {
        if (!LINUX) {
            throw new UnsupportedOperationException("Linux only");
        }
        // glibc's struct sigaction: handler (8), sa_mask (128), sa_flags (int), pad, sa_restorer (8)
        MemorySegment act = arena.allocate(152, 8);
        MemorySegment old = arena.allocate(152, 8);
        act.set(ValueLayout.ADDRESS, 0, LIBC.find("abs").orElseThrow());
        invoke(() -> (int) SIGEMPTYSET.invokeExact(act.asSlice(8, SIGSET_BYTES)));
        act.set(INT, 136, 0); // sa_flags: no SA_RESTART
        assertEquals(0, invoke(() -> (int) SIGACTION.invokeExact(signal, act, old)));
        return old;
    }

    static void restoreHandler(int signal, MemorySegment old) {
        assertEquals(0, invoke(() -> (int) SIGACTION.invokeExact(signal, old, MemorySegment.NULL)));
    }

    // ---- a thread to block in ---------------------------------------------------------------------

    /** What a call run by a {@link Blocker} came back with. */
    record Outcome(Object value, Throwable thrown, boolean interruptedAfter, long endNanos) {}

    @FunctionalInterface
    interface Call {
        Object run() throws Exception;
    }

    /** One daemon thread that runs calls expected to block; knows its kernel thread id. */
    static final class Blocker implements AutoCloseable {
        final Thread thread;
        final int tid;
        private final java.util.concurrent.ExecutorService executor;

        Blocker(String name) {
            Thread[] made = new Thread[1];
            executor = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                made[0] = t;
                return t;
            });
            try {
                tid = executor.submit(ReliabilityTestSupport::gettid).get();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            thread = made[0];
        }

        java.util.concurrent.CompletableFuture<Outcome> start(Call call) {
            return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                Object v = null;
                Throwable t = null;
                try {
                    v = call.run();
                } catch (Throwable e) {
                    t = e;
                }
                long end = System.nanoTime();
                boolean interrupted = Thread.interrupted(); // and clear it for the next call
                return new Outcome(v, t, interrupted, end);
            }, executor);
        }

        /** Waits until the call sits in {@code what} (see {@link ReliabilityTestSupport#awaitBlocked}). */
        void awaitIn(Blocked what, int fd, java.util.concurrent.CompletableFuture<Outcome> f) {
            if (!awaitBlocked(tid, what, fd, 5_000, () -> !f.isDone())) {
                fail("the call did not block in " + what + (f.isDone() ? ": it returned " + f.join() : ""));
            }
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }

    // ---- misc -----------------------------------------------------------------------------------

    /** Percentile of a list of nanosecond samples, in milliseconds. */
    static double percentileMillis(List<Long> nanos, double p) {
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.min(sorted.size() - 1, Math.round(p * (sorted.size() - 1)));
        return sorted.get(i) / 1e6;
    }
}
