package dev.nativesockets.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results file of compare.sh survives writing and reading: every field, NaN as null, odd strings. */
class ResultsJsonTest {
    static Results sample() {
        Map<String, String> host = new LinkedHashMap<>();
        host.put("cpu", "AMD EPYC \"Genoa\" \\ 2 vCPUs\ttab");
        host.put("kernel", "6.18.44");
        host.put("jdk", "25.0.3");
        host.put("unicode", "µs/RT ↓ é \u0001");
        Map<String, Double> ratios = new LinkedHashMap<>();
        ratios.put("c", 1.0234567891);
        ratios.put("channel", Double.NaN); // a ratio with no base
        ratios.put("ffm", 0.000012345);
        Results.Entry a = new Results.Entry("tcp_rt_64", "TcpPingPong 64 B", "µs/RT", true, "jmh", "same", "nativesockets", 0,
                new double[] {14.25, 14.5, 13.999999, 1e-9, 123456789.125}, 14.25, 0.035, 0.0, ratios);
        Results.Entry b = new Results.Entry("echo_loop", "echo_loop: one server thread", "echoes/s", false, "rotation", "split", "c",
                10_000, new double[0], 51234.5, Double.NaN, Double.NaN, Map.of());
        return new Results(Results.VERSION, "2026-12-06T02:00:00Z", "full", 1234.5, host, List.of(a, b));
    }

    @Test
    void roundTripKeepsEveryField(@TempDir Path dir) throws Exception {
        Results r = sample();
        Path json = dir.resolve("sub/run.json");
        r.write(json);
        Results back = Results.read(json);
        assertEquals(r.version(), back.version());
        assertEquals(r.started(), back.started());
        assertEquals(r.mode(), back.mode());
        assertEquals(r.totalSeconds(), back.totalSeconds());
        assertEquals(r.host(), back.host());
        assertEquals(r.entries().size(), back.entries().size());
        for (int i = 0; i < r.entries().size(); i++) {
            Results.Entry x = r.entries().get(i);
            Results.Entry y = back.entries().get(i);
            assertEquals(x.workload(), y.workload());
            assertEquals(x.title(), y.title());
            assertEquals(x.unit(), y.unit());
            assertEquals(x.lowerBetter(), y.lowerBetter());
            assertEquals(x.method(), y.method());
            assertEquals(x.placement(), y.placement());
            assertEquals(x.impl(), y.impl());
            assertEquals(x.conns(), y.conns());
            // six significant digits is what the file keeps: enough for a measurement
            assertArrayEquals(x.samples(), y.samples(), 1e-5 * 123456789.125);
            for (int k = 0; k < x.samples().length; k++) {
                assertEquals(x.samples()[k], y.samples()[k], Math.abs(x.samples()[k]) * 1e-5);
            }
            assertSame(x.median(), y.median());
            assertSame(x.spread(), y.spread());
            assertSame(x.allocPerOp(), y.allocPerOp());
            assertEquals(x.ratios().keySet(), y.ratios().keySet());
            for (String k : x.ratios().keySet()) {
                assertSame(x.ratio(k), y.ratio(k));
            }
        }
        // the file is JSON a person (and any other reader) can use: NaN is null, not a bare NaN token
        String text = Files.readString(json);
        assertTrue(text.contains("\"channel\": null"), text);
        assertTrue(!text.contains("NaN"), text);
        assertEquals(Json.parse(text), Json.parse(back.toJson()));
    }

    private static void assertSame(double expected, double actual) {
        if (Double.isNaN(expected)) {
            assertTrue(Double.isNaN(actual), "expected NaN, got " + actual);
        } else {
            assertEquals(expected, actual, Math.abs(expected) * 1e-5);
        }
    }

    @Test
    void speedupReadsTheSameWayForBothDirections() {
        Results.Entry lower = new Results.Entry("w", "t", "µs/RT", true, "paired", "same", "x", 0, new double[0], 1, 0, 0, Map.of("c", 0.8));
        Results.Entry higher = new Results.Entry("w", "t", "k dgram/s", false, "paired", "same", "x", 0, new double[0], 1, 0, 0, Map.of("c", 1.25));
        assertEquals(1.25, lower.speedup("c"), 1e-12);
        assertEquals(1.25, higher.speedup("c"), 1e-12);
        assertTrue(Double.isNaN(lower.speedup("channel")));
    }

    @Test
    void parserRejectsBrokenFiles() {
        for (String bad : List.of("", "{", "{\"a\": }", "[1, 2", "{\"a\": 1} x", "\"unterminated", "{\"a\" 1}", "[1 2]", "tru")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Results.fromJson("{\"version\": 99, \"host\": {}, \"entries\": []}"));
    }

    @Test
    void parserReadsWhatOtherWritersWrite() {
        Object v = Json.parse(" {\"a\" : [ 1 , -2.5E3 , true , false , null , \"\\u00b5\\/\\n\" ] , \"b\":{} } ");
        assertEquals(Map.of("a", java.util.Arrays.asList(1.0, -2500.0, true, false, null, "µ/\n"), "b", Map.of()), v);
    }
}
