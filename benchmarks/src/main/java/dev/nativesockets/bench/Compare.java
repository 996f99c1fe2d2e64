package dev.nativesockets.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the C baseline and the JMH workloads in one go and prints one table: workload × impl,
 * median and spread over the measured iterations, ratio to C and to the best JDK implementation,
 * allocation per operation; then cold start, then the targets of issue 6, met or missed; then the
 * {@code echo_loop} table ({@link EchoLoopRun}), the memory of an idle registered connection
 * ({@link IdleCost}) and the targets of issue 16.
 * {@code benchmarks/compare.sh} builds everything and calls this.
 *
 * <p>With {@code --out FILE.md} it also writes {@code FILE.json} ({@link Results}, through
 * {@link RunResults}) and {@code FILE-charts/} ({@link Charts}, drawn from that JSON alone).
 * Progress ({@link Progress}) goes to stderr: {@code --progress tty} rewrites one line,
 * {@code lines} (the default) prints a line per step.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar dev.nativesockets.bench.Compare
 *      --c PATH_TO_NSBENCH [--quick] [--only REGEX] [--out FILE.md] [--no-split] [--cold-runs N] [--progress tty|lines]
 * </pre>
 */
public final class Compare {
    private Compare() {}

    static final String[] JDK = {"socket", "channel"};
    static final double GIB = 1024.0 * 1024 * 1024;

    /** One table section: a JMH benchmark with fixed params, its C counterpart, its unit. */
    record Spec(String id, String title, String bench, Map<String, String> params, List<String> impls,
                List<String> quickImpls, String cWorkload, List<String> cArgs, String cImpl,
                double factor, String unit, boolean lowerBetter, String placement) {}

