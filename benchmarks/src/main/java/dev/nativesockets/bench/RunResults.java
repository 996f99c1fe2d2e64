package dev.nativesockets.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one {@link Compare} run measured, as {@link Results}: the same numbers its report prints. */
final class RunResults {
    private RunResults() {}

    static Results collect(Instant started, boolean quick, double seconds, String loadBefore, List<Compare.Spec> specs,
                           Map<String, List<Compare.Row>> rows, Map<String, List<Paired.Result>> ratios, Map<String, Double> alloc,
                           Map<String, double[]> downcallPaired, Map<String, double[]> cold,
                           Map<String, EchoLoopRun.Cell> echo, Map<String, EchoLoopRun.Cell> vthreads,
                           Map<String, EchoLoopRun.Cell> uring, Map<String, EchoLoopRun.Cell> fanOut) {
        List<Results.Entry> entries = new ArrayList<>();
        Map<String, Compare.Spec> byId = new LinkedHashMap<>();
        specs.forEach(s -> byId.put(s.id(), s));
        Compare.Row bestJdkUdp = null;
        for (Compare.Spec spec : specs) {
            List<Compare.Row> r = rows.get(spec.id());
            if (r == null) {
                continue;
            }
            Compare.Row c = Compare.find(r, spec.cImpl());
            Compare.Row jdk = Compare.bestJdk(spec, r);
            if (spec.id().equals("udp_single")) {
                bestJdkUdp = jdk;
            }
            if (spec.id().equals("udp_mmsg")) {
                jdk = bestJdkUdp; // the JDK has no batch call: its best per-datagram loop, as in the table
            }
            Compare.Row ffm = Compare.find(r, "ffm");
            Compare.Row channel = Compare.find(r, "channel");
            for (Compare.Row row : r) {
                Map<String, Double> q = new LinkedHashMap<>();
                put(q, "c", row, c);
                put(q, "best_jdk", row, jdk);
                put(q, "channel", row, channel);
                put(q, "ffm", row, ffm);
                entries.add(new Results.Entry(spec.id(), spec.title(), spec.unit(), spec.lowerBetter(), "jmh", spec.placement(),
                        row.impl(), 0, row.samples(), row.median(), row.spread(), row.allocPerOp(), q));
            }
        }
        ratios.forEach((id, list) -> {
            Compare.Spec spec = byId.get(id);
            String unit = Compare.UNITS.getOrDefault(id, spec == null ? "" : spec.unit());
            boolean lower = spec != null ? spec.lowerBetter() : unit.startsWith("µs") || unit.startsWith("ns");
            for (Paired.Result p : list) {
                Map<String, Double> q = new LinkedHashMap<>();
                q.put("c", p.toC());
                q.put("channel", p.toChannel());
                entries.add(new Results.Entry(id, spec == null ? id : spec.title(), unit, lower, "paired", "same", p.impl(), 0,
                        new double[0], p.median(), Double.NaN, Double.NaN, q));
            }
        });
        downcallPaired.forEach((path, v) -> {
            // v: median ns, median of per-round differences to ffm, interquartile range of those
            double ffmNs = v[0] - v[1];
            entries.add(new Results.Entry("downcall", "Downcall getsockopt(SO_RCVBUF), paired rounds", "ns/call", true,
                    "downcall_paired", "1 thread", path, 0, new double[0], v[0], Double.NaN, Double.NaN,
                    ffmNs > 0 ? Map.of("ffm", v[0] / ffmNs) : Map.of()));
        });
        alloc.forEach((id, bytes) -> entries.add(new Results.Entry(id, "exact allocation per operation", "B/op", true, "alloc",
                "1 thread", "nativesockets", 0, new double[0], bytes, Double.NaN, bytes, Map.of())));
        cold.forEach((impl, v) -> {
            double[] base = cold.get(impl.endsWith(Compare.AOT) ? "channel" + Compare.AOT : "channel");
            Map<String, Double> q = new LinkedHashMap<>();
            if (base != null) {
                q.put("channel", v[0] / base[0]);
            }
            entries.add(new Results.Entry("cold_start", "Cold start: JVM start, open, connect, one echo, exit", "ms", true, "cold",
                    "unpinned", impl, 0, new double[] {v[1], v[2]}, v[0], (v[2] - v[1]) / v[0], Double.NaN, q));
        });
        cells(entries, echo, "echo_loop", "echo_loop: one server thread, N connections", "nio", "netty", "echoes/s");
        cells(entries, vthreads, "vthread_echo", "vthread_echo: a virtual thread per connection", "jdk_vthreads", "loop", "echoes/s");
        cells(entries, uring, "uring_echo", "uring_echo: io_uring rings beside epoll, one server thread", "c_uring", "netty_uring",
                "echoes/s");
        cells(entries, fanOut, FanOutRun.LABEL, "fan_out: one message to each of N connections per round", "c_uring", "nativesockets",
                "messages/s");
        // system calls per operation of each server process (perf stat), beside the rates: keys [fan_out/]placement/N/impl
        EchoLoopRun.SYSCALLS.forEach((key, perOp) -> {
            String[] f = key.split("/");
            boolean fan = f.length == 4;
            int i = fan ? 1 : 0;
            if (!perOp.isNaN() && f.length >= 3) {
                entries.add(new Results.Entry(fan ? FanOutRun.LABEL : "uring_echo", fan ? "fan_out: system calls per message (server process)"
                        : "uring_echo: system calls per echo (server process)", "syscalls/op", true, "perf", f[i],
                        f[i + 2], Integer.parseInt(f[i + 1]), new double[0], perOp, Double.NaN, Double.NaN, Map.of()));
            }
        });
        // the load generator's CPU time / wall time where it reports it (fan_out): keys label/placement/N/impl
        EchoLoopRun.GEN_CPU.forEach((key, share) -> {
            String[] f = key.split("/");
            if (f.length == 4 && !share.isNaN()) {
                entries.add(new Results.Entry(f[0], f[0] + ": load generator CPU time / wall time", "CPU share", true, "gen_cpu", f[1],
                        f[3], Integer.parseInt(f[2]), new double[0], share, Double.NaN, Double.NaN, Map.of()));
            }
        });

        Map<String, String> host = new LinkedHashMap<>();
        host.put("hostname", hostname());
        host.put("cpu", Compare.cpuModel());
        host.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        host.put("measuring_cpu", Integer.toString(Affinity.CPU_A));
        host.put("peer_cpu", Integer.toString(Affinity.CPU_B));
        host.put("os", System.getProperty("os.name"));
        host.put("kernel", System.getProperty("os.version"));
        host.put("arch", System.getProperty("os.arch"));
        host.put("jdk", System.getProperty("java.version"));
        host.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        host.put("load_before", loadBefore);
        host.put("load_after", Compare.loadAverage());
        String commit = System.getenv("NSBENCH_COMMIT");
        if (commit != null && !commit.isBlank()) {
            host.put("commit", commit.trim());
        }
        return new Results(Results.VERSION, started.toString(), quick ? "quick" : "full", seconds, host, entries);
    }

    private static void put(Map<String, Double> q, String key, Compare.Row row, Compare.Row base) {
        if (base != null) {
            q.put(key, row.median() / base.median());
        }
    }

    private static void cells(List<Results.Entry> entries, Map<String, EchoLoopRun.Cell> cells, String workload, String title,
                              String base2, String base3, String unit) {
        for (EchoLoopRun.Cell c : cells.values()) {
            Map<String, Double> q = new LinkedHashMap<>();
            q.put("c", c.toC());
            q.put(base2, c.toNio());
            q.put(base3, c.toNetty());
            entries.add(new Results.Entry(workload, title, unit, false, "rotation", c.placement(), c.impl(), c.conns(),
                    c.rounds(), c.median(), c.spread(), c.allocPerEcho(), q));
        }
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException | RuntimeException e) {
            String h = System.getenv("HOSTNAME");
            return h == null ? "unknown" : h;
        }
    }
}
