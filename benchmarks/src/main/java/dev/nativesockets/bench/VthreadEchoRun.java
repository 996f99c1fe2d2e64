package dev.nativesockets.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vthread_echo} as issue 23 asks for it: a virtual thread per connection on this library's
 * blocking sockets ({@code vthreads}) against {@code java.net.Socket} on virtual threads
 * ({@code jdk_vthreads}, same JDK, same {@code byte[]} buffer and flags), the library's one-thread
 * {@code Readiness} loop ({@code nativesockets}) and the C epoll server, at N = 100, 1,000 and
 * 10,000 connections from nsbench's load generator (another process, on the other CPU), with one
 * and with two carriers ({@code jdk.virtualThreadScheduler.parallelism}; one carrier: the server
 * pinned to one CPU; two: not pinned). Paired rotating rounds as in {@link EchoLoopRun}; then, per
 * server, its resident size and its system calls per echo over one more round
 * ({@code perf stat -e raw_syscalls:sys_enter -p PID}, every thread of the server; "–" where perf
 * is missing or not allowed). Default JVM memory settings throughout.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar dev.nativesockets.bench.VthreadEchoRun NSBENCH [ROTATIONS] [N,...] [CARRIERS,...]</pre>
 */
public final class VthreadEchoRun {
    private VthreadEchoRun() {}

    private static final Pattern LISTENING = Pattern.compile("listening on \\S*:(\\d+)");
    static final List<String> IMPLS = List.of("c", "vthreads", "nativesockets", "jdk_vthreads");

    record Cell(int carriers, int conns, String impl, double median, double spread, double toC, double toJdk,
                double toLoop, long rssKb, double syscallsPerEcho) {}

    public static void main(String[] args) throws Exception {
        String c = args[0];
        int rotations = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int[] conns = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {100, 1_000, 10_000};
        int[] carriers = args.length > 3 ? Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {1, 2};
        long t0 = System.nanoTime();
        Map<String, Cell> cells = new LinkedHashMap<>();
        for (int k : carriers) {
            for (int n : conns) {
                cells.putAll(cell(c, k, n, rotations));
                System.err.printf(Locale.ROOT, "[vthread_echo] carriers=%d N=%d done%n", k, n);
            }
        }
        System.out.printf(Locale.ROOT, "Run: %s, %d rotations, total %.0f s%n", java.time.Instant.now(), rotations, (System.nanoTime() - t0) / 1e9);
        System.out.println(table(cells));
    }

    static Map<String, Cell> cell(String cBinary, int carriers, int conns, int rotations) throws Exception {
        String placement = Affinity.canSplit() ? "split" : "same";
        Map<String, EchoLoopRun.Child> servers = new LinkedHashMap<>();
        Map<String, EchoLoopRun.Child> gens = new LinkedHashMap<>();
        Map<String, double[]> values = new LinkedHashMap<>();
        Map<String, Long> rss = new LinkedHashMap<>();
        Map<String, Double> syscalls = new LinkedHashMap<>();
        try {
            for (String impl : IMPLS) {
                servers.put(impl, server(cBinary, impl, carriers));
            }
            for (String impl : IMPLS) {
                EchoLoopRun.Child s = servers.get(impl);
                Matcher m = LISTENING.matcher(String.join(" ", s.expect("listening")));
                if (!m.find()) {
                    throw new IOException(s.name + " did not say where it listens");
                }
                gens.put(impl, new EchoLoopRun.Child(impl + " load generator", List.of(cBinary, "echo_loop", "--port", m.group(1),
                        "--conns", Integer.toString(conns), "--placement", placement, "--rotate", "1")));
            }
            for (EchoLoopRun.Child g : gens.values()) {
                g.expect("connected");
            }
            for (int w = 0; w < 3; w++) {
                for (String impl : IMPLS) {
                    EchoLoopRun.round(gens.get(impl), 1000);
                }
            }
            for (String impl : IMPLS) {
                values.put(impl, new double[rotations]);
            }
            for (int k = 0; k < rotations; k++) {
                for (int j = 0; j < IMPLS.size(); j++) {
                    String impl = IMPLS.get((j + k) % IMPLS.size());
                    values.get(impl)[k] = EchoLoopRun.round(gens.get(impl), 500);
                }
            }
            for (String impl : IMPLS) {
                long pid = servers.get(impl).process.pid();
                syscalls.put(impl, syscallsPerEcho(gens.get(impl), pid));
                rss.put(impl, rssKb(pid));
            }
        } finally {
            for (EchoLoopRun.Child g : gens.values()) {
                g.close();
            }
            for (EchoLoopRun.Child s : servers.values()) {
                s.close();
            }
        }
        Map<String, Cell> out = new LinkedHashMap<>();
        for (String impl : IMPLS) {
            double[] v = values.get(impl).clone();
            Arrays.sort(v);
            double median = Compare.median(v);
            out.put(carriers + "/" + conns + "/" + impl, new Cell(carriers, conns, impl, median, (v[v.length - 1] - v[0]) / median,
                    EchoLoopRun.pairedRatio(values, impl, "c"), EchoLoopRun.pairedRatio(values, impl, "jdk_vthreads"),
                    EchoLoopRun.pairedRatio(values, impl, "nativesockets"), rss.get(impl), syscalls.get(impl)));
        }
        return out;
    }