    /** One implementation's line of a section; {@code samples}: every measured iteration or round. */
    record Row(String spec, String impl, double median, double spread, double allocPerOp, int n, double[] samples) {}

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean split = true;
        String cBinary = null;
        String only = null;
        Path out = null;
        int coldRuns = -1;
        boolean terminal = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--no-split" -> split = false;
                case "--c" -> cBinary = args[++i];
                case "--only" -> only = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--cold-runs" -> coldRuns = Integer.parseInt(args[++i]);
                case "--progress" -> terminal = switch (args[++i]) {
                    case "tty" -> true;
                    case "lines" -> false;
                    default -> throw new IllegalArgumentException("--progress tty|lines, not " + args[i]);
                };
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (quick) {
            split = false;
        }
        if (coldRuns < 0) {
            coldRuns = quick ? 5 : 20;
        }
        List<Spec> specs = specs(split);
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        long started = System.nanoTime();
        Instant startedAt = Instant.now();
        String loadBefore = loadAverage();
        Progress progress = plan(specs, only, quick, split, cBinary != null, coldRuns, terminal);
        for (Spec spec : specs) {
            if (only != null && !spec.id().matches(only)) {
                continue;
            }
            // The machine drifts (other load, frequency): in full mode the C baseline runs before
            // every implementation's fork and once after the last, and its rounds are pooled, so C
            // is sampled across the same stretch of time as the implementations it is compared to.
            List<Row> r = new ArrayList<>();
            List<Double> cValues = new ArrayList<>();
            List<String> impls = quick ? spec.quickImpls() : spec.impls();
            if (impls.isEmpty()) {
                continue;
            }
            boolean withC = cBinary != null && spec.cWorkload() != null;
            if (quick || impls.isEmpty()) {
                progress.start(spec.id() + " · " + String.join(", ", impls) + (withC ? ", " + spec.cImpl() : ""));
                if (withC) {
                    cValues.addAll(runC(cBinary, spec, quick));
                }
                r.addAll(runJmh(spec, impls, quick));
                progress.done();
            } else {
                for (String impl : impls) {
                    progress.start(spec.id() + " · " + impl);
                    if (withC) {
                        cValues.addAll(runC(cBinary, spec, quick));
                    }
                    r.addAll(runJmh(spec, List.of(impl), quick));
                    progress.done();
                }
                if (withC) {
                    progress.start(spec.id() + " · " + spec.cImpl());
                    cValues.addAll(runC(cBinary, spec, quick));
                    progress.done();
                }
            }
            if (!cValues.isEmpty()) {
                r.add(0, row(spec.id(), spec.cImpl(), cValues, Double.NaN));
            }
            rows.put(spec.id(), r);
        }
        String cBin = cBinary;
        boolean isQuick = quick;
        Map<String, List<Paired.Result>> ratios = cBinary != null && (only == null || "paired".matches(only))
                ? step(progress, "paired rounds", () -> pairedRatios(cBin, isQuick)) : Map.of();
        Map<String, Double> alloc = only == null || "alloc".matches(only) ? step(progress, "alloc", Compare::allocCheck) : Map.of();
        Map<String, double[]> paired = only == null || "downcall_paired".matches(only)
                ? step(progress, "downcall_paired", () -> pairedDowncall(isQuick ? 300 : 2000)) : Map.of();
        int runs = coldRuns;
        Map<String, double[]> cold = (only == null || "cold".matches(only)) && coldRuns > 0
                ? step(progress, "cold start", () -> coldStart(runs)) : Map.of();
        boolean doSplit = split;
        Map<String, EchoLoopRun.Cell> echo = cBinary != null && (only == null || "echo_loop".matches(only))
                ? EchoLoopRun.run(cBinary, quick, doSplit, progress) : Map.of();
        String idle = cBinary != null && (only == null || "idle_cost".matches(only))
                ? step(progress, "idle_cost", () -> IdleCost.run(cBin)) : "";
        Map<String, EchoLoopRun.Cell> vthreads = cBinary != null && (only == null || "vthread_echo".matches(only))
                ? EchoLoopRun.runVthreads(cBinary, quick, doSplit, progress) : Map.of();
        Map<String, EchoLoopRun.Cell> uring = cBinary != null && (only == null || "uring_echo".matches(only))
                ? EchoLoopRun.runUring(cBinary, quick, doSplit, progress) : Map.of();
        Map<String, EchoLoopRun.Cell> fanOut = cBinary != null && (only == null || FanOutRun.LABEL.matches(only))
                ? FanOutRun.run(cBinary, quick, doSplit, progress) : Map.of();
        progress.finish();

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Run: %s, %s mode, total %.0f s%n", Instant.now(),
                quick ? "quick" : "full", (System.nanoTime() - started) / 1e9));
        md.append(String.format(Locale.ROOT, "Machine: %s, %d CPUs (%s), %s %s, JDK %s (%s)%n",
                cpuModel(), Runtime.getRuntime().availableProcessors(), "measuring CPU " + Affinity.CPU_A + ", split peer CPU " + Affinity.CPU_B,
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"),
                System.getProperty("java.vm.name")));
        md.append(String.format(Locale.ROOT, "Load average (1, 5, 15 min) before: %s; after: %s%n%n", loadBefore, loadAverage()));
        if (!rows.isEmpty()) {
            md.append(table(specs, rows));
        }
        if (!ratios.isEmpty()) {
            md.append('\n').append(ratioTable(ratios, quick));
        }
        if (!paired.isEmpty()) {
            md.append('\n').append(DowncallPaired.table(paired, quick ? 300 : 2000))
                    .append("\nTwo JVMs, one per mode: rows marked").append(CONFINED_JVM)
                    .append(" and `confined` come from the second, whose JIT profile has no shared-socket calls in it.\n");
        }
        if (!cold.isEmpty()) {
            md.append('\n').append(coldTable(cold));
        }
        if (!rows.isEmpty() || !ratios.isEmpty() || !paired.isEmpty() || !alloc.isEmpty() || !cold.isEmpty()) {
            md.append('\n').append(targets(specs, rows, ratios, paired, alloc, cold));
        }
        if (!echo.isEmpty()) {
            md.append('\n').append(EchoLoopRun.table(echo));
        }
        if (!idle.isEmpty()) {
            md.append('\n').append(idle);
        }
        if (!echo.isEmpty()) {
            md.append("\nTargets (issue 16; paired ratios: medians of per-round ratios in this run)\n\n| target | ratio | verdict |\n|---|---:|---|\n")
                    .append(EchoLoopRun.targets(echo, "nativesockets"));
        }
        if (!vthreads.isEmpty()) {
            md.append('\n').append(EchoLoopRun.vthreadTable(vthreads));
        }
        if (!uring.isEmpty()) {
            md.append('\n').append(EchoLoopRun.uringTable(uring));
        }
        if (!fanOut.isEmpty()) {
            md.append('\n').append(FanOutRun.table(fanOut));
        }
        System.out.println(md);
        if (out != null) {
            Path dir = out.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Files.writeString(out, md.toString());
            // beside the report: the results file, and the charts drawn from it alone
            String base = out.getFileName().toString().replaceFirst("\\.md$", "");
            Path json = out.resolveSibling(base + ".json");
            Results results = RunResults.collect(startedAt, quick, (System.nanoTime() - started) / 1e9, loadBefore, specs, rows,
                    ratios, alloc, paired, cold, echo, vthreads, uring, fanOut);
            results.write(json);
            Path charts = out.resolveSibling(base + "-charts");
            List<Path> drawn = Charts.render(results, charts);
            System.err.printf(Locale.ROOT, "[compare] report %s, results %s, %d chart files in %s%n", out, json,
                    drawn.stream().filter(f -> f.toString().endsWith(".png")).count(), charts);
        }
    }

    interface Work<T> {
        T run() throws Exception;
    }

    /** One whole section as one step of the progress display. */
    static <T> T step(Progress progress, String label, Work<T> work) throws Exception {
        progress.start(label);
        T t = work.run();
        progress.done();
        return t;
    }

    /**
     * The steps this run will take, in order, each with its expected seconds on the 2-vCPU host
     * the runs so far were made on; only the proportions matter, {@link Progress} rescales them
     * by the pace of the steps already done.
     */
    static Progress plan(List<Spec> specs, String only, boolean quick, boolean split, boolean withC, int coldRuns, boolean terminal) {
        Progress p = new Progress(System.err, terminal);
        double fork = quick ? 4 : 10;
        double cRun = quick ? 3 : 3;
        for (Spec spec : specs) {
            if (only != null && !spec.id().matches(only)) {
                continue;
            }
            List<String> impls = quick ? spec.quickImpls() : spec.impls();
            if (impls.isEmpty()) {
                continue;
            }
            boolean c = withC && spec.cWorkload() != null;
            boolean slow = impls.contains("nativesockets_mmsg") || impls.contains("mmsg") || impls.contains("gso");
            if (quick) {
                p.plan(spec.id() + " · " + String.join(", ", impls) + (c ? ", " + spec.cImpl() : ""),
                        impls.size() * (fork + (slow ? 3 : 0)) + (c ? cRun : 0));
            } else {
                for (String impl : impls) {
                    p.plan(spec.id() + " · " + impl, fork + (slow ? 3 : 0) + (c ? cRun : 0));
                }
                if (c) {
                    p.plan(spec.id() + " · " + spec.cImpl(), cRun);
                }
            }
        }
        if (withC && (only == null || "paired".matches(only))) {
            p.plan("paired rounds", quick ? 30 : 240);
        }
        if (only == null || "alloc".matches(only)) {
            p.plan("alloc", quick ? 30 : 60);
        }
        if (only == null || "downcall_paired".matches(only)) {
            p.plan("downcall_paired", quick ? 15 : 35);
        }
        if ((only == null || "cold".matches(only)) && coldRuns > 0) {
            p.plan("cold start", 10 + coldRuns * 6 * 0.5);
        }
        List<String> placements = split && Affinity.canSplit() ? List.of("same", "split") : List.of("same");
        if (withC && (only == null || "echo_loop".matches(only))) {
            for (String placement : placements) {
                for (int n : EchoLoopRun.CONNS) {
                    p.plan(EchoLoopRun.stepLabel("echo_loop", placement, n), EchoLoopRun.expectedSeconds(quick, 4, n));
                }
            }
        }
        if (withC && (only == null || "idle_cost".matches(only))) {
            p.plan("idle_cost", 40);
        }
        if (withC && (only == null || "vthread_echo".matches(only))) {
            for (String placement : placements) {
                for (int n : EchoLoopRun.VTHREAD_CONNS) {
                    p.plan(EchoLoopRun.stepLabel("vthread_echo", placement, n), EchoLoopRun.expectedSeconds(quick, 4, n));
                }
            }
        }
        if (withC && (only == null || "uring_echo".matches(only))) {
            for (String placement : placements) {
                for (int n : EchoLoopRun.URING_CONNS) {
                    p.plan(EchoLoopRun.stepLabel("uring_echo", placement, n), EchoLoopRun.expectedSeconds(quick, 6, n));
                }
            }
        }
        if (withC && (only == null || FanOutRun.LABEL.matches(only))) {
            for (String placement : placements) {
                for (int n : FanOutRun.CONNS) {
                    p.plan(EchoLoopRun.stepLabel(FanOutRun.LABEL, placement, n), EchoLoopRun.expectedSeconds(quick, 4, n));
                }
            }
        }
        return p;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    // ---- the workloads ---------------------------------------------------------------------

    static List<Spec> specs(boolean split) {
        List<String> rt = List.of("nativesockets", "confined", "raw", "ffm", "channel", "socket");
        List<String> rtQuick = List.of("nativesockets", "confined", "ffm", "channel");
        List<String> unix = List.of("nativesockets", "confined", "raw", "ffm", "channel");
        // connect + accept makes new sockets each cycle: confining them would only add a step
        List<String> cycle = List.of("nativesockets", "raw", "ffm", "channel", "socket");
        List<String> cycleQuick = List.of("nativesockets", "ffm", "channel");
        List<Spec> s = new ArrayList<>();
        List<String> placements = split ? List.of("same", "split") : List.of("same");
        for (String p : placements) {
            for (String size : p.equals("same") ? List.of("1", "64", "4096") : List.of("64")) {
                s.add(new Spec("tcp_rt_" + size + (p.equals("same") ? "" : "_split"), "TcpPingPong " + size + " B",
                        "TcpPingPong.roundTrip", Map.of("size", size, "placement", p), rt,
                        size.equals("64") && p.equals("same") ? rtQuick : List.of(),
                        "tcp_pingpong", List.of("--size", size, "--placement", p), "c", 1, "µs/RT", true, p));
            }
            s.add(new Spec("unix_rt_64" + (p.equals("same") ? "" : "_split"), "UnixPingPong 64 B", "UnixPingPong.roundTrip",
                    Map.of("size", "64", "placement", p), unix, p.equals("same") ? rtQuick : List.of(),
                    "unix_pingpong", List.of("--size", "64", "--placement", p), "c", 1, "µs/RT", true, p));
            s.add(new Spec("udp_rt_64" + (p.equals("same") ? "" : "_split"), "UdpPingPong 64 B", "UdpPingPong.roundTrip",
                    Map.of("size", "64", "placement", p), rt, p.equals("same") ? rtQuick : List.of(),
                    "udp_pingpong", List.of("--size", "64", "--placement", p), "c", 1, "µs/RT", true, p));
        }
        s.add(new Spec("tcp_bulk", "TcpThroughput 64 KiB writes", "TcpThroughput.write64k", Map.of("placement", "same"),
                rt, rtQuick, "tcp_throughput", List.of("--placement", "same"), "c",
                TcpThroughput.CHUNK / GIB, "GiB/s", false, "same"));
        s.add(new Spec("connect_accept", "ConnectAccept", "ConnectAccept.connectAcceptClose", Map.of(),
                cycle, cycleQuick, "connect_accept", List.of(), "c", 1e-3, "k cycles/s", false, "1 thread"));
        s.add(new Spec("udp_single", "UdpBatch 64 B, one call per datagram", "UdpBatch.sendReceive32", Map.of("size", "64"),
                List.of("nativesockets", "confined", "raw", "ffm", "channel", "socket"), List.of("nativesockets", "confined", "channel"),
                "udp_batch", List.of("--size", "64"), "c", 1e-3, "k dgram/s", false, "1 thread"));
        s.add(new Spec("udp_mmsg", "UdpBatch 64 B, sendmmsg/recvmmsg 32 per call", "UdpBatch.sendReceive32", Map.of("size", "64"),
                mmsgImpls(), List.of(mmsgImpls().get(0), "raw_mmsg"),
                "udp_batch_mmsg", List.of("--size", "64"), "c_mmsg", 1e-3, "k dgram/s", false, "1 thread"));
        // issue 18: UDP segmentation/receive offload and MSG_ZEROCOPY (Linux)
        s.add(new Spec("udp_gso_plain", "UdpGso 1200 B, sendmmsg/recvmmsg 48 per call (no offload)", "UdpGso.sendReceive48",
                Map.of("size", "1200"), List.of("mmsg"), List.of("mmsg"),
                "udp_gso", List.of("--size", "1200", "--gso", "0", "--gro", "0"), "c_mmsg", 1e-3, "k dgram/s", false, "1 thread"));
        s.add(new Spec("udp_gso", "UdpGso 1200 B, one UDP_SEGMENT sendmsg of 48, recvmmsg", "UdpGso.sendReceive48",
                Map.of("size", "1200"), List.of("gso"), List.of("gso"),
                "udp_gso", List.of("--size", "1200", "--gso", "1", "--gro", "0"), "c_gso", 1e-3, "k dgram/s", false, "1 thread"));
        s.add(new Spec("udp_gso_gro", "UdpGso 1200 B, one UDP_SEGMENT sendmsg, one UDP_GRO recvmsg", "UdpGso.sendReceive48",
                Map.of("size", "1200"), List.of("gso_gro"), List.of("gso_gro"),
                "udp_gso", List.of("--size", "1200", "--gso", "1", "--gro", "1"), "c_gso_gro", 1e-3, "k dgram/s", false, "1 thread"));
        s.add(new Spec("tcp_zc_plain", "TcpZeroCopy 1 MiB sends, plain", "TcpZeroCopy.send1m", Map.of(),
                List.of("plain"), List.of("plain"), "tcp_zerocopy", List.of("--zerocopy", "0"), "c", 1, "MiB/s", false, "same"));
        s.add(new Spec("tcp_zc", "TcpZeroCopy 1 MiB sends, MSG_ZEROCOPY + completions", "TcpZeroCopy.send1m", Map.of(),
                List.of("zerocopy"), List.of("zerocopy"), "tcp_zerocopy", List.of("--zerocopy", "1"), "c_zc", 1, "MiB/s", false, "same"));
        s.add(new Spec("downcall", "Downcall getsockopt(SO_RCVBUF)", "Downcall.getsockopt", Map.of(),
                List.of("ffm", "ffm_plain", "raw", "nativesockets", "confined", "nativesockets_typed", "channel", "socket"),
                List.of("ffm", "nativesockets", "confined", "channel"), "downcall", List.of(), "c", 1, "ns/call", true, "1 thread"));
        return s;
    }

    /** The batch implementations UdpBatch offers (the library's own first, when it has one). */
    static List<String> mmsgImpls() {
        return UdpBatch.hasSocketMmsg() ? List.of("nativesockets_mmsg", "raw_mmsg", "ffm_mmsg") : List.of("raw_mmsg", "ffm_mmsg", "ffm_mmsg");
    }

    // ---- running ---------------------------------------------------------------------------

    static List<Double> runC(String binary, Spec spec, boolean quick) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary, spec.cWorkload()));
        cmd.addAll(spec.cArgs());
        cmd.addAll(quick ? List.of("--warmup", "1", "--rounds", "3", "--ms", "500") : List.of("--warmup", "0", "--rounds", "2", "--ms", "1000"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Double> values = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3 && f[0].equals("round")) {
                    values.add(Double.parseDouble(f[2]) * spec.factor());
                }
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || values.isEmpty()) {
            throw new IOException("C baseline failed: " + cmd);
        }
        return values;
    }

    static List<Row> runJmh(Spec spec, List<String> impls, boolean quick) throws RunnerException {
        if (impls.isEmpty()) {
            return List.of();
        }
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include("\\.bench\\." + spec.bench().replace(".", "\\.") + "$")
                .param("impl", impls.toArray(String[]::new))
                .forks(1)
                .jvmArgsAppend(forkArgs())
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
        spec.params().forEach(o::param);
        // the message batch path (Socket.sendMmsg/recvMmsg) needs ~3 s of C2 on 2 loaded vCPUs
        boolean slowWarmup = impls.contains("nativesockets_mmsg") || impls.contains("mmsg") || impls.contains("gso");
        if (quick) {
            o.warmupIterations(slowWarmup ? 6 : 1).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(3).measurementTime(TimeValue.milliseconds(500));
        } else {
            o.warmupIterations(slowWarmup ? 5 : 2).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        List<Row> rows = new ArrayList<>();
        for (RunResult rr : results) {
            String impl = rr.getParams().getParam("impl");
            List<Double> values = new ArrayList<>();
            for (BenchmarkResult br : rr.getBenchmarkResults()) {
                for (IterationResult ir : br.getIterationResults()) {
                    values.add(ir.getPrimaryResult().getScore() * spec.factor());
                }
            }
            Result<?> alloc = rr.getSecondaryResults().get("gc.alloc.rate.norm");
            rows.add(row(spec.id(), impl, values, alloc == null ? Double.NaN : alloc.getScore()));
        }
        rows.sort((a, b) -> Integer.compare(impls.indexOf(a.impl()), impls.indexOf(b.impl())));
        return rows;
    }

    /** Native access for the library; JMH's own Unsafe use is allowed quietly on JDK 24+. */
    static String[] forkArgs() {
        return Runtime.version().feature() >= 24
                ? new String[] {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"}
                : new String[] {"--enable-native-access=ALL-UNNAMED"};
    }

    static Row row(String spec, String impl, List<Double> values, double alloc) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = median(v);
        double[] raw = values.stream().mapToDouble(Double::doubleValue).toArray();
        return new Row(spec, impl, median, (v[v.length - 1] - v[0]) / median, alloc, v.length, raw);
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** {@link Paired} in a fresh JVM: per-round ratios to C and to SocketChannel. */
    static Map<String, List<Paired.Result>> pairedRatios(String cBinary, boolean quick) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(List.of(forkArgs()));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Paired.class.getName(), "--c", cBinary));
        cmd.addAll(quick ? List.of("--rounds", "6", "--ms", "100", "--impls", "nativesockets,confined,channel,raw_mmsg," + mmsgImpls().get(0))
                : List.of("--rounds", "20", "--ms", "200"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("Paired failed: " + out);
        }
        Map<String, List<Paired.Result>> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 7 && f[0].equals("paired")) {
                m.computeIfAbsent(f[1], k -> new ArrayList<>()).add(new Paired.Result(f[2],
                        Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6])));
                UNITS.put(f[1], f[3].replace('_', ' '));
            }
        }
        return m;
    }

    static final Map<String, String> UNITS = new LinkedHashMap<>();

    static String ratioTable(Map<String, List<Paired.Result>> ratios, boolean quick) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "Paired ratios (%s rotating rounds of %s ms: every implementation and one C process per round; "
                        + "each value divided by the C and the SocketChannel value of the same round; medians)%n%n",
                quick ? 6 : 20, quick ? 100 : 200));
        sb.append("| workload | impl | median | unit | × C (paired) | × channel (paired) |\n|---|---|---:|---|---:|---:|\n");
        ratios.forEach((id, list) -> {
            for (Paired.Result r : list) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.3f | %s |%n", id, r.impl(), num(r.median()),
                        UNITS.getOrDefault(id, ""), r.toC(),
                        Double.isNaN(r.toChannel()) ? "–" : String.format(Locale.ROOT, "%.3f", r.toChannel())));
            }
        });
        return sb.toString();
    }

    /** {@link AllocCheck} in a fresh JVM: exact bytes per operation of the nativesockets paths. */
    static Map<String, Double> allocCheck() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(List.of(forkArgs()));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AllocCheck.class.getName(), "nativesockets"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("AllocCheck failed: " + out);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4 && f[0].equals("alloc")) {
                m.put(f[1], Double.parseDouble(f[3]));
            }
        }
        return m;
    }

    /**
     * {@link DowncallPaired} in two fresh JVMs, pinned like the forks: one for the shared socket
     * (with the bare-handle-plus-atomics paths that explain it), one for the confined socket. Both
     * modes run through the same {@code Socket} methods, and a JVM that runs both compiles each
     * method with the other mode's branch in it too: on the run-6 host that alone made a confined
     * call +14 ns instead of +0–7 ns. A program normally drives a socket in one mode, as JMH's
     * separate forks do. The second JVM's own {@code ffm} and {@code raw} rows are kept apart by a
     * {@value #CONFINED_JVM} suffix.
     */
    static Map<String, double[]> pairedDowncall(int rounds) throws IOException, InterruptedException {
        Map<String, double[]> m = pairedDowncall(rounds, "ffm+2cas,ffm+tl+2cas,raw,nativesockets");
        pairedDowncall(rounds, "raw,confined").forEach((path, v) ->
                m.put(path.equals("confined") ? path : path + CONFINED_JVM, v));
        return m;
    }

    static final String CONFINED_JVM = " (confined's JVM)";

    static Map<String, double[]> pairedDowncall(int rounds, String paths) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(List.of(forkArgs()));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DowncallPaired.class.getName(), Integer.toString(rounds), paths));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("DowncallPaired failed: " + out);
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\\|");
            if (f.length >= 5 && Arrays.asList(DowncallPaired.PATHS).contains(f[1].trim())) {
                String[] iqr = f[4].trim().split("…");
                m.put(f[1].trim(), new double[] {Double.parseDouble(f[2].trim()), Double.parseDouble(f[3].trim()),
                        Double.parseDouble(iqr[0].trim()), Double.parseDouble(iqr[1].trim())});
            }
        }
        return m;
    }

    // ---- cold start ------------------------------------------------------------------------

    /** Suffix of the cold-start rows that run with a JDK AOT cache. */
    static final String AOT = "+aot";

    /**
     * Whole processes, alternating implementations; wall time from spawn to exit, and time in main.
     * Where the JDK has an AOT cache (JDK 25: JEP 483/514/515), {@code nativesockets} and
     * {@code channel} also run with one ({@link #AOT} rows), made beforehand by one training run
     * of the same program ({@code -XX:AOTCacheOutput}); a deployment option, measured beside the
     * default, not instead of it.
     */
    static Map<String, double[]> coldStart(int runs) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        List<String> impls = new ArrayList<>(List.of("nativesockets", "ffm", "channel", "socket"));
        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        Path aotDir = Files.createTempDirectory("nativesockets-aot");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> {
                while (!server.isClosed()) {
                    try (java.net.Socket s = server.accept()) {
                        InputStream in = s.getInputStream();
                        OutputStream out = s.getOutputStream();
                        int b;
                        while ((b = in.read()) >= 0) {
                            out.write(b);
                        }
                    } catch (IOException e) {
                        // the server closed, or a client died: next
                    }
                }
            }, "cold-echo");
            echo.setDaemon(true);
            echo.start();
            String port = Integer.toString(server.getLocalPort());
            Map<String, List<String>> commands = new LinkedHashMap<>();
            for (String impl : impls) {
                commands.put(impl, coldCommand(java, cp, List.of(), impl, port));
            }
            if (Runtime.version().feature() >= 25) {
                for (String impl : List.of("nativesockets", "channel")) {
                    Path cache = aotDir.resolve(impl + ".aot");
                    List<String> use = List.of("-XX:AOTMode=on", "-XX:AOTCache=" + cache);
                    // training run (writes the cache), then one run that must be able to use it
                    if (runCold(coldCommand(java, cp, List.of("-XX:AOTCacheOutput=" + cache), impl, port)) == null
                            || !Files.isRegularFile(cache) || runCold(coldCommand(java, cp, use, impl, port)) == null) {
                        System.err.println("[compare] cold start: no AOT cache for " + impl + "; its " + AOT + " row is left out");
                        continue;
                    }
                    commands.put(impl + AOT, coldCommand(java, cp, use, impl, port));
                }
            }
            for (String name : commands.keySet()) {
                samples.put(name, new ArrayList<>());
            }
            for (int i = -1; i < runs; i++) { // run -1 warms the page cache and is dropped
                for (Map.Entry<String, List<String>> e : commands.entrySet()) {
                    long t0 = System.nanoTime();
                    String output = runCold(e.getValue());
                    long t1 = System.nanoTime();
                    if (output == null) {
                        throw new IOException("cold start " + e.getKey() + " failed: " + String.join(" ", e.getValue()));
                    }
                    double inMain = Double.parseDouble(output.substring(output.indexOf("main_ms ") + 8).trim().split("\\s+")[0]);
                    if (i >= 0) {
                        samples.get(e.getKey()).add(new double[] {(t1 - t0) / 1e6, inMain});
                    }
                }
            }
        } finally {
            try (var files = Files.list(aotDir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(aotDir);
        }
        Map<String, double[]> result = new LinkedHashMap<>();
        samples.forEach((impl, list) -> {
            double[] wall = list.stream().mapToDouble(a -> a[0]).sorted().toArray();
            double[] main = list.stream().mapToDouble(a -> a[1]).sorted().toArray();
            result.put(impl, new double[] {median(wall), wall[0], wall[wall.length - 1], median(main), wall.length});
        });
        return result;
    }

    static List<String> coldCommand(String java, String cp, List<String> jvmArgs, String impl, String port) {
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", cp, ColdStart.class.getName(), impl, port));
        return cmd;
    }

    /** Runs one cold-start process; its output, or null if it failed. */
    static String runCold(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 && output.contains("main_ms ") ? output : null;
    }

    // ---- output ----------------------------------------------------------------------------

    static String table(List<Spec> specs, Map<String, List<Row>> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| workload | placement | impl | median | unit | spread | × C | × best JDK | B/op |\n");
        sb.append("|---|---|---|---:|---|---:|---:|---:|---:|\n");
        Map<String, Row> bestJdkSingleUdp = new LinkedHashMap<>();
        for (Spec spec : specs) {
            List<Row> r = rows.get(spec.id());
            if (r == null) {
                continue;
            }
            Row c = find(r, spec.cImpl());
            Row jdk = bestJdk(spec, r);
            if (spec.id().equals("udp_single") && jdk != null) {
                bestJdkSingleUdp.put("udp", jdk);
            }
            if (spec.id().equals("udp_mmsg")) {
                jdk = bestJdkSingleUdp.get("udp"); // the JDK has no batch call: compare with its best per-datagram loop
            }
            for (Row row : r) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s %s | ±%.1f%% | %s | %s | %s |%n",
                        spec.title(), spec.placement(), row.impl(), num(row.median()), spec.unit(),
                        spec.lowerBetter() ? "↓" : "↑", row.spread() * 50,
                        c == null ? "–" : String.format(Locale.ROOT, "%.3f", row.median() / c.median()),
                        jdk == null ? "–" : String.format(Locale.ROOT, "%.3f", row.median() / jdk.median()),
                        Double.isNaN(row.allocPerOp()) ? "–" : String.format(Locale.ROOT, "%.1f", row.allocPerOp())));
            }
        }
        return sb.toString();
    }

    static String coldTable(Map<String, double[]> cold) {
        StringBuilder sb = new StringBuilder();
        sb.append("Cold start (whole process: JVM start, open, connect, one 1-byte echo, exit; unpinned)\n\n");
        sb.append("| impl | runs | wall median ms | wall min–max ms | × channel | in main() median ms |\n");
        sb.append("|---|---:|---:|---:|---:|---:|\n");
        cold.forEach((impl, v) -> {
            // a row with the AOT cache is compared with channel with its AOT cache
            double[] base = cold.get(impl.endsWith(AOT) ? "channel" + AOT : "channel");
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f–%.1f | %s | %.1f |%n",
                    impl, (int) v[4], v[0], v[1], v[2],
                    base == null ? "–" : String.format(Locale.ROOT, "%.3f", v[0] / base[0]), v[3]));
        });
        if (cold.containsKey("channel" + AOT)) {
            sb.append("\n").append(AOT).append(": the same program with a JDK AOT cache (-XX:AOTCache) made by one training run"
                    + " (-XX:AOTCacheOutput; JEP 483/514/515), a deployment option; × channel is then against channel")
                    .append(AOT).append(".\n");
        }
        return sb.toString();
    }

    static String targets(List<Spec> specs, Map<String, List<Row>> rows, Map<String, List<Paired.Result>> ratios,
                          Map<String, double[]> paired, Map<String, Double> alloc, Map<String, double[]> cold) {
        StringBuilder sb = new StringBuilder("Targets (issue 6; same core unless stated). Verdicts use the paired ratio where there is one.\n\n"
                + "| target | paired ratio | JMH-median ratio | verdict |\n|---|---:|---:|---|\n");
        for (String impl : List.of("nativesockets", "confined")) {
            for (String id : List.of("tcp_rt_1", "tcp_rt_64", "tcp_rt_4096", "unix_rt_64", "udp_rt_64")) {
                ratioTarget(sb, rows, ratios, id, impl, "c", 1.03, true, "≤ 1.03 × C");
                ratioTarget(sb, rows, ratios, id, impl, "channel", 0.90, true, "≤ 0.90 × SocketChannel");
            }
            ratioTarget(sb, rows, ratios, "tcp_bulk", impl, "c", 0.98, false, "≥ 0.98 × C");
        }
        for (String impl : List.of("nativesockets", "confined")) {
            ratioTarget(sb, rows, ratios, "udp_single", impl, "c", 0.98, false, "≥ 0.98 × C");
        }
        for (String batch : mmsgImpls().subList(0, 2)) {
        ratioTarget(sb, rows, ratios, "udp_mmsg", batch, "c_mmsg", 1.0, false, "≥ C's sendmmsg/recvmmsg");
        List<Row> mm = rows.get("udp_mmsg");
        Row ch = find(rows.getOrDefault("udp_single", List.of()), "channel");
        Row b = mm == null ? null : find(mm, batch);
        boolean pairedOnly = b == null || ch == null;
        if (pairedOnly) {
            for (Paired.Result p : ratios.getOrDefault("udp_mmsg", List.of())) {
                if (p.impl().equals(batch)) {
                    sb.append(String.format(Locale.ROOT, "| udp_mmsg %s ≥ 1.3 × DatagramChannel (per-datagram loop) | %.3f | – | %s |%n",
                            batch, p.toChannel(), p.toChannel() >= 1.3 ? "met" : "MISSED"));
                }
            }
        } else {
            double ratio = b.median() / ch.median();
            double pr = Double.NaN;
            for (Paired.Result p : ratios.getOrDefault("udp_mmsg", List.of())) {
                if (p.impl().equals(batch)) {
                    pr = p.toChannel();
                }
            }
            double v = Double.isNaN(pr) ? ratio : pr;
            sb.append(String.format(Locale.ROOT, "| udp_mmsg %s ≥ 1.3 × DatagramChannel (per-datagram loop) | %s | %.3f | %s |%n", batch,
                    Double.isNaN(pr) ? "–" : String.format(Locale.ROOT, "%.3f", pr), ratio, v >= 1.3 ? "met" : "MISSED"));
        }
        }
        ratioTarget(sb, rows, ratios, "connect_accept", "nativesockets", "c", 0.95, false, "≥ 0.95 × C");
        ratioTarget(sb, rows, ratios, "connect_accept", "nativesockets", "channel", 1.25, false, "≥ 1.25 × SocketChannel");
        for (String impl : List.of("nativesockets", "confined")) {
            if (paired.containsKey(impl)) {
                double over = paired.get(impl)[1];
                sb.append(String.format(Locale.ROOT, "| downcall %s − ffm ≤ 10 ns | %+.1f ns | – | %s |%n", impl, over, over <= 10 ? "met" : "MISSED"));
            }
            List<Row> dc = rows.get("downcall");
            if (dc != null && find(dc, impl) != null && find(dc, "ffm") != null) {
                double over = find(dc, impl).median() - find(dc, "ffm").median();
                sb.append(String.format(Locale.ROOT, "| downcall %s − ffm ≤ 10 ns (JMH medians of separate forks: noise-bound, no verdict) | – | %+.1f ns | – |%n", impl, over));
            }
        }
        alloc.forEach((id, bytes) -> {
            if (!id.equals("connect_accept")) { // creates two sockets per cycle: objects, by design
                Row r = rows.get(id) == null ? null : find(rows.get(id), "nativesockets");
                sb.append(String.format(Locale.ROOT, "| %s nativesockets send/recv allocate 0 B/op (exact per-thread counters; JMH -prof gc beside) | %.3f B/op | %s | %s |%n",
                        id, bytes, r == null || Double.isNaN(r.allocPerOp()) ? "–" : String.format(Locale.ROOT, "%.1f B/op", r.allocPerOp()),
                        bytes == 0 ? "met" : "MISSED"));
            }
        });
        if (cold.containsKey("nativesockets") && cold.containsKey("channel")) {
            double ratio = cold.get("nativesockets")[0] / cold.get("channel")[0];
            sb.append(String.format(Locale.ROOT, "| cold start ≤ 1.10 × SocketChannel program (wall medians) | – | %.3f | %s |%n", ratio, ratio <= 1.10 ? "met" : "MISSED"));
        }
        if (cold.containsKey("nativesockets" + AOT) && cold.containsKey("channel" + AOT)) {
            double ratio = cold.get("nativesockets" + AOT)[0] / cold.get("channel" + AOT)[0];
            sb.append(String.format(Locale.ROOT, "| (deployment option, not the target) cold start with AOT cache ≤ 1.10 × SocketChannel program with AOT cache | – | %.3f | %s |%n",
                    ratio, ratio <= 1.10 ? "met" : "MISSED"));
        }
        return sb.toString();
    }

    /**
     * One ratio target. The verdict comes from the paired ratio (rotating rounds, see {@link Paired})
     * where there is one, else from the JMH medians; both are shown.
     */
    static void ratioTarget(StringBuilder sb, Map<String, List<Row>> rows, Map<String, List<Paired.Result>> ratios,
                            String id, String impl, String base, double limit, boolean atMost, String text) {
        List<Row> r = rows.get(id);
        Row a = r == null ? null : find(r, impl);
        Row b = r == null ? null : find(r, base);
        double jmh = a == null || b == null ? Double.NaN : a.median() / b.median();
        double pair = Double.NaN;
        for (Paired.Result p : ratios.getOrDefault(id, List.of())) {
            if (p.impl().equals(impl)) {
                pair = base.equals("c") || base.equals("c_mmsg") ? p.toC() : base.equals("channel") ? p.toChannel() : Double.NaN;
            }
        }
        double ratio = Double.isNaN(pair) ? jmh : pair;
        if (Double.isNaN(ratio)) {
            return;
        }
        boolean met = atMost ? ratio <= limit : ratio >= limit;
        sb.append(String.format(Locale.ROOT, "| %s %s %s | %s | %s | %s |%n", id, impl, text,
                Double.isNaN(pair) ? "–" : String.format(Locale.ROOT, "%.3f", pair),
                Double.isNaN(jmh) ? "–" : String.format(Locale.ROOT, "%.3f", jmh), met ? "met" : "MISSED"));
    }

    static Row find(List<Row> rows, String impl) {
        return rows.stream().filter(r -> r.impl().equals(impl)).findFirst().orElse(null);
    }

    static Row bestJdk(Spec spec, List<Row> rows) {
        Row best = null;
        for (Row r : rows) {
            if (Arrays.asList(JDK).contains(r.impl())
                    && (best == null || (spec.lowerBetter() ? r.median() < best.median() : r.median() > best.median()))) {
                best = r;
            }
        }
        return best;
    }

    static String num(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
