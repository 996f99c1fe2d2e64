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
 * The {@code echo_loop} workload of {@link Compare}, in paired rotating rounds. For each placement
 * and each number of connections N, every server ({@code c} = nsbench's epoll
 * {@code echo_server}, then the {@link EchoLoop} servers) runs in a process of its own, each with
 * its own load generator process ({@code nsbench echo_loop --rotate 1}) holding N connections to
 * it. Then the generators take short rounds in turn, the order rotating: while one runs, the
 * others have nothing in flight and their servers sleep in their wait. Every round's value is
 * divided by the C, NIO and Netty rounds of the same rotation, and the medians of those per-round
 * ratios are reported, as {@link Paired} does for the other workloads: background load on this
 * shared machine hits neighbouring rounds alike and cancels in the ratio. Allocation: the server
 * thread's bytes ({@code ThreadMXBean.getThreadAllocatedBytes}) over the measured rotations,
 * divided by the echoes in them.
 */
final class EchoLoopRun {
    private EchoLoopRun() {}

    static final int[] CONNS = {1, 100, 1_000, 10_000};
    static final int MESSAGE = 64;
    private static final Pattern LISTENING = Pattern.compile("listening on \\S*:(\\d+)");

    /**
     * One cell: median rate over the measured rounds, spread, allocation per echo (NaN for C), and
     * the medians of its per-round ratios to C, NIO and Netty.
     */
    record Cell(String placement, int conns, String impl, double median, double spread, double allocPerEcho,
                double toC, double toNio, double toNetty, int n, double[] rounds) {}

    static List<String> impls() {
        List<String> impls = new ArrayList<>(List.of("c"));
        if (NsEchoServer.available()) {
            impls.add("nativesockets");
        }
        impls.addAll(List.of("nio", "netty"));
        return impls;
    }

    /** A child process spoken to by lines. */
    static final class Child implements AutoCloseable {
        final String name;
        final Process process;
        final BufferedReader out;
        final OutputStream in;
        /** The fields of the last "round" line a generator printed. */
        String[] lastRound = new String[0];

        Child(String name, List<String> cmd) throws IOException {
            this.name = name;
            process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = process.getOutputStream();
        }

        void say(String line) throws IOException {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        /** The next line whose first word is {@code word}, split; fails at end of output. */
        String[] expect(String word) throws IOException {
            for (String l; (l = out.readLine()) != null; ) {
                String[] f = l.trim().split("\\s+");
                if (f[0].equals(word)) {
                    return f;
                }
            }
            throw new IOException(name + " ended without a '" + word + "' line");
        }

        @Override
        public void close() throws InterruptedException {
            try {
                in.close(); // the Java servers and the generators end at EOF
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy(); // the C server runs until killed
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor();
                }
            }
        }
    }

