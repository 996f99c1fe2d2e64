package dev.nativesockets.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code fan_out} workload end to end, briefly (issue 21): nsbench (C epoll server and load
 * generator) and, where liburing-dev is installed, the C liburing server built from
 * {@code native/baseline}; every server run as {@link Compare} runs it, under its own generator in
 * rotate mode, for a few short rounds. The generator checks every byte of every message and that
 * no connection gets two in a round, so a round that completes proves all N connections got their
 * one message. Seconds, not a measurement.
 */
class FanOutSmokeTest {
    static final int CONNS = 50;
    static Path dir;
    static Path nsbench;

    @BeforeAll
    static void build() throws Exception {
        assumeTrue(Platform.current().isLinux(), "fan_out's servers and generator are epoll and io_uring: Linux only");
        Path baseline = Path.of(System.getProperty("user.dir")).resolveSibling("native").resolve("baseline");
        assumeTrue(Files.exists(baseline.resolve("nsbench.c")), "no native/baseline next to the module");
        dir = Files.createTempDirectory("fan-out-smoke");
        nsbench = dir.resolve("nsbench");
        String out = cc(List.of("cc", "-O2", "-Wall", "-Werror", "-o", nsbench.toString(), baseline.resolve("nsbench.c").toString(),
                "-lpthread"));
        assumeTrue(out != null, "no C compiler");
        if (Files.exists(Path.of("/usr/include/liburing.h"))) {
            // the name FanOutRun looks for beside nsbench
            String u = cc(List.of("cc", "-O2", "-Wall", "-Werror", "-o", FanOutRun.uringBinary(nsbench.toString()).toString(),
                    baseline.resolve("uring_fan_out.c").toString(), "-luring"));
            assertTrue(Files.isExecutable(FanOutRun.uringBinary(nsbench.toString())), "uring_fan_out.c: " + u);
        } else {
            System.out.println("FanOutSmokeTest: no liburing-dev (/usr/include/liburing.h): the C liburing server is not run");
        }
    }

    /** Compiles; the compiler's output, or null if there is no compiler. Fails the test on a compile error. */
    static String cc(List<String> cmd) throws Exception {
        Process cc;
        try {
            cc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        String out = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, cc.waitFor(), out);
        return out;
    }

    @AfterAll
    static void clean() throws IOException {
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    static EchoLoopRun.Child generator(EchoLoopRun.Child server) throws IOException {
        String port = server.expect("listening")[2].replaceAll(".*:", "");
        return new EchoLoopRun.Child("gen", List.of(nsbench.toString(), "fan_out", "--port", port, "--conns", Integer.toString(CONNS),
                "--placement", "none", "--rotate", "1"));
    }

    @Test
    void everyServerSendsEachRoundToEveryConnection() throws Exception {
        List<String> impls = FanOutRun.impls(nsbench.toString());
        assertTrue(impls.containsAll(List.of("c", "nativesockets")), impls.toString());
        if (UringFanOutServer.available()) {
            assertTrue(impls.contains("uring"), impls.toString());
            if (Files.exists(Path.of("/usr/include/liburing.h"))) {
                assertTrue(impls.contains("c_uring"), impls.toString());
            }
        } else {
            assertFalse(impls.contains("uring") || impls.contains("c_uring"), impls.toString());
            System.out.println("FanOutSmokeTest: io_uring unavailable here: the ring servers (library and C) are not run");
        }
        for (String impl : impls) {
            try (EchoLoopRun.Child server = FanOutRun.server(nsbench.toString(), impl, CONNS);
                 EchoLoopRun.Child gen = generator(server)) {
                assertEquals(Integer.toString(CONNS), gen.expect("connected")[1], impl);
                EchoLoopRun.round(gen, 100); // a cold JVM may take longer than a round to answer its first
                long[] before = EchoLoopRun.stats(impl, server);
                for (int i = 0; i < 2; i++) {
                    assertTrue(EchoLoopRun.round(gen, 100) > 0, impl);
                }
                long[] after = EchoLoopRun.stats(impl, server);
                if (before != null) {
                    long sent = after[0] - before[0];
                    // whole rounds only: the generator drains each round before it answers
                    assertTrue(sent > 0 && sent % ((long) FanOut.MESSAGE * CONNS) == 0, impl + " sent " + sent + " bytes");
                }
            }
        }
    }

    /**
     * The ring server's thread allocates nothing per completion once warm (sends, the go bytes'
     * multishot receive, the ring's reaping): the best of several measured rounds, as
     * UringHotPathTest takes, since a JIT recompilation during one may allocate once.
     */
    @Test
    void ringServerAllocatesNothingPerCompletionInSteadyState() throws Exception {
        assumeTrue(UringFanOutServer.available(), "io_uring unavailable here (Uring.isSupported() is false)");
        try (EchoLoopRun.Child server = FanOutRun.server(nsbench.toString(), "uring", CONNS);
             EchoLoopRun.Child gen = generator(server)) {
            gen.expect("connected");
            for (int w = 0; w < 6; w++) {
                EchoLoopRun.round(gen, 300);
            }
            List<String> seen = new ArrayList<>();
            long best = Long.MAX_VALUE;
            for (int r = 0; r < 8 && best != 0; r++) {
                long[] a = EchoLoopRun.stats("uring", server);
                EchoLoopRun.round(gen, 300);
                long[] b = EchoLoopRun.stats("uring", server);
                assertTrue(b[0] > a[0], "no messages sent in a round");
                best = Math.min(best, b[1] - a[1]);
                seen.add((b[1] - a[1]) + " B over " + (b[0] - a[0]) / FanOut.MESSAGE + " messages");
            }
            System.out.println("FanOutSmokeTest: ring server allocation per round: " + seen);
            assertEquals(0, best, "bytes the ring server's thread allocated in its best round: " + seen);
        }
    }
}
