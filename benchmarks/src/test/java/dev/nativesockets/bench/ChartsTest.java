package dev.nativesockets.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The charts of compare.sh, drawn from a small results file recorded by a quick run
 * ({@code src/test/resources/.../results-quick.json}), so the chart code cannot rot between full
 * runs: every chart the data allows is written, each PNG decodes to an image of the chart's size
 * with more than a blank page in it, each SVG is well-formed XML with an svg root and drawing in it.
 */
class ChartsTest {
    static Results recorded;

    @BeforeAll
    static void load() throws Exception {
        System.setProperty("java.awt.headless", "true");
        try (InputStream in = ChartsTest.class.getResourceAsStream("results-quick.json")) {
            assertNotNull(in, "results-quick.json on the test class path");
            recorded = Results.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyChartTheDataAllowsIsWrittenAsValidPngAndSvg(@TempDir Path dir) throws Exception {
        List<Path> written = Charts.render(recorded, dir);
        // the recorded quick run has one placement (same): the split charts have no data and are left out
        for (String name : List.of("speed-vs-c", "speed-vs-jdk", "speed-vs-ffm", "downcall", "echo-loop-same", "vthread-echo-same", "udp")) {
            Path png = dir.resolve(name + ".png");
            Path svg = dir.resolve(name + ".svg");
            assertTrue(written.contains(png) && written.contains(svg), name + " in " + written);
            checkPng(png);
            checkSvg(svg);
        }
        assertFalse(Files.exists(dir.resolve("echo-loop-split.png")), "no split data, no split chart");
        String headline = Files.readString(dir.resolve("headline.md"));
        assertTrue(headline.startsWith("| workload | NativeSockets | × C | × JDK | measured |"), headline);
        assertTrue(headline.contains("| tcp_rt_64 |") && headline.contains("echo_loop N=10,000"), headline);
    }

    static void checkPng(Path png) throws Exception {
        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8), png + " signature");
        assertTrue(bytes.length > 10_000, png + " is only " + bytes.length + " bytes");
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, png + " decodes");
        assertEquals(Charts.WIDTH, image.getWidth());
        assertEquals(Charts.HEIGHT, image.getHeight());
        // drawn, not blank: many distinct colours (bars, lines, anti-aliased text)
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 20, png + " has " + colours.size() + " colours");
    }

    static void checkSvg(Path svg) throws Exception {
        assertTrue(Files.size(svg) > 10_000, svg + " is only " + Files.size(svg) + " bytes");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = f.newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getLocalName() != null
                ? doc.getDocumentElement().getLocalName() : doc.getDocumentElement().getTagName());
        assertTrue(doc.getElementsByTagName("path").getLength() + doc.getElementsByTagName("rect").getLength() > 10, svg + " draws little");
    }

    @Test
    void everyImplementationInTheDataGetsItsSeries() {
        // the recorded quick run measured nativesockets, confined, ffm and channel against C
        assertEquals(List.of("nativesockets", "confined", "channel"),
                names(Charts.speedVsFfm(recorded, "")), "every impl but the base");
        assertEquals(List.of("nativesockets", "confined", "raw", "channel"),
                names(Charts.speedBars(recorded, "c", "t", "")));
        assertEquals(List.of("c", "nativesockets", "nio", "netty"),
                names(Charts.rateByConns(recorded, "echo_loop", "same", "t", "")));
        assertEquals(List.of("c", "vthreads", "nativesockets", "jdk_vthreads"),
                names(Charts.rateByConns(recorded, "vthread_echo", "same", "t", "")));
    }

    private static List<String> names(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        return chart.getSeriesCollection().stream().map(org.knowm.xchart.internal.series.Series::getName).toList();
    }

    /** The fan_out chart from a quick fan_out run's results file: one line per server, the perf entries beside the rates left out. */
    @Test
    void fanOutChartIsDrawnFromItsResults(@TempDir Path dir) throws Exception {
        Results fan;
        try (InputStream in = ChartsTest.class.getResourceAsStream("results-fan-out-quick.json")) {
            assertNotNull(in, "results-fan-out-quick.json on the test class path");
            fan = Results.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(fan.entries().stream().anyMatch(e -> e.method().equals("perf") && e.unit().equals("syscalls/op")),
                "system calls per message recorded beside the rates");
        List<Path> written = Charts.render(fan, dir);
        assertTrue(written.contains(dir.resolve("fan-out-same.png")), written.toString());
        checkPng(dir.resolve("fan-out-same.png"));
        assertEquals(List.of("c", "c_uring", "nativesockets", "uring"),
                names(Charts.rateByConns(fan, FanOutRun.LABEL, "same", "t", "")));
    }

    @Test
    void aResultsFileWithoutTheWorkloadsOfAChartSkipsIt(@TempDir Path dir) throws Exception {
        Results onlyEcho = new Results(Results.VERSION, recorded.started(), recorded.mode(), 1, recorded.host(),
                recorded.entries().stream().filter(e -> e.workload().equals("echo_loop")).toList());
        List<Path> written = Charts.render(onlyEcho, dir);
        assertTrue(written.contains(dir.resolve("echo-loop-same.png")), written.toString());
        assertFalse(Files.exists(dir.resolve("speed-vs-c.png")));
        assertFalse(Files.exists(dir.resolve("udp.png")));
    }
}