    static Child server(String cBinary, String impl) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (impl.equals("c")) {
            cmd.addAll(List.of(cBinary, "echo_server"));
        } else if (impl.equals("c_uring")) {
            cmd.add(uringBinary(cBinary).toString());
        } else {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of(Compare.forkArgs()));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EchoLoop.class.getName(), impl));
        }
        return new Child(impl + " server", cmd);
    }

    static Map<String, Cell> run(String cBinary, boolean quick, boolean split, Progress progress) throws IOException, InterruptedException {
        return run(cBinary, quick, split, impls(), CONNS, "echo_loop", "nio", "netty", progress);
    }

    /** The progress step of one placement and N (Compare plans the same labels). */
    static String stepLabel(String label, String placement, int conns) {
        return String.format(Locale.ROOT, "%s %s N=%,d", label, placement, conns);
    }

    /** Rough seconds for one placement and N with {@code servers} servers: start, connect, warm-up, rotations. */
    static double expectedSeconds(boolean quick, int servers, int conns) {
        // each round has an uncounted lead of half its length; connecting 10,000 takes about 15 s per server (run 10)
        double rounds = quick ? servers * (2 * 0.75 + 4 * 0.6) : servers * (3 * 1.5 + 10 * 0.75);
        return 5 + servers * 2 + rounds + servers * conns / 700.0;
    }

    /** The C liburing echo server, built by compare.sh beside nsbench ({@code native/baseline/uring_echo.c}). */
    static Path uringBinary(String cBinary) {
        return Path.of(cBinary).resolveSibling("uring_echo");
    }

    /**
     * System calls per echo of each server process in the uring_echo run, and per message in the
     * fan_out run (keys prefixed {@code fan_out/}): perf stat on raw_syscalls:sys_enter.
     */
    static final Map<String, Double> SYSCALLS = new LinkedHashMap<>();

    /**
     * The server process's system calls per echo over one extra round: {@code perf stat -e
     * raw_syscalls:sys_enter -p PID} (every thread of the process: the JVMs' JIT and GC threads
     * count too) around the round, divided by the round's echoes (its rate times its length, lead
     * included; for fan_out: per message). NaN without perf.
     */
    static double syscallsPerEcho(Child server, Child gen, int ms) {
        Process perf = null;
        try {
            // perf attaches in its own time (slowly on a loaded machine): start it, give it a head
            // start, run the round, then stop it with SIGINT, on which it prints its counts. Before
            // and after the round the server sleeps in its wait: no system calls to count there.
            // No workload command: with one ("-- sleep 60") perf stat ignores SIGINT and counts
            // until the command ends, a minute of the JVM servers' idle service threads included.
            perf = new ProcessBuilder("perf", "stat", "-x", ",", "-e", "raw_syscalls:sys_enter",
                    "-p", Long.toString(server.process.pid()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Thread.sleep(1000);
            double rate = round(gen, ms); // ms / 2 of lead, then ms measured, at one rate
            // nsbench fan_out counts every message of the round (lead and drain too); echo_loop: its rate over the whole round
            double ops = gen.lastRound.length > 4 ? Long.parseLong(gen.lastRound[4]) : rate * ms * 1.5 / 1000;
            new ProcessBuilder("kill", "-INT", Long.toString(perf.pid())).start().waitFor();
            String err = new String(perf.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            perf.waitFor(30, TimeUnit.SECONDS);
            for (String line : err.split("\\n")) {
                String[] f = line.split(",");
                if (f.length > 2 && f[2].contains("raw_syscalls:sys_enter") && f[0].matches("\\d+")) {
                    return Long.parseLong(f[0]) / ops;
                }
            }
            return Double.NaN;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        } finally {
            if (perf != null) {
                perf.destroyForcibly();
            }
        }
    }

    /**
     * The load generator's CPU time over wall time, median of the measured rounds, where the
     * generator reports it (nsbench fan_out): near 1, the generator set the pace. Keys label/placement/N/impl.
     */
    static final Map<String, Double> GEN_CPU = new LinkedHashMap<>();

    /** The {@code uring_echo} workload (issue 21): the ring servers beside the epoll ones. */
    static final int[] URING_CONNS = {100, 1_000, 10_000};

    static Map<String, Cell> runUring(String cBinary, boolean quick, boolean split, Progress progress) throws IOException, InterruptedException {
        List<String> impls = new ArrayList<>(List.of("c"));
        if (java.nio.file.Files.isExecutable(uringBinary(cBinary)) && UringEchoServer.available()) {
            impls.add("c_uring"); // as the library's ring: only where io_uring is enabled
        }
        impls.add("nativesockets");
        if (UringEchoServer.available()) {
            impls.add("uring");
        }
        impls.add("netty");
        if (NettyUringEchoServer.available()) {
            impls.add("netty_uring");
        }
        // Cell.toNio / toNetty hold the ratios to the C liburing server and to Netty's io_uring transport here
        return run(cBinary, quick, split, impls, URING_CONNS, "uring_echo", "c_uring", "netty_uring", progress);
    }

    /** The {@code uring_echo} table and the targets of issue 21. */
    static String uringTable(Map<String, Cell> cells) {
        StringBuilder sb = new StringBuilder("uring_echo: one server thread, N connections from nsbench echo_loop (another process),"
                + " one 64-byte message in flight each. c = C epoll, c_uring = C liburing (native/baseline/uring_echo.c),"
                + " nativesockets = this library's Readiness (epoll) loop, uring = this library's io_uring ring, netty / netty_uring ="
                + " Netty 4.2 epoll / io_uring transports. Rounds in rotation; ratios are medians of per-round ratios (paired)."
                + " syscalls/echo: perf stat raw_syscalls:sys_enter over the whole server process during one extra round,"
                + " divided by that round's echoes (JVM service threads included).\n\n");
        sb.append("| placement | N | impl | echoes/s | spread | × C epoll | × C liburing | × Netty io_uring | syscalls/echo | B/echo |\n");
        sb.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Cell c : cells.values()) {
            Double sc = SYSCALLS.get(key(c.placement(), c.conns(), c.impl()));
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | ±%.1f%% | %s | %s | %s | %s | %s |%n", c.placement(), c.conns(),
                    c.impl(), c.median(), c.spread() * 50, fmt(c.toC()), fmt(c.toNio()), fmt(c.toNetty()),
                    sc == null || sc.isNaN() ? "–" : String.format(Locale.ROOT, "%.2f", sc),
                    Double.isNaN(c.allocPerEcho()) ? "–" : String.format(Locale.ROOT, "%.2f", c.allocPerEcho())));
        }
        sb.append("\nTargets (issue 21): uring ≥ 0.95 × C liburing at 100, 1,000, 10,000; uring ≥ 1.0 × Netty io_uring;"
                + " fewer system calls per echo than the library's epoll loop; 0 B allocated per completion.\n\n");
        sb.append("| placement | N | uring × C liburing | ≥ 0.95 | uring × Netty io_uring | ≥ 1.0 | syscalls/echo uring vs epoll loop | fewer | B/echo | 0 |\n");
        sb.append("|---|---:|---:|---|---:|---|---|---|---:|---|\n");
        for (Cell c : cells.values()) {
            if (!c.impl().equals("uring")) {
                continue;
            }
            Double mine = SYSCALLS.get(key(c.placement(), c.conns(), "uring"));
            Double epoll = SYSCALLS.get(key(c.placement(), c.conns(), "nativesockets"));
            boolean both = mine != null && epoll != null && !mine.isNaN() && !epoll.isNaN();
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n", c.placement(), c.conns(),
                    fmt(c.toNio()), Double.isNaN(c.toNio()) ? "–" : c.toNio() >= 0.95 ? "met" : "missed",
                    fmt(c.toNetty()), Double.isNaN(c.toNetty()) ? "–" : c.toNetty() >= 1.0 ? "met" : "missed",
                    both ? String.format(Locale.ROOT, "%.2f vs %.2f", mine, epoll) : "–",
                    both ? (mine < epoll ? "met" : "missed") : "–",
                    Double.isNaN(c.allocPerEcho()) ? "–" : String.format(Locale.ROOT, "%.2f", c.allocPerEcho()),
                    Double.isNaN(c.allocPerEcho()) ? "–" : c.allocPerEcho() == 0 ? "met" : "missed"));
        }
        return sb.toString();
    }

    /** The {@code vthread_echo} workload: the same rotation over a virtual thread per connection. */
    static final int[] VTHREAD_CONNS = {100, 1_000, 10_000};

    static Map<String, Cell> runVthreads(String cBinary, boolean quick, boolean split, Progress progress) throws IOException, InterruptedException {
        List<String> impls = new ArrayList<>(List.of("c"));
        if (NsEchoServer.available()) {
            impls.addAll(List.of("vthreads", "nativesockets"));
        }
        impls.add("jdk_vthreads");
        // Cell.toNio / toNetty hold the ratios to the JDK's virtual threads and to this library's loop here
        return run(cBinary, quick, split, impls, VTHREAD_CONNS, "vthread_echo", "jdk_vthreads", "nativesockets", progress);
    }

    /** The rotation for {@code impls} at each N; {@code base2}, {@code base3}: the second and third ratio columns' bases. */
    static Map<String, Cell> run(String cBinary, boolean quick, boolean split, List<String> impls, int[] connsList, String label,
                                 String base2, String base3, Progress progress) throws IOException, InterruptedException {
        List<String> placements = split && Affinity.canSplit() ? List.of("same", "split") : List.of("same");
        int warmRotations = quick ? 2 : 3;
        int warmMs = quick ? 500 : 1000;
        int rotations = quick ? 4 : 10;
        int ms = quick ? 400 : 500; // each round has an uncounted lead of ms / 2 before it
        Map<String, Cell> cells = new LinkedHashMap<>();
        for (String placement : placements) {
            for (int conns : connsList) {
                progress.start(stepLabel(label, placement, conns));
                Map<String, Child> servers = new LinkedHashMap<>();
                Map<String, Child> gens = new LinkedHashMap<>();
                Map<String, double[]> values = new LinkedHashMap<>();
                Map<String, long[]> before = new LinkedHashMap<>();
                Map<String, long[]> after = new LinkedHashMap<>();
                try {
                    boolean fanOut = label.equals(FanOutRun.LABEL);
                    for (String impl : impls) {
                        servers.put(impl, fanOut ? FanOutRun.server(cBinary, impl, conns) : server(cBinary, impl));
                    }
                    for (String impl : impls) {
                        Child s = servers.get(impl);
                        Matcher m = LISTENING.matcher(String.join(" ", s.expect("listening")));
                        if (!m.find()) {
                            throw new IOException(s.name + " did not say where it listens");
                        }
                        gens.put(impl, new Child(impl + " load generator", List.of(cBinary, fanOut ? "fan_out" : "echo_loop", "--port", m.group(1),
                                "--conns", Integer.toString(conns), "--placement", placement, "--rotate", "1")));
                    }
                    for (Child g : gens.values()) {
                        g.expect("connected");
                    }
                    for (int w = 0; w < warmRotations; w++) { // C2 for the Java servers; the same for all
                        for (String impl : impls) {
                            round(gens.get(impl), warmMs);
                        }
                    }
                    for (String impl : impls) {
                        before.put(impl, stats(impl, servers.get(impl)));
                        values.put(impl, new double[rotations]);
                    }
                    Map<String, double[]> genCpu = new LinkedHashMap<>();
                    for (int k = 0; k < rotations; k++) {
                        for (int j = 0; j < impls.size(); j++) {
                            String impl = impls.get((j + k) % impls.size());
                            Child g = gens.get(impl);
                            values.get(impl)[k] = round(g, ms);
                            if (g.lastRound.length > 5) {
                                genCpu.computeIfAbsent(impl, x -> new double[rotations])[k] = Double.parseDouble(g.lastRound[5]);
                            }
                        }
                    }
                    genCpu.forEach((impl, v) -> {
                        double[] sorted = v.clone();
                        java.util.Arrays.sort(sorted);
                        GEN_CPU.put(label + "/" + key(placement, conns, impl), Compare.median(sorted));
                    });
                    for (String impl : impls) {
                        after.put(impl, stats(impl, servers.get(impl)));
                    }
                    if (label.equals("uring_echo") || fanOut) {
                        for (String impl : impls) {
                            SYSCALLS.put((fanOut ? FanOutRun.LABEL + "/" : "") + key(placement, conns, impl),
                                    syscallsPerEcho(servers.get(impl), gens.get(impl), quick ? 400 : 1000));
                        }
                    }
                } finally {
                    for (Child g : gens.values()) {
                        g.close();
                    }
                    for (Child s : servers.values()) {
                        s.close();
                    }
                }
                for (String impl : impls) {
                    double[] rounds = values.get(impl).clone();
                    double[] v = rounds.clone();
                    java.util.Arrays.sort(v);
                    double median = Compare.median(v);
                    long[] a = before.get(impl);
                    long[] b = after.get(impl);
                    double alloc = a == null || b == null || b[0] == a[0] || b[1] < 0 ? Double.NaN
                            : (b[1] - a[1]) / ((b[0] - a[0]) / (double) MESSAGE);
                    cells.put(key(placement, conns, impl), new Cell(placement, conns, impl, median, (v[v.length - 1] - v[0]) / median,
                            alloc, pairedRatio(values, impl, "c"), pairedRatio(values, impl, base2),
                            pairedRatio(values, impl, base3), v.length, rounds));
                }
                progress.done();
            }
        }
        return cells;
    }

    /** The median over rotations of impl's round divided by base's round of the same rotation. */
    static double pairedRatio(Map<String, double[]> values, String impl, String base) {
        double[] a = values.get(impl);
        double[] b = values.get(base);
        if (a == null || b == null) {
            return Double.NaN;
        }
        double[] r = new double[a.length];
        int n = 0;
        for (int k = 0; k < a.length; k++) {
            if (b[k] > 0) {
                r[n++] = a[k] / b[k];
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        r = java.util.Arrays.copyOf(r, n);
        java.util.Arrays.sort(r);
        return Compare.median(r);
    }

    static double round(Child gen, int ms) throws IOException {
        gen.say("run " + ms);
        gen.lastRound = gen.expect("round");
        return Double.parseDouble(gen.lastRound[2]);
    }

    static String key(String placement, int conns, String impl) {
        return placement + "/" + conns + "/" + impl;
    }

    /** {bytes echoed, bytes allocated by the server thread}; null for the C server (it keeps no counters). */
    static long[] stats(String impl, Child server) throws IOException {
        if (impl.equals("c") || impl.equals("c_uring")) {
            return null;
        }
        server.say("stats");
        String[] f = server.expect("stats");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    // ---- output ----------------------------------------------------------------------------

    static String table(Map<String, Cell> cells) {
        StringBuilder sb = new StringBuilder("echo_loop: one server thread, N connections from nsbench echo_loop (another process, one"
                + " thread, epoll), one 64-byte message in flight per connection. Server thread on CPU " + Affinity.CPU_A
                + "; load generator on the same CPU (same) or CPU " + Affinity.CPU_B + " (split). Rounds of all servers in rotation;"
                + " × C, × NIO, × Netty = median of the per-round ratios (paired). ns/echo = 1e9 / median rate (wall time per echo of"
                + " the whole system); cost ÷ at 100 = rate at 100 / rate at N, the same implementation and placement (not paired);"
                + " B/echo = the server thread's allocation over the measured rounds (ThreadMXBean.getThreadAllocatedBytes) / echoes.\n\n");
        sb.append("| placement | N | impl | echoes/s | spread | ns/echo | × C | × NIO | × Netty | cost ÷ at 100 | B/echo |\n");
        sb.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Cell c : cells.values()) {
            Cell at100 = cells.get(key(c.placement(), 100, c.impl()));
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | ±%.1f%% | %.0f | %s | %s | %s | %s | %s |%n",
                    c.placement(), c.conns(), c.impl(), c.median(), c.spread() * 50, 1e9 / c.median(),
                    fmt(c.toC()), fmt(c.toNio()), fmt(c.toNetty()),
                    at100 == null ? "–" : fmt(at100.median() / c.median()),
                    Double.isNaN(c.allocPerEcho()) ? "–" : c.allocPerEcho() == 0 || c.allocPerEcho() >= 0.01
                            ? String.format(Locale.ROOT, "%.2f", c.allocPerEcho()) : String.format(Locale.ROOT, "%.1e", c.allocPerEcho())));
        }
        return sb.toString();
    }

    /** The {@code vthread_echo} table and its targets (issue 17). */
    static String vthreadTable(Map<String, Cell> cells) {
        StringBuilder sb = new StringBuilder("vthread_echo: a virtual thread per connection, blocking calls (vthreads = this library's"
                + " Socket, jdk_vthreads = java.net.Socket; the same code shape), against this library's one-thread loop (nativesockets)"
                + " and the C epoll server; N connections from nsbench echo_loop (another process), one 64-byte message in flight each."
                + " Servers pinned to CPU " + Affinity.CPU_A + " (the virtual-thread servers: every carrier and poller thread);"
                + " load generator on the same CPU (same) or CPU " + Affinity.CPU_B + " (split). Rounds in rotation; ratios are"
                + " medians of per-round ratios (paired).\n\n");
        sb.append("| placement | N | impl | echoes/s | spread | × C | × jdk_vthreads | × nativesockets loop |\n");
        sb.append("|---|---:|---|---:|---:|---:|---:|---:|\n");
        for (Cell c : cells.values()) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | ±%.1f%% | %s | %s | %s |%n", c.placement(), c.conns(), c.impl(),
                    c.median(), c.spread() * 50, fmt(c.toC()), fmt(c.toNio()), fmt(c.toNetty())));
        }
        sb.append("\nTargets (issue 17): vthreads ≥ 1.1 × jdk_vthreads at every N; vthreads ≥ 0.8 × the library's loop at 10,000.\n\n");
        sb.append("| placement | N | vthreads × jdk_vthreads | ≥ 1.1 | vthreads × loop | ≥ 0.8 at 10,000 |\n|---|---:|---:|---|---:|---|\n");
        for (Cell c : cells.values()) {
            if (!c.impl().equals("vthreads")) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s |%n", c.placement(), c.conns(), fmt(c.toNio()),
                    Double.isNaN(c.toNio()) ? "–" : c.toNio() >= 1.1 ? "met" : "missed", fmt(c.toNetty()),
                    c.conns() != 10_000 || Double.isNaN(c.toNetty()) ? "–" : c.toNetty() >= 0.8 ? "met" : "missed"));
        }
        return sb.toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** The targets of issue 16, each a ratio in this run. */
    static String targets(Map<String, Cell> cells, String impl) {
        StringBuilder sb = new StringBuilder();
        for (Cell c : cells.values()) {
            if (!c.impl().equals(impl)) {
                continue;
            }
            target(sb, c, c.toC(), 0.95, "≥ 0.95 × C epoll server");
            target(sb, c, c.toNio(), 1.25, "≥ 1.25 × NIO Selector");
            target(sb, c, c.toNetty(), 1.0, "≥ 1.0 × Netty epoll");
            if (c.conns() == 10_000) {
                Cell at100 = cells.get(key(c.placement(), 100, impl));
                Cell c100 = cells.get(key(c.placement(), 100, "c"));
                Cell c10k = cells.get(key(c.placement(), 10_000, "c"));
                if (at100 != null) {
                    double r = at100.median() / c.median();
                    String rel = c100 == null || c10k == null ? "" : String.format(Locale.ROOT,
                            " (C's own: %.3f; relative to C, from the paired ratios: %.3f)", c100.median() / c10k.median(),
                            at100.toC() / c.toC());
                    sb.append(String.format(Locale.ROOT, "| echo_loop %s %s cost per echo at 10,000 ≤ 1.2 × at 100%s | %.3f | %s |%n",
                            c.placement(), impl, rel, r, r <= 1.2 ? "met" : "MISSED"));
                }
            }
            if (!Double.isNaN(c.allocPerEcho())) {
                double a = c.allocPerEcho();
                sb.append(String.format(Locale.ROOT, "| echo_loop %s N=%d %s 0 B allocated per echo (server thread) | %s B | %s |%n",
                        c.placement(), c.conns(), impl, a == 0 || a >= 0.001 ? String.format(Locale.ROOT, "%.3f", a)
                                : String.format(Locale.ROOT, "%.1e", a), a == 0 ? "met" : "MISSED"));
            }
        }
        return sb.toString();
    }

    private static void target(StringBuilder sb, Cell c, double r, double limit, String text) {
        if (Double.isNaN(r)) {
            return;
        }
        sb.append(String.format(Locale.ROOT, "| echo_loop %s N=%d %s %s | %.3f | %s |%n",
                c.placement(), c.conns(), c.impl(), text, r, r >= limit ? "met" : "MISSED"));
    }
}