    static EchoLoopRun.Child server(String cBinary, String impl, int carriers) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (impl.equals("c")) {
            cmd.addAll(List.of(cBinary, "echo_server"));
        } else {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of(Compare.forkArgs()));
            if (impl.endsWith("vthreads")) {
                cmd.add("-Djdk.virtualThreadScheduler.parallelism=" + carriers);
                cmd.add("-Dbench.vthreads.pin=" + (carriers == 1));
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EchoLoop.class.getName(), impl));
        }
        return new EchoLoopRun.Child(impl + " server", cmd);
    }

    /** One round of 1.4 s with {@code perf stat} counting the server's system calls over 1 s inside it. */
    static double syscallsPerEcho(EchoLoopRun.Child gen, long pid) throws Exception {
        Process perf;
        try {
            perf = new ProcessBuilder("perf", "stat", "-x", ",", "-e", "raw_syscalls:sys_enter", "-p", Long.toString(pid),
                    "--", "sleep", "1").redirectErrorStream(true).start();
        } catch (IOException none) {
            return Double.NaN;
        }
        gen.say("run 1400");
        double rate = Double.parseDouble(gen.expect("round")[2]);
        String out = new String(perf.getInputStream().readAllBytes());
        perf.waitFor(10, TimeUnit.SECONDS);
        for (String l : out.split("\n")) {
            String[] f = l.split(",");
            if (f.length > 2 && f[2].contains("raw_syscalls:sys_enter")) {
                try {
                    return Long.parseLong(f[0].trim()) / rate; // 1 s window: calls per second / echoes per second
                } catch (NumberFormatException notCounted) {
                    return Double.NaN;
                }
            }
        }
        return Double.NaN;
    }

    static long rssKb(long pid) throws IOException {
        Path status = Path.of("/proc/" + pid + "/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String l : Files.readAllLines(status)) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.substring(6).replace("kB", "").trim());
            }
        }
        return -1;
    }

    static String table(Map<String, Cell> cells) {
        StringBuilder sb = new StringBuilder("vthread_echo (issue 23): rates are medians over the rotations; × columns are medians of"
                + " per-round ratios (paired); RSS = the server's resident size after the rounds; syscalls/echo = the server's"
                + " system calls (all threads) over 1 s of a further round / echoes in that second.\n\n");
        sb.append("| carriers | N | impl | echoes/s | spread | × C | × jdk_vthreads | × loop | RSS MB | syscalls/echo |\n");
        sb.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Cell c : cells.values()) {
            sb.append(String.format(Locale.ROOT, "| %d | %d | %s | %.0f | ±%.1f%% | %s | %s | %s | %s | %s |%n", c.carriers(), c.conns(),
                    c.impl(), c.median(), c.spread() * 50, fmt(c.toC()), fmt(c.toJdk()), fmt(c.toLoop()),
                    c.rssKb() < 0 ? "–" : String.format(Locale.ROOT, "%.0f", c.rssKb() / 1024.0),
                    Double.isNaN(c.syscallsPerEcho()) ? "–" : String.format(Locale.ROOT, "%.2f", c.syscallsPerEcho())));
        }
        sb.append("\nTargets (issue 23), vthreads: ≥ 1.1 × jdk_vthreads at every N and carrier count; RSS at 10,000 ≤ jdk_vthreads';"
                + " ≥ 0.8 × the loop at 10,000; fewer syscalls per echo than jdk_vthreads.\n\n");
        sb.append("| carriers | N | × jdk_vthreads | ≥ 1.1 | × loop | ≥ 0.8 at 10,000 | RSS MB vs jdk | syscalls/echo vs jdk |\n");
        sb.append("|---:|---:|---:|---|---:|---|---|---|\n");
        for (Cell c : cells.values()) {
            if (!c.impl().equals("vthreads")) {
                continue;
            }
            Cell j = cells.get(c.carriers() + "/" + c.conns() + "/jdk_vthreads");
            sb.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s | %s | %s |%n", c.carriers(), c.conns(), fmt(c.toJdk()),
                    Double.isNaN(c.toJdk()) ? "–" : c.toJdk() >= 1.1 ? "met" : "missed", fmt(c.toLoop()),
                    c.conns() != 10_000 ? "–" : c.toLoop() >= 0.8 ? "met" : "missed",
                    String.format(Locale.ROOT, "%.0f vs %.0f", c.rssKb() / 1024.0, j.rssKb() / 1024.0),
                    String.format(Locale.ROOT, "%.2f vs %.2f", c.syscallsPerEcho(), j.syscallsPerEcho())));
        }
        return sb.toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }
}
