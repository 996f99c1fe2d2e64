package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nativesockets.libc.Platform;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Shared fixtures for the socket tests: loopback addresses, connected pairs, threads, fd counts. */
final class Net {
    private Net() {}

    static final boolean LINUX = Platform.current().isLinux();
    static final InetAddress LO4 = addr("127.0.0.1");
    static final InetAddress LO6 = addr("::1");
    static final InetSocketAddress ANY4 = new InetSocketAddress(LO4, 0);
    static final InetSocketAddress ANY6 = new InetSocketAddress(LO6, 0);

    /**
     * Shrinks the socket's send buffer to 4 KiB and sends until the kernel takes no more, even after
     * a pause, so that the next blocking send waits (blocks, or parks on a virtual thread); the socket is left blocking.
     *
     * @return how many bytes were queued, for a test that drains exactly those
     */
    static long fillSendBuffer(Socket s) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        s.setOption(NativeOptions.SO_SNDBUF, 4096);
        s.setBlocking(false);
        long queued = 0;
        // TCP hands what it queued on to the peer's receive buffer after send returns, freeing the
        // send buffer again (a select for writing then returned at once, 1 round in ~500 on a busy
        // host): fill again after a pause until a pass queues nothing
        for (;;) {
            long pass = 0;
            for (int n; (n = s.send(chunk)) != Socket.WOULD_BLOCK; ) {
                pass += n;
            }
            queued += pass;
            if (pass == 0) { // nothing more after a pause: full
                break;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        s.setBlocking(true);
        return queued;
    }

    static InetAddress addr(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static InetSocketAddress loopback(Domain d) {
        return d == Domain.INET6 ? ANY6 : ANY4;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static String str(MemorySegment seg, int len) {
        return new String(seg.asSlice(0, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    static MemorySegment segment(Arena arena, String s) {
        byte[] b = utf8(s);
        MemorySegment seg = arena.allocate(b.length);
        seg.copyFrom(MemorySegment.ofArray(b));
        return seg;
    }

    static int port(Socket s) throws IOException {
        return ((InetSocketAddress) s.localAddress()).getPort();
    }

    /**
     * A UDP socket connected to a port of 127.0.0.1 that was bound a moment ago and closed: what it
     * sends draws an ICMP port unreachable, which the kernel queues on it as {@code ECONNREFUSED}.
     */
    static Socket udpConnectedToAClosedPort() throws IOException {
        int port;
        try (Socket gone = Socket.open(Domain.INET, Type.DGRAM)) {
            gone.bind(ANY4);
            port = port(gone);
        }
        Socket s = Socket.open(Domain.INET, Type.DGRAM);
        try {
            s.connect(new InetSocketAddress(LO4, port));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** An IPv6 socket of {@code type} with {@code IPV6_V6ONLY} as given, bound to {@code [::]} on a free port. */
    static Socket boundToIn6Any(Type type, boolean v6only) throws IOException {
        Socket s = Socket.open(Domain.INET6, type);
        try {
            s.setOption(NativeOptions.IPV6_V6ONLY, v6only);
            s.bind(new InetSocketAddress(addr("::"), 0));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** A listener, a client connected to it and the accepted end. */
    record Conn(Socket listener, Socket client, Socket server) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            server.close();
            listener.close();
        }
    }

    static Conn tcp(Domain d) throws IOException {
        Socket l = Socket.listen(loopback(d), 8);
        Socket c = Socket.open(d, Type.STREAM);
        c.connect(l.localAddress());
        Socket a = l.accept();
        return new Conn(l, c, a);
    }

    static Conn unixStream(Path dir) throws IOException {
        SocketAddress path = java.net.UnixDomainSocketAddress.of(dir.resolve("s" + System.nanoTime()));
        Socket l = Socket.listen(path, 8);
        Socket c = Socket.open(Domain.UNIX, Type.STREAM);
        c.connect(path);
        Socket a = l.accept();
        return new Conn(l, c, a);
    }

    /** Reads exactly {@code n} bytes (blocking). */
    static byte[] readN(Socket s, int n) throws IOException {
        byte[] b = new byte[n];
        int got = 0;
        while (got < n) {
            int r = s.recv(b, got, n - got, 0);
            if (r <= 0) {
                fail("stream ended after " + got + " of " + n + " bytes");
            }
            got += r;
        }
        return b;
    }

    /** Open descriptors of this process (Linux /proc; Darwin /dev/fd). */
    static long openFds() throws IOException {
        Path dir = Path.of(LINUX ? "/proc/self/fd" : "/dev/fd");
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    interface Body<T> {
        T run() throws Exception;
    }

    /** Runs {@code body} on a new platform thread; the future completes with its result or failure. */
    static <T> CompletableFuture<T> async(String name, Body<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(body.run());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** The future's failure (unwrapped), failing the test if it completed normally or hung. */
    static Throwable failure(CompletableFuture<?> f, long seconds) throws Exception {
        try {
            Object v = f.get(seconds, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + v);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
    }

    /**
     * Starts {@code call}, which blocks on {@code s}, on another thread, closes {@code s} from this
     * one once the call has had time to block, and returns what the call failed with (failing the
     * test if it returned, or did not end within 5 s of the close).
     */
    static Throwable failureWhenClosedFromHere(Socket s, Body<?> call) throws Exception {
        CompletableFuture<?> f = async("blocked", call);
        Thread.sleep(200);
        s.close();
        return failure(f, 5);
    }

    /**
     * Waits until {@code thread} is inside the native downcall {@code LibC.<method>} (by its stack),
     * then a little longer so it is parked in the kernel.
     */
    static void awaitNative(Thread thread, String method) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            boolean inside = Arrays.stream(thread.getStackTrace()).anyMatch(e ->
                    (e.getClassName().startsWith("dev.nativesockets.libc.LibC")
                            || e.getClassName().startsWith("dev.nativesockets.internal.CriticalCalls"))
                            && e.getMethodName().equals(method));
            if (inside) {
                Thread.sleep(30);
                return;
            }
            Thread.sleep(2);
        }
        throw new AssertionError(thread.getName() + " never entered LibC/CriticalCalls." + method + ": "
                + Arrays.toString(thread.getStackTrace()));
    }

    /** A Thread whose body we control, with its failure and the time it ended. */
    static final class Blocked extends Thread {
        private final Body<?> body;
        volatile Throwable error;
        volatile Object result;
        volatile long endedNanos;

        Blocked(String name, Body<?> body) {
            super(name);
            this.body = body;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                result = body.run();
            } catch (Throwable e) {
                error = e;
            } finally {
                endedNanos = System.nanoTime();
            }
        }

        static Blocked start(String name, Body<?> body) {
            Blocked b = new Blocked(name, body);
            b.start();
            return b;
        }
    }

    /** An interface with an IPv6 link-local address, as that address with its scope, or null. */
    static java.net.Inet6Address linkLocal() throws IOException {
        for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
            if (!ni.isUp()) {
                continue;
            }
            for (InetAddress a : ni.inetAddresses().toList()) {
                if (a instanceof java.net.Inet6Address v6 && v6.isLinkLocalAddress() && v6.getScopeId() != 0) {
                    return v6;
                }
            }
        }
        return null;
    }

    static void assertBytes(String expected, byte[] actual) {
        assertEquals(expected, str(actual));
    }
}
