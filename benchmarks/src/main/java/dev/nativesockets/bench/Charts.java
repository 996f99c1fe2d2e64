package dev.nativesockets.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The charts of one {@link Results} file (XChart, headless), each as PNG (for the markdown) and
 * SVG, and a short headline table in markdown:
 * <ul>
 *   <li>{@code speed-vs-c}, {@code speed-vs-jdk}: relative speed of every implementation against
 *       the C baseline and against SocketChannel/DatagramChannel, from the paired rotating rounds;
 *   <li>{@code speed-vs-ffm}: against a bare FFM downcall in the same JMH setup;
 *   <li>{@code downcall}: nanoseconds per getsockopt call over a bare FFM downcall (paired), or per path (JMH);
 *   <li>{@code echo-loop-PLACEMENT}: echo_loop rate against connections (log N) per server;
 *   <li>{@code vthread-echo-PLACEMENT}: the same for a virtual thread per connection;
 *   <li>{@code uring-echo-PLACEMENT}: the same for the io_uring servers beside the epoll ones;
 *   <li>{@code fan-out-PLACEMENT}: messages per second against N for the fan-out servers;
 *   <li>{@code udp}: datagrams per second, one call per datagram, batches, GSO and GRO.
 * </ul>
 * A chart whose workloads are not in the file is left out. All speeds are drawn as "times as
 * fast" (above 1 is faster) whatever the direction of the unit, so every bar reads the same way.
 *
 * <pre>java -cp benchmarks.jar dev.nativesockets.bench.Charts RESULTS.json OUT_DIR</pre>
 */
public final class Charts {
    private Charts() {}

    static final int WIDTH = 1000;
    private static final Pattern DECIMALS = Pattern.compile("(\\d\\.\\d{2})\\d+");
    static final int HEIGHT = 560;

    /** The paired workloads in table order; udp_mmsg's batch impls are drawn under their plain names. */
    static final List<String> PAIRED = List.of("tcp_rt_64", "unix_rt_64", "udp_rt_64", "tcp_bulk", "connect_accept", "udp_single", "udp_mmsg");
    static final List<String> JMH_FFM = List.of("tcp_rt_1", "tcp_rt_64", "tcp_rt_4096", "unix_rt_64", "udp_rt_64",
            "tcp_rt_64_split", "unix_rt_64_split", "udp_rt_64_split", "tcp_bulk", "connect_accept", "udp_single", "downcall");
    static final List<String> IMPLS = List.of("nativesockets", "confined", "raw", "ffm", "channel", "socket");

    /** One colour per implementation in every chart, so a reader learns it once. */
    static final Map<String, Color> COLOURS = Map.ofEntries(
            Map.entry("nativesockets", new Color(0x1f77b4)), Map.entry("NativeSockets", new Color(0x1f77b4)),
            Map.entry("confined", new Color(0x17becf)), Map.entry("vthreads", new Color(0x17becf)),
            Map.entry("raw", new Color(0x9467bd)), Map.entry("ffm", new Color(0x7f7f7f)), Map.entry("ffm_plain", new Color(0xbcbd22)),
            Map.entry("nativesockets_typed", new Color(0xaec7e8)),
            Map.entry("channel", new Color(0x2ca02c)), Map.entry("DatagramChannel", new Color(0x2ca02c)),
            Map.entry("nio", new Color(0x2ca02c)), Map.entry("jdk_vthreads", new Color(0x2ca02c)),
            Map.entry("socket", new Color(0x8c564b)), Map.entry("netty", new Color(0xd62728)),
            Map.entry("c", new Color(0xff7f0e)), Map.entry("C", new Color(0xff7f0e)),
            Map.entry("uring", new Color(0x9467bd)), Map.entry("c_uring", new Color(0x8c6d31)),
            Map.entry("netty_uring", new Color(0xe377c2)));

