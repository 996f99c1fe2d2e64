package dev.nativesockets.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code fan_out} workload of {@link Compare} (issue 21): one 64-byte message to each of N
 * connections per round, where a ring's batching pays. Servers: {@code c} = nsbench's C epoll
 * {@code fan_server} (one {@code send(2)} per connection per round), {@code c_uring} = the C
 * liburing server ({@code native/baseline/uring_fan_out.c}: N sends queued, one
 * {@code io_uring_submit_and_wait}), {@code nativesockets} = this library's {@code Readiness}
 * loop ({@link NsFanOutServer}), {@code uring} = this library's ring ({@link UringFanOutServer}).
 * Each runs in a process of its own under its own load generator ({@code nsbench fan_out
 * --rotate 1}, another process: it reads and checks every message and sends the next round's go
 * only once the round is whole), in {@link EchoLoopRun}'s paired rotating rounds; system calls per
 * message from {@code perf stat} over one extra round, as for {@code uring_echo}.
 */
final class FanOutRun {
    private FanOutRun() {}

    static final String LABEL = "fan_out";
    static final int[] CONNS = {100, 1_000, 10_000};

    /** The C liburing fan-out server, built by compare.sh beside nsbench. */
    static Path uringBinary(String cBinary) {
        return Path.of(cBinary).resolveSibling("uring_fan_out");
    }

    static List<String> impls(String cBinary) {
        List<String> impls = new ArrayList<>(List.of("c"));
        // the C ring server needs io_uring as much as the library's: where it is disabled
        // (kernel.io_uring_disabled, seccomp) both are left out, not run into a failure
        if (Files.isExecutable(uringBinary(cBinary)) && UringFanOutServer.available()) {
            impls.add("c_uring");
        }
        impls.add("nativesockets");
        if (UringFanOutServer.available()) {
            impls.add("uring");
        }
        return impls;
    }

    static EchoLoopRun.Child server(String cBinary, String impl, int conns) throws IOException {
        List<String> cmd = new ArrayList<>();
        String n = Integer.toString(conns);
        switch (impl) {
            case "c" -> cmd.addAll(List.of(cBinary, "fan_server", "--conns", n));
            case "c_uring" -> cmd.addAll(List.of(uringBinary(cBinary).toString(), "--conns", n));
            default -> {
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(List.of(Compare.forkArgs()));
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FanOut.class.getName(), impl, n));
            }
        }
        return new EchoLoopRun.Child(impl + " fan-out server", cmd);
    }

    /** Cell.toNio / toNetty hold the ratios to the C liburing server and to the library's epoll loop here. */
    static Map<String, EchoLoopRun.Cell> run(String cBinary, boolean quick, boolean split, Progress progress)
            throws IOException, InterruptedException {
        return EchoLoopRun.run(cBinary, quick, split, impls(cBinary), CONNS, LABEL, "c_uring", "nativesockets", progress);
    }

    static String table(Map<String, EchoLoopRun.Cell> cells) {
        StringBuilder sb = new StringBuilder("fan_out: one server thread holding N connections; per round one 64-byte message to each"
                + " of the N (the generator, nsbench fan_out in another process, sends the next round's go only when every message"
                + " of the last has arrived). c = C epoll (one send(2) per message), c_uring = C liburing"
                + " (native/baseline/uring_fan_out.c: N sends, one io_uring_submit_and_wait), nativesockets = this library's"
                + " Readiness (epoll) loop, uring = this library's io_uring ring. Rounds in rotation; ratios are medians of"
                + " per-round ratios (paired). syscalls/msg: perf stat raw_syscalls:sys_enter over the whole server process"
                + " during one extra round, divided by that round's messages (JVM service threads included). B/msg: the server"
                + " thread's allocation over the measured rounds / messages. gen CPU: the generator's CPU time / wall time,"
                + " median of its rounds (near 1.0: the generator, not the server, set the pace).\n\n");
        sb.append("| placement | N | impl | messages/s | spread | × C epoll | × C liburing | × nativesockets epoll loop | syscalls/msg | B/msg | gen CPU |\n");
        sb.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (EchoLoopRun.Cell c : cells.values()) {
            String k = LABEL + "/" + EchoLoopRun.key(c.placement(), c.conns(), c.impl());
            Double sc = EchoLoopRun.SYSCALLS.get(k);
            Double gen = EchoLoopRun.GEN_CPU.get(k);
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | ±%.1f%% | %s | %s | %s | %s | %s | %s |%n", c.placement(),
                    c.conns(), c.impl(), c.median(), c.spread() * 50, fmt(c.toC()), fmt(c.toNio()), fmt(c.toNetty()),
                    sc == null || sc.isNaN() ? "–" : String.format(Locale.ROOT, "%.3f", sc), bytes(c.allocPerEcho()),
                    gen == null ? "–" : String.format(Locale.ROOT, "%.2f", gen)));
        }
        sb.append("\nTargets (issue 21): fan-out ≥ 0.95 × C liburing; fewer system calls per message than the library's epoll loop;"
                + " 0 B allocated per completion.\n\n");
        sb.append("| placement | N | uring × C liburing | ≥ 0.95 | syscalls/msg uring vs epoll loop | fewer | B/msg | 0 |\n");
        sb.append("|---|---:|---:|---|---|---|---:|---|\n");
        for (EchoLoopRun.Cell c : cells.values()) {
            if (!c.impl().equals("uring")) {
                continue;
            }
            Double mine = EchoLoopRun.SYSCALLS.get(LABEL + "/" + EchoLoopRun.key(c.placement(), c.conns(), "uring"));
            Double epoll = EchoLoopRun.SYSCALLS.get(LABEL + "/" + EchoLoopRun.key(c.placement(), c.conns(), "nativesockets"));
            boolean both = mine != null && epoll != null && !mine.isNaN() && !epoll.isNaN();
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s |%n", c.placement(), c.conns(),
                    fmt(c.toNio()), Double.isNaN(c.toNio()) ? "–" : c.toNio() >= 0.95 ? "met" : "missed",
                    both ? String.format(Locale.ROOT, "%.3f vs %.3f", mine, epoll) : "–",
                    both ? (mine < epoll ? "met" : "missed") : "–", bytes(c.allocPerEcho()),
                    Double.isNaN(c.allocPerEcho()) ? "–" : c.allocPerEcho() == 0 ? "met" : "missed"));
        }
        return sb.toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String bytes(double v) {
        return Double.isNaN(v) ? "–" : v == 0 || v >= 0.01 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.1e", v);
    }
}
