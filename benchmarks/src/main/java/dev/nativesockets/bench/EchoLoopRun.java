package dev.nativesockets.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code echo_loop} workload of {@link Compare}: for each placement and each number of
 * connections, every server ({@code c} = nsbench's epoll {@code echo_server}, then the
 * {@link EchoLoop} servers) in a process of its own, loaded by {@code nsbench echo_loop} in
 * another; echoes per second per round, and the server thread's bytes allocated per echo over the
 * measured rounds. The implementations of one N run back to back (and in full mode twice, the
 * second time in reverse order, rounds pooled), so that the ratios compare neighbours in time.
 */
final class EchoLoopRun {
    private EchoLoopRun() {}

    static final int[] CONNS = {1, 100, 1_000, 10_000};
    static final int MESSAGE = 64;
    private static final Pattern LISTENING = Pattern.compile("listening on \\S*:(\\d+)");

    /** One cell: rounds pooled over the repetitions, allocation per echo (NaN for C). */
    record Cell(String placement, int conns, String impl, double median, double spread, double allocPerEcho, int n) {}

    static List<String> impls() {
        List<String> impls = new ArrayList<>(List.of("c"));
        if (NsEchoServer.available()) {
            impls.add("nativesockets");
        }
        impls.addAll(List.of("nio", "netty"));
        return impls;
    }

    static Map<String, Cell> run(String cBinary, boolean quick, boolean split) throws IOException, InterruptedException {
        List<String> placements = split && Affinity.canSplit() ? List.of("same", "split") : List.of("same");
        List<String> impls = impls();
        int reps = quick ? 1 : 2;
        Map<String, Cell> cells = new LinkedHashMap<>();
        for (String placement : placements) {
            for (int conns : CONNS) {
                Map<String, List<Double>> rounds = new LinkedHashMap<>();
                Map<String, double[]> alloc = new LinkedHashMap<>(); // impl -> {bytes allocated, echoes}
                for (int rep = 0; rep < reps; rep++) {
                    List<String> order = new ArrayList<>(impls);
                    if (rep % 2 == 1) {
                        java.util.Collections.reverse(order);
                    }
                    for (String impl : order) {
                        double[] a = once(cBinary, impl, placement, conns, quick, rounds.computeIfAbsent(impl, k -> new ArrayList<>()));
                        double[] sum = alloc.computeIfAbsent(impl, k -> new double[2]);
                        sum[0] += a[0];
                        sum[1] += a[1];
                    }
                }
                for (String impl : impls) {
                    double[] v = rounds.get(impl).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                    double median = Compare.median(v);
                    double[] a = alloc.get(impl);
                    cells.put(key(placement, conns, impl), new Cell(placement, conns, impl, median,
                            (v[v.length - 1] - v[0]) / median, impl.equals("c") || a[1] == 0 ? Double.NaN : a[0] / a[1], v.length));
                }
                System.err.printf(Locale.ROOT, "[compare] echo_loop %s N=%d done%n", placement, conns);
            }
        }
        return cells;
    }

    static String key(String placement, int conns, String impl) {
        return placement + "/" + conns + "/" + impl;
    }