    private static Color colour(String impl) {
        return COLOURS.getOrDefault(impl, Color.GRAY);
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: Charts RESULTS.json OUT_DIR");
            System.exit(2);
        }
        for (Path p : render(Results.read(Path.of(args[0])), Path.of(args[1]))) {
            System.out.println(p);
        }
    }

    /** Draws every chart the results allow into {@code dir}; the files written (PNG, SVG, headline.md). */
    static List<Path> render(Results r, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        String host = String.format(Locale.ROOT, "%s run %s · %s, %s CPUs · %s %s · JDK %s", r.mode(),
                r.started().length() >= 16 ? r.started().substring(0, 16).replace('T', ' ') : r.started(),
                r.host().getOrDefault("cpu", "?"), r.host().getOrDefault("cpus", "?"), r.host().getOrDefault("os", ""),
                r.host().getOrDefault("kernel", "?"), r.host().getOrDefault("jdk", "?"));
        save(speedBars(r, "c", "Speed against C, paired rounds (above 1 = faster than C)", host), dir, "speed-vs-c", written);
        save(speedBars(r, "channel", "Speed against SocketChannel / DatagramChannel, paired rounds", host),
                dir, "speed-vs-jdk", written);
        save(speedVsFfm(r, host), dir, "speed-vs-ffm", written);
        save(downcall(r, host), dir, "downcall", written);
        for (String placement : List.of("same", "split")) {
            save(rateByConns(r, "echo_loop", placement, "echo_loop: one server thread, N connections (" + placement
                    + " CPU)", host), dir, "echo-loop-" + placement, written);
            save(rateByConns(r, "vthread_echo", placement, "vthread_echo: a virtual thread per connection (" + placement + " CPU)", host),
                    dir, "vthread-echo-" + placement, written);
            save(rateByConns(r, "uring_echo", placement, "uring_echo: io_uring and epoll servers, N connections (" + placement + " CPU)", host),
                    dir, "uring-echo-" + placement, written);
            save(rateByConns(r, FanOutRun.LABEL, placement, "fan_out: one message to each of N connections per round (" + placement
                    + " CPU)", host, "messages per second, 64 B (median of rounds)"), dir, "fan-out-" + placement, written);
        }
        save(udp(r, host), dir, "udp", written);
        Path headline = dir.resolve("headline.md");
        Files.writeString(headline, headline(r));
        written.add(headline);
        return written;
    }

    private static void save(Chart<?, ?> chart, Path dir, String name, List<Path> written) throws IOException {
        if (chart == null) {
            return;
        }
        Path png = dir.resolve(name + ".png");
        Path svg = dir.resolve(name + ".svg");
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        ByteArrayOutputStream vector = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, vector, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        // XChart draws every glyph as an outline: coordinates to 1/100 px halve the file and change nothing visible
        Files.writeString(svg, DECIMALS.matcher(vector.toString(StandardCharsets.UTF_8)).replaceAll("$1"));
        written.add(png);
        written.add(svg);
    }

    /** XChart has one title line: the run and host go under the x axis, where a bar chart has nothing else to say. */
    private static CategoryChart bars(String title, String subtitle, String yTitle) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(subtitle).yAxisTitle(yTitle).build();
        c.getStyler().setAxisTitleFont(c.getStyler().getAxisTitleFont().deriveFont(11f));
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setXAxisLabelRotation(25);
        c.getStyler().setYAxisDecimalPattern("0.00");
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotGridVerticalLinesVisible(false);
        return c;
    }

    /** A dashed line at 1.0: "as fast as the base". */
    private static void parity(CategoryChart c) {
        AnnotationLine one = new AnnotationLine(1.0, false, false);
        c.getStyler().setAnnotationLineColor(Color.DARK_GRAY);
        c.getStyler().setAnnotationLineStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        c.addAnnotation(one);
    }

    private static String plain(String impl) {
        return impl.endsWith("_mmsg") ? impl.substring(0, impl.length() - "_mmsg".length()) : impl;
    }

    /** Grouped bars from the paired entries: one group per workload, one bar per implementation. */
    static CategoryChart speedBars(Results r, String base, String title, String host) {
        Map<String, Map<String, Double>> byImpl = new LinkedHashMap<>();
        List<String> workloads = new ArrayList<>();
        for (String w : PAIRED) {
            for (Results.Entry e : r.select(w, "paired")) {
                double s = e.speedup(base);
                if (Double.isFinite(s) && !plain(e.impl()).equals(base)) {
                    byImpl.computeIfAbsent(plain(e.impl()), k -> new LinkedHashMap<>()).put(w, s);
                    if (!workloads.contains(w)) {
                        workloads.add(w);
                    }
                }
            }
        }
        if (workloads.isEmpty()) {
            return null;
        }
        CategoryChart c = bars(title, host, "× as fast (udp_mmsg: batch calls" + (base.equals("channel") ? " vs per-datagram loop)" : ")"));
        addGroups(c, workloads, ordered(byImpl));
        parity(c);
        return c;
    }

    /** From the JMH entries: each implementation against bare FFM in the same fork setup. */
    static CategoryChart speedVsFfm(Results r, String host) {
        Map<String, Map<String, Double>> byImpl = new LinkedHashMap<>();
        List<String> workloads = new ArrayList<>();
        for (String w : JMH_FFM) {
            for (Results.Entry e : r.select(w, "jmh")) {
                double s = e.speedup("ffm");
                if (Double.isFinite(s) && !e.impl().equals("ffm") && !isC(e.impl())) {
                    byImpl.computeIfAbsent(e.impl(), k -> new LinkedHashMap<>()).put(w, s);
                    if (!workloads.contains(w)) {
                        workloads.add(w);
                    }
                }
            }
        }
        if (workloads.isEmpty()) {
            return null;
        }
        CategoryChart c = bars("Speed against bare FFM downcalls, JMH medians (above 1 = faster)", host, "× as fast");
        addGroups(c, workloads, ordered(byImpl));
        parity(c);
        return c;
    }

    /** The C baseline's rows: c, c_mmsg, c_gso, … */
    static boolean isC(String impl) {
        return impl.equals("c") || impl.startsWith("c_");
    }

    /** Implementations in the usual order (the library first), the rest after. */
    private static Map<String, Map<String, Double>> ordered(Map<String, Map<String, Double>> byImpl) {
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        for (String impl : IMPLS) {
            if (byImpl.containsKey(impl)) {
                m.put(impl, byImpl.get(impl));
            }
        }
        byImpl.forEach(m::putIfAbsent);
        return m;
    }

    /** One series per implementation over all workloads; a workload it lacks gets no bar (null). */
    private static void addGroups(CategoryChart c, List<String> workloads, Map<String, Map<String, Double>> byImpl) {
        byImpl.forEach((impl, values) -> {
            List<Double> y = new ArrayList<>();
            for (String w : workloads) {
                y.add(values.get(w));
            }
            c.addSeries(impl, workloads, y).setFillColor(colour(impl));
        });
    }

    /**
     * Per call: from the paired rounds where the run has them (nanoseconds over a bare FFM
     * downcall measured beside it: a difference of a few ns on a call of hundreds, which the
     * separate JMH forks cannot resolve), else the JMH medians.
     */
    static CategoryChart downcall(Results r, String host) {
        List<Results.Entry> paired = r.select("downcall", "downcall_paired");
        Results.Entry ffm = r.find("downcall", "downcall_paired", null, "ffm", 0);
        if (!paired.isEmpty() && ffm != null) {
            List<String> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (Results.Entry e : paired) {
                double base = e.median() / e.ratio("ffm");
                if (!e.impl().startsWith("ffm (") && !e.impl().equals("ffm") && Double.isFinite(base)) {
                    x.add(e.impl());
                    y.add(e.median() - base);
                }
            }
            CategoryChart c = bars(String.format(Locale.ROOT, "getsockopt: ns per call over a bare FFM downcall (%.0f ns), paired rounds",
                    ffm.median()), host, "ns over bare FFM (lower = faster)");
            c.getStyler().setLegendVisible(false);
            c.getStyler().setLabelsVisible(true);
            c.getStyler().setYAxisDecimalPattern("0.0");
            c.addSeries("ns over ffm", x, y).setFillColor(colour("nativesockets"));
            return c;
        }
        List<Results.Entry> es = r.select("downcall", "jmh");
        if (es.isEmpty()) {
            return null;
        }
        List<String> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (Results.Entry e : es) {
            x.add(e.impl());
            y.add(e.median());
        }
        CategoryChart c = bars("One getsockopt(SO_RCVBUF) per path, JMH medians (lower = faster)", host, "ns per call");
        c.getStyler().setLegendVisible(false);
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setYAxisDecimalPattern("0");
        c.addSeries("ns/call", x, y).setFillColor(colour("nativesockets"));
        return c;
    }

    /** Rate against N connections, log scale on N, one line per implementation. */
    static XYChart rateByConns(Results r, String workload, String placement, String title, String host) {
        return rateByConns(r, workload, placement, title, host, "echoes per second, 64 B (median of rounds)");
    }

    static XYChart rateByConns(Results r, String workload, String placement, String title, String host, String yTitle) {
        Map<String, List<Results.Entry>> byImpl = new LinkedHashMap<>();
        for (Results.Entry e : r.select(workload, "rotation")) {
            if (e.placement().equals(placement)) {
                byImpl.computeIfAbsent(e.impl(), k -> new ArrayList<>()).add(e);
            }
        }
        if (byImpl.isEmpty()) {
            return null;
        }
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("connections, log scale · " + host).yAxisTitle(yTitle).build();
        c.getStyler().setAxisTitleFont(c.getStyler().getAxisTitleFont().deriveFont(11f));
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisDecimalPattern("#,##0");
        c.getStyler().setXAxisDecimalPattern("#,##0");
        byImpl.forEach((impl, list) -> {
            list.sort((a, b) -> Integer.compare(a.conns(), b.conns()));
            double[] n = list.stream().mapToDouble(Results.Entry::conns).toArray();
            double[] rate = list.stream().mapToDouble(Results.Entry::median).toArray();
            XYSeries s = c.addSeries(impl, n, rate);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(colour(impl));
            s.setMarkerColor(colour(impl));
        });
        return c;
    }

    /** UDP: one call per datagram, batches of 32, and 48 × 1200 B without offload, with GSO, with GSO + GRO. */
    static CategoryChart udp(Results r, String host) {
        Map<String, String[]> groups = new LinkedHashMap<>(); // workload -> {label, library impl, C impl}
        groups.put("udp_single", new String[] {"64 B, 1 call each", "nativesockets", "c"});
        groups.put("udp_mmsg", new String[] {"64 B, mmsg ×32", "nativesockets_mmsg", "c_mmsg"});
        groups.put("udp_gso_plain", new String[] {"1200 B, mmsg ×48", "mmsg", "c_mmsg"});
        groups.put("udp_gso", new String[] {"1200 B, GSO", "gso", "c_gso"});
        groups.put("udp_gso_gro", new String[] {"1200 B, GSO + GRO", "gso_gro", "c_gso_gro"});
        List<String> x = new ArrayList<>();
        List<Double> lib = new ArrayList<>();
        List<Double> cs = new ArrayList<>();
        List<Double> jdk = new ArrayList<>();
        Results.Entry channel = r.find("udp_single", "jmh", null, "channel", 0);
        groups.forEach((w, g) -> {
            Results.Entry l = r.find(w, "jmh", null, g[1], 0);
            if (l == null && w.equals("udp_mmsg")) {
                l = r.find(w, "jmh", null, "raw_mmsg", 0); // a library without Socket.sendMmsg
            }
            Results.Entry c = r.find(w, "jmh", null, g[2], 0);
            if (l == null && c == null) {
                return;
            }
            x.add(g[0]);
            lib.add(l == null ? null : l.median());
            cs.add(c == null ? null : c.median());
            // the JDK has no batch call: its best is one datagram per call, drawn beside the 64 B groups
            jdk.add(channel != null && !w.startsWith("udp_gso") ? channel.median() : null);
        });
        if (x.isEmpty()) {
            return null;
        }
        CategoryChart c = bars("UDP: one call each, sendmmsg/recvmmsg batches, GSO, GRO (JMH medians)", host,
                "k datagrams/s (DatagramChannel: one per call)");
        c.getStyler().setYAxisDecimalPattern("#,##0");
        c.addSeries("NativeSockets", x, lib).setFillColor(colour("nativesockets"));
        c.addSeries("C", x, cs).setFillColor(colour("c"));
        if (jdk.stream().anyMatch(v -> v != null)) {
            c.addSeries("DatagramChannel", x, jdk).setFillColor(colour("channel"));
        }
        return c;
    }

    // ---- the headline table ----------------------------------------------------------------

    /** A few rows a reader wants first: this library against C and the JDK, with the method behind each number. */
    static String headline(Results r) {
        StringBuilder sb = new StringBuilder("| workload | NativeSockets | × C | × JDK | measured |\n|---|---:|---:|---:|---|\n");
        for (String w : PAIRED) {
            Results.Entry e = r.find(w, "paired", null, w.equals("udp_mmsg") ? "nativesockets_mmsg" : "nativesockets", 0);
            if (e != null) {
                sb.append(String.format(Locale.ROOT, "| %s | %s %s | %s | %s | paired rounds%s |%n", w, Compare.num(e.median()), e.unit(),
                        speed(e, "c"), speed(e, "channel"), w.equals("udp_mmsg") ? " (batch calls; JDK: per-datagram loop)" : ""));
            }
        }
        for (String placement : List.of("same", "split")) {
            for (int n : new int[] {100, 10_000}) {
                Results.Entry e = r.find("echo_loop", "rotation", placement, "nativesockets", n);
                if (e != null) {
                    sb.append(String.format(Locale.ROOT, "| echo_loop N=%,d (%s CPU) | %,.0f echoes/s | %s | %s (NIO), %s (Netty) | rotation |%n",
                            n, placement, e.median(), speed(e, "c"), speed(e, "nio"), speed(e, "netty")));
                }
            }
        }
        for (String placement : List.of("same", "split")) {
            Results.Entry e = r.find("vthread_echo", "rotation", placement, "vthreads", 10_000);
            if (e != null) {
                sb.append(String.format(Locale.ROOT, "| vthread_echo N=10,000 (%s CPU) | %,.0f echoes/s | %s | %s (JDK virtual threads) | rotation |%n",
                        placement, e.median(), speed(e, "c"), speed(e, "jdk_vthreads")));
            }
        }
        Results.Entry dc = r.find("downcall", "downcall_paired", null, "nativesockets", 0);
        if (dc != null) {
            sb.append(String.format(Locale.ROOT, "| getsockopt downcall | %.1f ns | – | – | paired; bare FFM %.1f ns |%n",
                    dc.median(), dc.median() / dc.ratio("ffm")));
        }
        Results.Entry cold = r.find("cold_start", "cold", null, "nativesockets", 0);
        if (cold != null) {
            sb.append(String.format(Locale.ROOT, "| cold start (whole process) | %.0f ms | – | %s | wall-time median, alternating runs |%n",
                    cold.median(), speed(cold, "channel")));
        }
        sb.append("\n× C, × JDK: times as fast (above 1 = faster), whatever the unit's direction; the JDK is SocketChannel /"
                + " DatagramChannel, or the NIO Selector and Netty where named.\n");
        return sb.toString();
    }

    private static String speed(Results.Entry e, String base) {
        double s = e.speedup(base);
        return Double.isFinite(s) ? String.format(Locale.ROOT, "%.2f", s) : "–";
    }
}
