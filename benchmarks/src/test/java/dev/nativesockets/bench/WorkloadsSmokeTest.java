package dev.nativesockets.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Platform;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A few operations of every workload through every implementation, outside JMH: each setup
 * connects, each operation completes (echoes come back, batches arrive), each teardown stops its
 * peer thread. Seconds, not a measurement. Also runs the C baseline for a moment if cc is there.
 */
class WorkloadsSmokeTest {
    @BeforeAll
    static void linuxOnly() {
        assumeTrue(Platform.current().isLinux(), "the workloads use Linux-only calls (accept4, sendmmsg)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nativesockets", "confined", "raw", "ffm", "channel", "socket"})
    void tcpPingPong(String impl) throws Exception {
        for (int size : new int[] {1, 4096}) {
            TcpPingPong b = new TcpPingPong();
            b.impl = impl;
            b.size = size;
            b.placement = "none";
            b.open();
            for (int i = 0; i < 50; i++) {
                b.roundTrip();
            }
            b.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nativesockets", "confined", "raw", "ffm", "channel"})
    void unixPingPong(String impl) throws Exception {
        UnixPingPong b = new UnixPingPong();
        b.impl = impl;
        b.size = 64;
        b.placement = "same";
        b.open();
        b.pin();
        for (int i = 0; i < 50; i++) {
            b.roundTrip();
        }
        b.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nativesockets", "confined", "raw", "ffm", "channel", "socket"})
    void udpPingPong(String impl) throws Exception {
        UdpPingPong b = new UdpPingPong();
        b.impl = impl;
        b.size = 64;
        b.placement = "split";
        b.open();
        for (int i = 0; i < 50; i++) {
            b.roundTrip();
        }
        b.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nativesockets", "confined", "raw", "ffm", "channel", "socket"})
    void tcpThroughput(String impl) throws Exception {
        TcpThroughput b = new TcpThroughput();
        b.impl = impl;
        b.placement = "none";
        b.open();
        for (int i = 0; i < 20; i++) {
            b.write64k();
        }
        b.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nativesockets", "raw", "ffm", "channel", "socket"})
    void connectAccept(String impl) throws Exception {
        ConnectAccept b = new ConnectAccept();
        b.impl = impl;
        b.open();
        for (int i = 0; i < 20; i++) {
            b.connectAcceptClose();
        }
        b.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nativesockets", "confined", "nativesockets_mmsg", "nativesockets_list_mmsg", "raw_mmsg", "ffm_mmsg", "raw", "ffm", "channel", "socket"})
    void udpBatch(String impl) throws Exception {
        UdpBatch b = new UdpBatch();
        b.impl = impl;
        b.size = 64;
        b.open();
        for (int i = 0; i < 20; i++) {
            b.sendReceive32();
        }
        b.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mmsg", "gso", "gso_gro"})
    void udpGso(String impl) throws Exception {
        UdpGso b = new UdpGso();
        b.impl = impl;
        b.size = 1200;
        b.open();
        for (int i = 0; i < 20; i++) {
            assertEquals(impl.equals("gso_gro") ? UdpGso.SEGMENTS * 1200 : UdpGso.SEGMENTS, b.sendReceive48());
        }
        b.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "zerocopy"})
    void tcpZeroCopy(String impl) throws Exception {
        TcpZeroCopy b = new TcpZeroCopy();
        b.impl = impl;
        b.placement = "same";
        b.open();
        for (int i = 0; i < 5; i++) {
            assertEquals(TcpZeroCopy.SIZE, b.send1m());
        }
        b.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffm", "ffm_plain", "raw", "nativesockets", "confined", "nativesockets_typed", "channel", "socket"})
    void downcall(String impl) throws Exception {
        Downcall b = new Downcall();
        b.impl = impl;
        b.open();
        int first = b.getsockopt();
        assertTrue(first > 0, "SO_RCVBUF " + first);
        for (int i = 0; i < 100; i++) {
            assertEquals(first, b.getsockopt());
        }
        b.close();
    }

    @Test
    void compareListsEveryImplementationTheWorkloadsAccept() {
        for (Compare.Spec s : Compare.specs(true)) {
            assertTrue(s.impls().containsAll(s.quickImpls()), s.id());
        }
    }

    @Test
    void cBaselineRuns() throws Exception {
        Path src = Path.of(System.getProperty("user.dir")).resolveSibling("native").resolve("baseline").resolve("nsbench.c");
        assumeTrue(Files.exists(src), "no native/baseline next to the module");
        Path bin = Files.createTempFile("nsbench", "");
        try {
            Process cc;
            try {
                cc = new ProcessBuilder("cc", "-O2", "-Wall", "-Werror", "-o", bin.toString(), src.toString(), "-lpthread")
                        .redirectErrorStream(true).start();
            } catch (java.io.IOException e) {
                assumeTrue(false, "no C compiler: " + e.getMessage());
                return;
            }
            String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, cc.waitFor(), ccOut);
            for (String w : List.of("tcp_pingpong", "unix_pingpong", "udp_pingpong", "tcp_throughput",
                    "connect_accept", "udp_batch", "udp_batch_mmsg", "downcall",
                    "udp_gso --size 1200 --gso 0 --gro 0", "udp_gso --size 1200 --gso 1 --gro 0",
                    "udp_gso --size 1200 --gso 1 --gro 1", "tcp_zerocopy --zerocopy 0", "tcp_zerocopy --zerocopy 1")) {
                List<String> cmd = new java.util.ArrayList<>(List.of(bin.toString()));
                cmd.addAll(List.of(w.split(" ")));
                cmd.addAll(List.of("--warmup", "0", "--rounds", "1", "--ms", "50"));
                Process p = new ProcessBuilder(cmd)
                        .redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), w);
                assertEquals(0, p.exitValue(), w + ": " + out);
                assertTrue(out.startsWith("round 1 "), w + ": " + out);
            }
        } finally {
            Files.deleteIfExists(bin);
        }
    }

    /**
     * echo_loop end to end, briefly: the C server and every Java server as processes, each under
     * its own nsbench load generator in rotate mode (two short rounds), then the servers' counters.
     */
    @Test
    void echoLoopServersAndTheLoadGenerator() throws Exception {
        Path src = Path.of(System.getProperty("user.dir")).resolveSibling("native").resolve("baseline").resolve("nsbench.c");
        assumeTrue(Files.exists(src), "no native/baseline next to the module");
        assumeTrue(Platform.current().isLinux(), "nsbench's echo_loop is epoll: Linux only");
        Path bin = Files.createTempFile("nsbench", "");
        try {
            Process cc;
            try {
                cc = new ProcessBuilder("cc", "-O2", "-o", bin.toString(), src.toString(), "-lpthread").redirectErrorStream(true).start();
            } catch (java.io.IOException e) {
                assumeTrue(false, "no C compiler: " + e.getMessage());
                return;
            }
            String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, cc.waitFor(), ccOut);
            for (String impl : EchoLoopRun.impls()) {
                try (EchoLoopRun.Child server = EchoLoopRun.server(bin.toString(), impl)) {
                    String port = server.expect("listening")[2].replaceAll(".*:", "");
                    try (EchoLoopRun.Child gen = new EchoLoopRun.Child("gen", List.of(bin.toString(), "echo_loop", "--port", port,
                            "--conns", "20", "--placement", "none", "--rotate", "1"))) {
                        assertEquals("20", gen.expect("connected")[1], impl);
                        EchoLoopRun.round(gen, 100); // a cold JVM may take longer than a round to answer its first
                        long[] before = EchoLoopRun.stats(impl, server);
                        for (int i = 0; i < 2; i++) {
                            assertTrue(EchoLoopRun.round(gen, 100) > 0, impl);
                        }
                        long[] after = EchoLoopRun.stats(impl, server);
                        if (!impl.equals("c")) {
                            assertTrue(after[0] > before[0] && (after[0] - before[0]) % EchoLoopRun.MESSAGE == 0,
                                    impl + " echoed " + (after[0] - before[0]) + " bytes");
                        }
                    }
                }
            }
        } finally {
            Files.deleteIfExists(bin);
        }
    }
}
