package dev.nativesockets.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable results of one {@link Compare} run: where it ran, and one {@link Entry}
 * per measured workload × implementation (× connections), with its raw samples, median and
 * ratios. {@link Charts} draws from this alone, so a run's charts can be redrawn later from its
 * JSON file without running anything again.
 *
 * <p>Ratios are value ratios as the tables print them: this implementation's value divided by the
 * base's (µs per round trip: below 1 is faster; datagrams per second: above 1 is faster). Keys:
 * {@code c}, {@code channel}, {@code best_jdk}, {@code ffm}, {@code nio}, {@code netty},
 * {@code jdk_vthreads}, {@code loop}; those measured in paired rotating rounds (medians of
 * per-round ratios) carry the {@link Entry#method() method} {@code paired} or {@code rotation},
 * the others are ratios of medians of separate JMH forks.
 */
record Results(int version, String started, String mode, double totalSeconds, Map<String, String> host, List<Entry> entries) {

    static final int VERSION = 1;

    /**
     * One measurement: {@code workload} (tcp_rt_64, echo_loop, …), its title and unit,
     * {@code lowerBetter}, the {@code method} (jmh, c, paired, rotation, downcall_paired, cold,
     * alloc), the placement (same, split, 1 thread), the implementation, N connections (0 where
     * it does not apply), the raw samples (rounds or iterations; empty where the runner reports
     * only medians), median, spread ((max − min) / median), allocation per operation (NaN if
     * not measured) and the ratios.
     */
    record Entry(String workload, String title, String unit, boolean lowerBetter, String method, String placement,
                 String impl, int conns, double[] samples, double median, double spread, double allocPerOp,
                 Map<String, Double> ratios) {

        Entry {
            samples = samples.clone();
            ratios = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ratios));
        }

        double ratio(String base) {
            Double r = ratios.get(base);
            return r == null ? Double.NaN : r;
        }

        /** How many times faster than the base (above 1: faster), whatever the unit's direction. */
        double speedup(String base) {
            double r = ratio(base);
            return lowerBetter ? 1 / r : r;
        }
    }

    Results {
        host = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(host));
        entries = List.copyOf(entries);
    }

    List<Entry> select(String workload, String method) {
        return entries.stream().filter(e -> e.workload().equals(workload) && (method == null || e.method().equals(method))).toList();
    }

    Entry find(String workload, String method, String placement, String impl, int conns) {
        for (Entry e : entries) {
            if (e.workload().equals(workload) && e.method().equals(method) && e.impl().equals(impl) && e.conns() == conns
                    && (placement == null || e.placement().equals(placement))) {
                return e;
            }
        }
        return null;
    }

    // ---- JSON ------------------------------------------------------------------------------

    String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", version);
        root.put("started", started);
        root.put("mode", mode);
        root.put("total_seconds", totalSeconds);
        root.put("host", host);
        List<Object> list = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workload", e.workload());
            m.put("title", e.title());
            m.put("unit", e.unit());
            m.put("lower_better", e.lowerBetter());
            m.put("method", e.method());
            m.put("placement", e.placement());
            m.put("impl", e.impl());
            m.put("conns", e.conns());
            m.put("median", e.median());
            m.put("spread", e.spread());
            m.put("alloc_per_op", e.allocPerOp());
            m.put("ratios", e.ratios());
            m.put("samples", e.samples());
            list.add(m);
        }
        root.put("entries", list);
        return Json.write(root);
    }

    static Results fromJson(String text) {
        Map<?, ?> root = (Map<?, ?>) Json.parse(text);
        int version = (int) num(root.get("version"));
        if (version != VERSION) {
            throw new IllegalArgumentException("results file version " + version + ", this reader knows " + VERSION);
        }
        Map<String, String> host = new LinkedHashMap<>();
        ((Map<?, ?>) root.get("host")).forEach((k, v) -> host.put((String) k, v == null ? null : String.valueOf(v)));
        List<Entry> entries = new ArrayList<>();
        for (Object o : (List<?>) root.get("entries")) {
            Map<?, ?> m = (Map<?, ?>) o;
            Map<String, Double> ratios = new LinkedHashMap<>();
            ((Map<?, ?>) m.get("ratios")).forEach((k, v) -> ratios.put((String) k, num(v)));
            List<?> s = (List<?>) m.get("samples");
            double[] samples = new double[s.size()];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = num(s.get(i));
            }
            entries.add(new Entry((String) m.get("workload"), (String) m.get("title"), (String) m.get("unit"),
                    (Boolean) m.get("lower_better"), (String) m.get("method"), (String) m.get("placement"), (String) m.get("impl"),
                    (int) num(m.get("conns")), samples, num(m.get("median")), num(m.get("spread")), num(m.get("alloc_per_op")), ratios));
        }
        return new Results(version, (String) root.get("started"), (String) root.get("mode"), num(root.get("total_seconds")), host, entries);
    }

    /** JSON null (a non-finite number when written) is NaN. */
    private static double num(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }

    void write(Path json) throws IOException {
        Path dir = json.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Files.writeString(json, toJson());
    }

    static Results read(Path json) throws IOException {
        return fromJson(Files.readString(json));
    }
}
