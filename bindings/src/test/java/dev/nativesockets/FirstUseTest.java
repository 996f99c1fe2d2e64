package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.libc.Platform;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Start-up regression guard: a fresh JVM runs {@link FirstUseChild} (open, connect, one 1-byte
 * echo, close) with {@code -Xlog:class+load}, and the log must show that the first use pays only
 * for what it uses. Counts, never timings:
 *
 * <ul>
 *   <li>one downcall handle linked per C function called, and no more: the {@code LibC} holder
 *       classes loaded are exactly those of the calls made;
 *   <li>at most one linker stub per distinct function shape (the JDK shares a stub between
 *       handles with the same descriptor and options);
 *   <li>no lambda or method reference of the library spun at start-up (each costs a hidden
 *       class; the first one several milliseconds);
 *   <li>no memory-layout path or segment {@code VarHandle} (several milliseconds of LambdaForms
 *       on first use; the library writes socket addresses with plain array stores);
 *   <li>no library class outside a known list: a new class on this path costs its load and
 *       verification, so adding one should be a decision (add it to {@link #ALLOWED}).
 * </ul>
 */
class FirstUseTest {
    private static final boolean LINUX = Platform.current().isLinux();

    /** The LibC functions the child calls: Darwin also sets close-on-exec and SO_NOSIGPIPE per socket. */
    private static final Set<String> CALLS = LINUX
            ? Set.of("socket", "connect", "send", "recv", "close")
            : Set.of("socket", "fcntl", "setsockopt", "connect", "send", "recv", "close");

    /** Distinct downcall shapes among {@link #CALLS} (send and recv share one). */
    private static final int SHAPES = CALLS.size() - 1;

    /** Library classes the first use may load. */
    private static final Set<String> ALLOWED = Set.of(
            "dev.nativesockets.FirstUseChild",
            "dev.nativesockets.Socket", "dev.nativesockets.Domain", "dev.nativesockets.Type",
            "dev.nativesockets.MsgFlags", "dev.nativesockets.FdHandle", "dev.nativesockets.Addresses",
            "dev.nativesockets.Scratch",
            // the work behind Socket's calls (issue 24): each call's class, and the socket's SocketWait
            "dev.nativesockets.Checks", "dev.nativesockets.Connector", "dev.nativesockets.SendReceive",
            "dev.nativesockets.SocketWait", "dev.nativesockets.internal.Downcalls",
            // Socket's superclass (the call bracket and the confined fast path), its factories, and
            // the byte[] forms the child's one-byte echo uses
            "dev.nativesockets.SocketDescriptor", "dev.nativesockets.SocketCreation", "dev.nativesockets.HeapIo",
            // loaded by the verifier for Socket's throw sites and address checks
            "dev.nativesockets.SockAddr", "dev.nativesockets.ErrnoException",
            "dev.nativesockets.SocketClosedException", "dev.nativesockets.Errno$NativeSocketTimeoutException",
            "dev.nativesockets.libc.Constants", "dev.nativesockets.libc.Platform",
            "dev.nativesockets.libc.Platform$Os", "dev.nativesockets.libc.Platform$Arch",
            "dev.nativesockets.libc.PlatformTable", "dev.nativesockets.libc.PlatformTable$Builder",
            "dev.nativesockets.libc.LinuxTable", "dev.nativesockets.libc.DarwinTable",
            "dev.nativesockets.libc.CallState", "dev.nativesockets.libc.Field", "dev.nativesockets.libc.LibC",
            "dev.nativesockets.libc.Sockaddr", "dev.nativesockets.libc.SockaddrIn",
            "dev.nativesockets.libc.SockaddrUn");

    private static List<String> loaded;

    @BeforeAll
    static void runChild() throws Exception {
        Path dir = Files.createTempDirectory("ns-first-use");
        Path log = dir.resolve("class-load.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Path.of(Socket.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + File.pathSeparator
                + Path.of(FirstUseChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread echo = Thread.ofPlatform().daemon().start(() -> {
                try (java.net.Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    int b;
                    while ((b = in.read()) >= 0) {
                        out.write(b);
                    }
                } catch (IOException e) {
                    // the child died; its exit status says so
                }
            });
            Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                    "-Xlog:class+load=info:file=" + log, "-cp", cp,
                    FirstUseChild.class.getName(), Integer.toString(server.getLocalPort()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile()).start();
            try {
                assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child did not exit");
                assertEquals(0, child.exitValue(), () -> read(dir.resolve("child.out")));
            } finally {
                child.destroyForcibly();
            }
            echo.join(10_000);
            // "[0.012s][info][class,load] java.lang.Object source: ..." -> the class name
            loaded = Files.readAllLines(log).stream()
                    .map(line -> line.substring(line.indexOf("] ", line.indexOf("class,load")) + 2))
                    .map(rest -> rest.substring(0, rest.indexOf(' ')))
                    .toList();
        } finally {
            for (String f : List.of("class-load.log", "child.out")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.deleteIfExists(dir);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static Set<String> matching(String prefix) {
        TreeSet<String> s = new TreeSet<>();
        for (String name : loaded) {
            if (name.startsWith(prefix)) {
                s.add(name);
            }
        }
        return s;
    }

    @Test
    void linksOneHandlePerFunctionCalled() {
        TreeSet<String> linked = new TreeSet<>();
        for (String holder : matching("dev.nativesockets.libc.LibC$")) {
            linked.add(holder.substring("dev.nativesockets.libc.LibC$".length()));
        }
        assertEquals(new TreeSet<>(CALLS), linked, "downcall handles linked by the first open/connect/send/recv/close");
    }

    @Test
    void spinsOneLinkerStubPerShape() {
        Set<String> stubs = matching("jdk.internal.foreign.abi.DowncallStub");
        assertTrue(stubs.size() <= SHAPES, () -> stubs.size() + " downcall stubs for " + SHAPES + " function shapes");
    }

    @Test
    void spinsNoLambdaOfTheLibrary() {
        Set<String> lambdas = new TreeSet<>();
        for (String name : matching("dev.nativesockets.")) {
            if (name.contains("$$Lambda")) {
                lambdas.add(name);
            }
        }
        assertEquals(Set.of(), lambdas, "lambdas and method references run at first use");
    }

    @Test
    void usesNoLayoutPathOrSegmentVarHandle() {
        assertEquals(Set.of(), matching("jdk.internal.foreign.LayoutPath"),
                "a layout path (byteOffset/varHandle on a layout, or a segment get/set) at first use");
    }

    @Test
    void loadsOnlyKnownLibraryClasses() {
        TreeSet<String> extra = new TreeSet<>();
        for (String name : matching("dev.nativesockets.")) {
            if (!ALLOWED.contains(name) && !name.startsWith("dev.nativesockets.libc.LibC$")) {
                extra.add(name);
            }
        }
        assertEquals(Set.of(), extra, "library classes newly loaded by the first open/connect/send/recv/close");
    }
}