    /** One server process under one load-generator process; adds the rounds, returns {bytes allocated, echoes}. */
    static double[] once(String cBinary, String impl, String placement, int conns, boolean quick, List<Double> into)
            throws IOException, InterruptedException {
        List<String> serverCmd = new ArrayList<>();
        if (impl.equals("c")) {
            serverCmd.addAll(List.of(cBinary, "echo_server"));
        } else {
            serverCmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            serverCmd.addAll(List.of(Compare.forkArgs()));
            serverCmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EchoLoop.class.getName(), impl));
        }
        Process server = new ProcessBuilder(serverCmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Process gen = null;
        try {
            BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = serverOut.readLine();
            Matcher m = line == null ? null : LISTENING.matcher(line);
            if (m == null || !m.find()) {
                throw new IOException("echo_loop server " + impl + " did not start: " + line);
            }
            List<String> genCmd = new ArrayList<>(List.of(cBinary, "echo_loop", "--port", m.group(1), "--conns", Integer.toString(conns),
                    "--placement", placement, "--wait", "1"));
            // the Java servers need their first ~100,000 echoes for C2; C gets the same warm-up
            genCmd.addAll(quick ? List.of("--warmup", "2", "--rounds", "3", "--ms", "500")
                    : List.of("--warmup", "3", "--rounds", "4", "--ms", "1000"));
            gen = new ProcessBuilder(genCmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader genOut = new BufferedReader(new InputStreamReader(gen.getInputStream(), StandardCharsets.UTF_8));
            long[] before = null;
            long[] after = null;
            boolean done = false;
            for (String l; (l = genOut.readLine()) != null; ) {
                String[] f = l.trim().split("\\s+");
                if (f[0].equals("warmed")) {
                    before = stats(impl, server, serverOut);
                } else if (f[0].equals("round") && f.length >= 3) {
                    into.add(Double.parseDouble(f[2]));
                } else if (f[0].equals("done")) {
                    after = stats(impl, server, serverOut);
                    done = true;
                    break;
                }
            }
            gen.getOutputStream().close(); // lets the generator close its connections
            if (!gen.waitFor(2, TimeUnit.MINUTES) || gen.exitValue() != 0 || !done) {
                throw new IOException("echo_loop load generator failed against " + impl + ": " + genCmd);
            }
            if (before == null || after == null) {
                return new double[2];
            }
            return new double[] {after[1] - before[1], (after[0] - before[0]) / (double) MESSAGE};
        } finally {
            if (gen != null && gen.isAlive()) {
                gen.destroyForcibly();
            }
            stop(server);
        }
    }

    /** {bytes echoed, bytes allocated by the server thread}; null for the C server (it keeps no counters). */
    static long[] stats(String impl, Process server, BufferedReader serverOut) throws IOException {
        if (impl.equals("c")) {
            return null;
        }
        OutputStream in = server.getOutputStream();
        in.write("stats\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        for (String l; (l = serverOut.readLine()) != null; ) {
            String[] f = l.trim().split("\\s+");
            if (f.length == 3 && f[0].equals("stats")) {
                return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
            }
        }
        throw new IOException("echo_loop server " + impl + " gave no stats");
    }

    static void stop(Process server) throws InterruptedException {
        try {
            server.getOutputStream().close(); // the Java servers end at EOF
        } catch (IOException ignored) {
            // already gone
        }
        if (!server.waitFor(5, TimeUnit.SECONDS)) {
            server.destroy(); // the C server runs until killed
            if (!server.waitFor(5, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                server.waitFor();
            }
        }
    }

    // ---- output ----------------------------------------------------------------------------

    static String table(Map<String, Cell> cells) {
        StringBuilder sb = new StringBuilder("echo_loop: one server thread, N connections from nsbench echo_loop (another process, one"
                + " thread, epoll), one 64-byte message in flight per connection. Server thread on CPU " + Affinity.CPU_A
                + "; load generator on the same CPU (same) or CPU " + Affinity.CPU_B + " (split). ns/echo = 1e9 / rate (wall time"
                + " per echo of the whole system); B/echo = the server thread's allocation over the measured rounds"
                + " (ThreadMXBean.getThreadAllocatedBytes) / echoes.\n\n");
        sb.append("| placement | N | impl | echoes/s | spread | ns/echo | × C | × NIO | × Netty | cost at N ÷ cost at 100 | B/echo |\n");
        sb.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Cell c : cells.values()) {
            Cell cc = cells.get(key(c.placement(), c.conns(), "c"));
            Cell nio = cells.get(key(c.placement(), c.conns(), "nio"));
            Cell netty = cells.get(key(c.placement(), c.conns(), "netty"));
            Cell at100 = cells.get(key(c.placement(), 100, c.impl()));
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | ±%.1f%% | %.0f | %s | %s | %s | %s | %s |%n",
                    c.placement(), c.conns(), c.impl(), c.median(), c.spread() * 50, 1e9 / c.median(),
                    ratio(c, cc), ratio(c, nio), ratio(c, netty),
                    at100 == null ? "–" : String.format(Locale.ROOT, "%.3f", at100.median() / c.median()),
                    Double.isNaN(c.allocPerEcho()) ? "–" : String.format(Locale.ROOT, "%.1f", c.allocPerEcho())));
        }
        return sb.toString();
    }

    private static String ratio(Cell a, Cell b) {
        return b == null ? "–" : String.format(Locale.ROOT, "%.3f", a.median() / b.median());
    }

    /** The targets of issue 16, each a ratio in this run. */
    static String targets(Map<String, Cell> cells, String impl) {
        StringBuilder sb = new StringBuilder();
        for (Cell c : cells.values()) {
            if (!c.impl().equals(impl)) {
                continue;
            }
            target(sb, c, cells.get(key(c.placement(), c.conns(), "c")), 0.95, "≥ 0.95 × C epoll server");
            target(sb, c, cells.get(key(c.placement(), c.conns(), "nio")), 1.25, "≥ 1.25 × NIO Selector");
            target(sb, c, cells.get(key(c.placement(), c.conns(), "netty")), 1.0, "≥ 1.0 × Netty epoll");
            if (c.conns() == 10_000) {
                Cell at100 = cells.get(key(c.placement(), 100, impl));
                if (at100 != null) {
                    double r = at100.median() / c.median();
                    sb.append(String.format(Locale.ROOT, "| echo_loop %s %s cost per echo at 10,000 ≤ 1.2 × at 100 | %.3f | %s |%n",
                            c.placement(), impl, r, r <= 1.2 ? "met" : "MISSED"));
                }
            }
            if (!Double.isNaN(c.allocPerEcho())) {
                sb.append(String.format(Locale.ROOT, "| echo_loop %s N=%d %s 0 B allocated per echo (server thread) | %.2f B | %s |%n",
                        c.placement(), c.conns(), impl, c.allocPerEcho(), c.allocPerEcho() == 0 ? "met" : "MISSED"));
            }
        }
        return sb.toString();
    }

    private static void target(StringBuilder sb, Cell c, Cell base, double limit, String text) {
        if (base == null) {
            return;
        }
        double r = c.median() / base.median();
        sb.append(String.format(Locale.ROOT, "| echo_loop %s N=%d %s %s | %.3f | %s |%n",
                c.placement(), c.conns(), c.impl(), text, r, r >= limit ? "met" : "MISSED"));
    }
}
