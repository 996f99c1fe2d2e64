package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nativesockets.CallingModeMatrix.Call;
import dev.nativesockets.CallingModeMatrix.Cell;
import dev.nativesockets.CallingModeMatrix.Mode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue 24's calling-mode matrix ({@link CallingModeMatrix}): Mode x Call x Sharing x Promise, one
 * dynamic test per cell, grouped by mode and call. A cell that does not apply is reported as
 * skipped with its reason. The modes that run in this JVM are part of the default suite; a mode
 * that needs a JVM of its own (one carrier) is tagged {@code reliability} and runs in that
 * execution of bindings/pom.xml, which CI runs too.
 */
class CallingModeMatrixTest {
    interface CellRun {
        void run(Cell cell) throws Exception;
    }

    /** {@code -Dmatrix.only=REGEX}: only the cells whose id (MODE/CALL/SHARING/PROMISE) matches, to look at a few. */
    private static final java.util.regex.Pattern ONLY = java.util.regex.Pattern.compile(System.getProperty("matrix.only", ".*"));

    @TestFactory
    Stream<DynamicNode> everyCallInEveryModeKeepsItsPromises() {
        return Arrays.stream(Mode.values()).filter(m -> !m.inChildJvm()).map(m -> tree(m, CallingModeMatrix::run));
    }

    @Tag("reliability")
    @TestFactory
    Stream<DynamicNode> modesThatNeedAJvmOfTheirOwn() {
        return Arrays.stream(Mode.values()).filter(Mode::inChildJvm).map(m -> {
            Map<String, String> results = new HashMap<>();
            String[] trouble = {null};
            return DynamicContainer.dynamicContainer(m.name() + " (child JVM " + String.join(" ", m.jvmOptions) + ")",
                    Stream.concat(Stream.of(DynamicTest.dynamicTest("child JVM runs", () -> {
                        trouble[0] = "the child JVM did not run";
                        results.putAll(runChild(m));
                        trouble[0] = null;
                    })), Stream.of(tree(m, cell -> {
                        if (trouble[0] != null) {
                            fail(trouble[0]);
                        }
                        String r = results.get(cell.id());
                        if (r == null) {
                            fail("the child JVM did not report " + cell.id());
                        }
                        if (!r.equals("PASS")) {
                            fail(r);
                        }
                    }))));
        });
    }

    /** Each known defect still breaks its promise; once one does not, it must leave the list. */
    @Tag("reliability")
    @TestFactory
    Stream<DynamicTest> knownDefectsStillFail() {
        return CallingModeMatrix.KNOWN_DEFECTS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
                    Cell cell = Arrays.stream(Mode.values()).flatMap(CallingModeMatrix::cells)
                            .filter(c -> c.id().equals(e.getKey())).findFirst().orElseThrow();
                    Mode mode = cell.mode();
                    Assumptions.assumeTrue(!mode.inChildJvm(), "a child JVM's mode: " + mode);
                    try {
                        CallingModeMatrix.run(cell);
                    } catch (AssertionError still) {
                        System.out.println("[matrix] known defect " + e.getKey() + " still fails: " + still.getMessage());
                        return;
                    }
                    fail(e.getKey() + " keeps its promise now: remove it from CallingModeMatrix.KNOWN_DEFECTS");
                }));
    }

    /** Mode -> call -> "SHARING PROMISE" tests. */
    private static DynamicContainer tree(Mode mode, CellRun run) {
        return DynamicContainer.dynamicContainer(mode.name(), Arrays.stream(Call.values()).map(call ->
                DynamicContainer.dynamicContainer(call.name(), CallingModeMatrix.cells(mode).filter(c -> c.call() == call)
                        .map(cell -> DynamicTest.dynamicTest(cell.sharing() + " " + cell.promise(), () -> {
                            String why = CallingModeMatrix.exclusion(cell);
                            Assumptions.assumeTrue(why == null, why);
                            Assumptions.assumeTrue(ONLY.matcher(cell.id()).matches(), "not in -Dmatrix.only");
                            String defect = CallingModeMatrix.KNOWN_DEFECTS.get(cell.id());
                            Assumptions.assumeTrue(defect == null, () -> "KNOWN DEFECT (run by knownDefectsStillFail): " + defect);
                            run.run(cell);
                        })))));
    }

    /** Runs the mode's cells in a child JVM with its options; cell id -> "PASS" or "FAIL reason". */
    private static Map<String, String> runChild(Mode mode) throws Exception {
        Path dir = Files.createTempDirectory("ns-matrix-child");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = String.join(File.pathSeparator, codeSource(Socket.class), codeSource(CallingModeMatrix.class),
                codeSource(org.junit.jupiter.api.Assertions.class), codeSource(org.opentest4j.AssertionFailedError.class));
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(mode.jvmOptions);
        cmd.add("-Dmatrix.only=" + ONLY.pattern());
        cmd.addAll(List.of("-cp", cp, CallingModeMatrix.class.getName(), mode.name()));
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process child = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertTrue(child.waitFor(10, TimeUnit.MINUTES), "the child JVM ran for 10 minutes");
        } finally {
            child.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(out);
        assertEquals(0, child.exitValue(), () -> "child JVM: " + lines + " " + readQuietly(err));
        assertTrue(lines.contains("DONE"), () -> "child JVM did not finish: " + lines + " " + readQuietly(err));
        Map<String, String> results = new HashMap<>();
        for (String l : lines) {
            if (l.startsWith("CELL ")) {
                String[] f = l.split(" ", 3);
                results.put(f[1], f[2]);
            }
        }
        long failed = results.values().stream().filter(r -> !r.equals("PASS")).count();
        System.out.println("[matrix] " + mode + " in a child JVM: " + results.size() + " cells, " + failed + " failed");
        return results;
    }

    private static String codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "";
        }
    }
}
