package dev.nativesockets.demo.client;

import dev.nativesockets.demo.ProcessDescriptors;
import dev.nativesockets.demo.DemoProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code client-demo.jar echo-load --seconds} (one thread, one 64-byte message in flight per
 * client) against {@code server-demo.jar echo} with each loop, and the 10,000-connection run: the
 * epoll server holds 10,000 connections from the client process, echoes every byte, and keeps its
 * thread count flat.
 */
@Timeout(300)
class EchoRateTest {
    static final Duration START = Duration.ofSeconds(30);
    static final Pattern RESULT = Pattern.compile("^echo-load: (\\d+) clients on one thread \\((epoll|kqueue)\\) to 127\\.0\\.0\\.1:\\d+:"
            + " (\\d+) echoes of 64 bytes in [0-9.]+ s, (\\d+) echoes/s, every byte verified; 0 clients failed", Pattern.MULTILINE);

    private static boolean linux() {
        return Files.isDirectory(Path.of("/proc/self/task"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"select", "poll", "best"})
    void echoesPerSecondAgainstEachLoop(String loop) throws Exception {
        List<String> args = loop.equals("best") ? List.of("echo", "--port", "0") : List.of("echo", "--port", "0", "--loop", loop);
        try (DemoProcess server = DemoProcess.server(args.toArray(String[]::new))) {
            int port = server.awaitListening(START);
            try (DemoProcess load = DemoProcess.client("echo-load", "--port", Integer.toString(port), "--clients", "200", "--seconds", "2")) {
                assertEquals(0, load.exitCode(Duration.ofSeconds(90)), () -> load + "\nserver:\n" + server);
                Matcher m = RESULT.matcher(load.stdout());
                assertTrue(m.find(), load::toString);
                assertEquals("200", m.group(1));
                assertTrue(Long.parseLong(m.group(3)) > 0, load::toString);
            }
            server.awaitStdout("disconnect ", 200, Duration.ofSeconds(30));
            String log = server.stdout();
            assertEquals(200, DemoProcess.count(log, "end of stream from peer, all "), log);
            assertFalse(server.stderr().contains("Exception"), server::toString);
        }
    }

    @Test
    void echoLoadNoticesAServerThatChangesAByte() throws Exception {
        try (DemoProcess py = FaultyEchoServer.start(1000)) {
            int port = py.awaitListening(START);
            try (DemoProcess load = DemoProcess.client("echo-load", "--port", Integer.toString(port), "--clients", "1", "--seconds", "1")) {
                assertEquals(1, load.exitCode(Duration.ofSeconds(60)), load::toString);
                // byte 1000 of the stream is byte 40 of the 16th message (number 15)
                assertTrue(load.stderr().contains("client 0: byte 40 of echo 15: expected 0x"), load::toString);
                assertTrue(load.stdout().contains("1 clients failed"), load::toString);
            }
        }
    }

    @Test
    void secondsAndBytesExcludeEachOther() throws Exception {
        try (DemoProcess load = DemoProcess.client("echo-load", "--port", "1", "--seconds", "1", "--bytes", "10")) {
            assertEquals(2, load.exitCode(Duration.ofSeconds(30)), load::toString);
            assertTrue(load.stderr().contains("exclude each other"), load::toString);
        }
    }

    private static int threads(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring(8).trim());
            }
        }
        throw new IOException("no Threads: line for " + pid);
    }

    private static int descriptors(long pid) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) s.count();
        }
    }

    /** The process's threads: kernel thread id -> name ({@code /proc/PID/task/TID/comm}, 15 characters). */
    private static Map<Integer, String> threadNames(long pid) throws IOException {
        Map<Integer, String> names = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) s::iterator) {
                try {
                    names.put(Integer.parseInt(t.getFileName().toString()), Files.readString(t.resolve("comm")).trim());
                } catch (IOException gone) {
                    // the thread ended while listed
                }
            }
        }
        return names;
    }

    /**
     * Threads a JVM may start or restart on its own at any moment (names as the kernel keeps them,
     * cut to 15 characters); any other new thread in the server is one the server made.
     */
    private static final List<String> JVM_OWN = List.of("C1 CompilerThre", "C2 CompilerThre", "Attach Listener",
            "Common-Cleaner", "Notification Th", "Service Thread", "VM Periodic Tas", "Monitor Deflati", "VM Thread",
            "Signal Dispatch", "Reference Handl", "Finalizer", "GC Thread", "Sweeper thread", "process reaper");



    /**
     * 10,000 connections from another process on the epoll server's one thread, every echoed byte
     * checked by the client. The server JVM runs with a fixed set of threads of its own (serial GC,
     * no compiler threads added on demand), so that any thread the server made per connection would
     * show: sampled throughout, no thread appears besides those the JVM may start on its own (by name),
     * and the count stays within two of where it was after a 10-client warm-up. Every descriptor it
     * opened for a connection is closed again.
     */
    @Test
    void tenThousandConnectionsOnOneServerThread() throws Exception {
        boolean linux = linux();
        if (!linux) {
            System.err.println("SKIPPED: needs epoll and /proc (Linux)");
        }
        assumeTrue(linux, "needs epoll and /proc (Linux)");
        String jar = System.getProperty("demo.server.jar");
        try (DemoProcess server = DemoProcess.start(DemoProcess.java(), "-XX:+UseSerialGC", "-XX:-UseDynamicNumberOfCompilerThreads",
                "-jar", jar, "echo", "--port", "0", "--loop", "epoll")) {
            int port = server.awaitListening(START);
            long pid = server.process.pid();
            try (DemoProcess warm = DemoProcess.client("echo-load", "--port", Integer.toString(port), "--clients", "10", "--seconds", "1")) {
                assertEquals(0, warm.exitCode(Duration.ofSeconds(60)), () -> warm + "\nserver:\n" + server);
            }
            server.awaitStdout("disconnect ", 10, Duration.ofSeconds(30));
            Map<Integer, String> baseThreadNames = threadNames(pid);
            int baseThreads = baseThreadNames.size();
            Map<Integer, String> baseTable = ProcessDescriptors.table(pid);
            int baseFds = baseTable.size();
            int maxThreads = baseThreads;
            int maxFds = baseFds;
            Map<Integer, String> madeByServer = new TreeMap<>();
            try (DemoProcess load = DemoProcess.client("echo-load", "--port", Integer.toString(port), "--clients", "10000", "--seconds", "5")) {
                while (load.isAlive()) {
                    Map<Integer, String> now = threadNames(pid);
                    maxThreads = Math.max(maxThreads, now.size());
                    now.forEach((tid, name) -> {
                        if (!baseThreadNames.containsKey(tid) && JVM_OWN.stream().noneMatch(name::startsWith)) {
                            madeByServer.put(tid, name);
                        }
                    });
                    maxFds = Math.max(maxFds, descriptors(pid));
                    Thread.sleep(100);
                }
                assertEquals(0, load.exitCode(Duration.ofSeconds(120)), () -> load + "\nserver:\n" + server.stderr());
                Matcher m = RESULT.matcher(load.stdout());
                assertTrue(m.find(), load::toString);
                assertEquals("10000", m.group(1));
                assertTrue(Long.parseLong(m.group(3)) >= 10_000, "fewer echoes than connections: " + load.stdout());
                System.err.println("10,000 connections: " + load.stdout().trim() + "; server threads " + baseThreads
                        + " -> max " + maxThreads + ", descriptors " + baseFds + " -> max " + maxFds);
            }
            server.awaitStdout("disconnect ", 10_010, Duration.ofSeconds(60));
            String log = server.stdout();
            assertEquals(10_010, DemoProcess.count(log, "connect    "), () -> log.substring(Math.max(0, log.length() - 2000)));
            assertEquals(10_010, DemoProcess.count(log, "end of stream from peer, all "), () -> log.substring(Math.max(0, log.length() - 2000)));
            assertTrue(maxFds >= baseFds + 10_000, "the server never held 10,000 connections at once: max " + maxFds + " descriptors");
            // no thread of the server's own making, at any sample; the JVM may start one or two of its own
            // (a compiler thread, the attach listener), never a thread per connection
            assertEquals(Map.of(), madeByServer, "threads the server started under 10,000 connections");
            assertTrue(maxThreads <= baseThreads + 2, "the server's thread count moved under 10,000 connections: "
                    + baseThreads + " -> max " + maxThreads);
            assertTrue(threads(pid) <= baseThreads + 2, "threads after: " + threadNames(pid) + ", before: " + baseThreadNames);
            // every connection's descriptor is closed again (counted by identity: the JVM may open a file of its own)
            Map<Integer, String> left = ProcessDescriptors.createdSince(pid, baseTable);
            for (int i = 0; i < 50 && !left.isEmpty(); i++) {
                Thread.sleep(100);
                left = ProcessDescriptors.createdSince(pid, baseTable);
            }
            assertEquals(Map.of(), left, "descriptors left open after every client left");
            assertTrue(server.isAlive(), server::toString);
            assertFalse(server.stderr().contains("Exception"), server::toString);
        }
    }
}
