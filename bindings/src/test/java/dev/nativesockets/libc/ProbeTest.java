package dev.nativesockets.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemoryLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks the Java platform tables against the real C headers.
 *
 * <p>{@code native/probe/probe.c} is compiled and run; it prints {@code NAME VALUE} for every
 * constant and errno, {@code sizeof.STRUCT N} and {@code offsetof.STRUCT.MEMBER N}. Each symbol
 * the Java table declares becomes one dynamic test comparing the table against that output, and
 * a separate test fails when the probe prints a name the table lacks, so the two lists stay the
 * same.
 *
 * <p>The host check needs {@code cc}. The Linux aarch64 check (run on Linux x86_64 hosts) needs
 * the cross compiler {@code aarch64-linux-gnu-gcc} (Debian: gcc-aarch64-linux-gnu) and the user
 * mode emulator {@code qemu-aarch64} or {@code qemu-aarch64-static} (Debian: qemu-user or
 * qemu-user-static). Without them the checks are skipped with the reason printed.
 */
class ProbeTest {
    private static final String PROBE_SOURCE = "native/probe/probe.c";
    private static final String AARCH64_SYSROOT = "/usr/aarch64-linux-gnu";
    private static final long TIMEOUT_SECONDS = 180;

    private static ProbeRun hostRun;
    private static ProbeRun aarch64Run;

    // ---------------------------------------------------------------- host

    @TestFactory
    Stream<DynamicTest> hostTableMatchesHeaders() {
        return checks(Platform.current().table(), hostProbe().values());
    }

    @Test
    void hostProbePrintsOnlyDeclaredNames() {
        assertNoUndeclaredNames(Platform.current().table(), hostProbe().values());
    }

    // ---------------------------------------------------------------- Linux aarch64 under qemu

    @TestFactory
    Stream<DynamicTest> linuxAarch64TableMatchesHeaders() {
        return checks(Platform.LINUX_AARCH64.table(), aarch64Probe().values());
    }

    @Test
    void linuxAarch64ProbePrintsOnlyDeclaredNames() {
        assertNoUndeclaredNames(Platform.LINUX_AARCH64.table(), aarch64Probe().values());
    }

    // ---------------------------------------------------------------- comparison

    /** Every fact the table states, under the name the probe prints it. */
    static Map<String, Long> expectedSymbols(PlatformTable table) {
        Map<String, Long> expected = new LinkedHashMap<>();
        table.constants().forEach((name, value) -> put(expected, name, value));
        table.errnos().forEach((name, value) -> put(expected, name, (long) value));
        table.structs().forEach((name, layout) -> {
            put(expected, "sizeof." + name, layout.byteSize());
            for (MemoryLayout member : layout.memberLayouts()) {
                Optional<String> memberName = member.name();
                if (memberName.isPresent()) { // unnamed members are padding
                    long offset = layout.byteOffset(MemoryLayout.PathElement.groupElement(memberName.get()));
                    put(expected, "offsetof." + name + "." + memberName.get(), offset);
                }
            }
        });
        return expected;
    }

    private static void put(Map<String, Long> map, String name, long value) {
        if (map.put(name, value) != null) {
            throw new IllegalStateException("symbol declared twice in the Java table: " + name);
        }
    }

    private static Stream<DynamicTest> checks(PlatformTable table, Map<String, Long> probed) {
        Map<String, Long> expected = expectedSymbols(table);
        System.out.printf("ProbeTest: %s: %d symbols to check against %d probed%n",
                table.platform(), expected.size(), probed.size());
        List<DynamicTest> tests = new ArrayList<>(expected.size());
        expected.forEach((name, javaValue) -> tests.add(DynamicTest.dynamicTest(name, () -> {
            Long headerValue = probed.get(name);
            if (headerValue == null) {
                fail(name + " on " + table.platform() + ": Java table says " + javaValue
                        + ", but the probe printed nothing for it (add it to native/probe/probe.c"
                        + " or remove it from the table)");
            }
            assertEquals(headerValue.longValue(), javaValue.longValue(),
                    () -> name + " on " + table.platform() + ": Java table says " + javaValue
                            + ", headers say " + headerValue);
        })));
        return tests.stream();
    }

    private static void assertNoUndeclaredNames(PlatformTable table, Map<String, Long> probed) {
        Map<String, Long> expected = expectedSymbols(table);
        TreeSet<String> extra = new TreeSet<>(probed.keySet());
        extra.removeAll(expected.keySet());
        StringBuilder sb = new StringBuilder();
        for (String name : extra) {
            sb.append("\n  ").append(name).append(' ').append(probed.get(name));
        }
        assertTrue(extra.isEmpty(), () -> "native/probe/probe.c prints " + extra.size()
                + " name(s) the Java table for " + table.platform() + " does not declare:" + sb);
    }

    // ---------------------------------------------------------------- running the probe

    /** Probe output, or why it could not be produced (a skip) or failed (an error). */
    record ProbeRun(Map<String, Long> values, String skipReason, String failure) {
        Map<String, Long> require(String what) {
            if (skipReason != null) {
                System.out.println("ProbeTest: skipping " + what + ": " + skipReason);
                Assumptions.abort(skipReason);
            }
            if (failure != null) {
                fail(what + ": " + failure);
            }
            return values;
        }
    }

    private static synchronized ProbeRun hostProbeRun() {
        if (hostRun == null) {
            hostRun = runHostProbe();
        }
        return hostRun;
    }

    private static ProbeRunView hostProbe() {
        return new ProbeRunView(hostProbeRun(), "host probe (" + Platform.current() + ")");
    }

    private static synchronized ProbeRun aarch64ProbeRun() {
        if (aarch64Run == null) {
            aarch64Run = runAarch64Probe();
        }
        return aarch64Run;
    }

    private static ProbeRunView aarch64Probe() {
        return new ProbeRunView(aarch64ProbeRun(), "Linux aarch64 probe (cross-compiled, run under qemu)");
    }

    /** Defers the skip/fail decision to the test that asks for the values. */
    record ProbeRunView(ProbeRun run, String what) {
        Map<String, Long> values() {
            return run.require(what);
        }
    }

    private static ProbeRun runHostProbe() {
        Optional<Path> cc = onPath("cc");
        if (cc.isEmpty()) {
            return skip("no C compiler 'cc' on PATH");
        }
        Optional<Path> source = locateProbeSource();
        if (source.isEmpty()) {
            return skip("cannot find " + PROBE_SOURCE + " in " + Path.of("").toAbsolutePath() + " or above");
        }
        return compileAndRun(List.of(cc.get().toString()), source.get(), List.of());
    }

    private static ProbeRun runAarch64Probe() {
        Platform host = Platform.current();
        if (host != Platform.LINUX_X86_64) {
            return skip("the aarch64 cross check runs on Linux x86_64 hosts; this host is " + host
                    + (host == Platform.LINUX_AARCH64 ? " (the host check covers it natively)" : ""));
        }
        Optional<Path> gcc = onPath("aarch64-linux-gnu-gcc");
        if (gcc.isEmpty()) {
            return skip("no cross compiler 'aarch64-linux-gnu-gcc' on PATH (Debian package gcc-aarch64-linux-gnu)");
        }
        Optional<Path> qemu = onPath("qemu-aarch64").or(() -> onPath("qemu-aarch64-static"));
        if (qemu.isEmpty()) {
            return skip("no 'qemu-aarch64' or 'qemu-aarch64-static' on PATH (Debian package qemu-user)");
        }
        Optional<Path> source = locateProbeSource();
        if (source.isEmpty()) {
            return skip("cannot find " + PROBE_SOURCE + " in " + Path.of("").toAbsolutePath() + " or above");
        }
        List<String> runner = new ArrayList<>(List.of(qemu.get().toString()));
        if (Files.isDirectory(Path.of(AARCH64_SYSROOT))) {
            runner.addAll(List.of("-L", AARCH64_SYSROOT));
        }
        return compileAndRun(List.of(gcc.get().toString()), source.get(), runner);
    }

    private static ProbeRun compileAndRun(List<String> compiler, Path source, List<String> runner) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("nativesockets-probe");
            Path exe = dir.resolve("probe");
            List<String> compile = new ArrayList<>(compiler);
            compile.addAll(List.of("-Wall", "-o", exe.toString(), source.toString()));
            Result built = exec(compile, dir);
            if (built.exitCode() != 0) {
                return new ProbeRun(null, null, "compiling the probe failed (exit " + built.exitCode() + "): "
                        + String.join(" ", compile) + "\n" + built.output());
            }
            List<String> run = new ArrayList<>(runner);
            run.add(exe.toString());
            Result ran = exec(run, dir);
            if (ran.exitCode() != 0) {
                return new ProbeRun(null, null, "running the probe failed (exit " + ran.exitCode() + "): "
                        + String.join(" ", run) + "\n" + ran.output());
            }
            return parse(ran.output());
        } catch (IOException e) {
            return new ProbeRun(null, null, "probe could not be built or run: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProbeRun(null, null, "interrupted while running the probe");
        } finally {
            deleteQuietly(dir);
        }
    }

    private static ProbeRun parse(String output) {
        Map<String, Long> values = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : output.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.strip().split(" ");
            if (parts.length != 2) {
                return new ProbeRun(null, null, "probe output line " + lineNo + " is not 'NAME VALUE': " + line);
            }
            long value;
            try {
                value = Long.parseLong(parts[1]);
            } catch (NumberFormatException e) {
                return new ProbeRun(null, null, "probe output line " + lineNo + " has no number: " + line);
            }
            if (values.put(parts[0], value) != null) {
                return new ProbeRun(null, null, "probe prints " + parts[0] + " twice");
            }
        }
        return new ProbeRun(values, null, null);
    }

    private static ProbeRun skip(String reason) {
        return new ProbeRun(null, reason, null);
    }

    record Result(int exitCode, String output) {}

    private static Result exec(List<String> command, Path dir) throws IOException, InterruptedException {
        Path log = dir.resolve("output-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            return new Result(-1, "timed out after " + TIMEOUT_SECONDS + "s: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Walks up from the working directory (surefire runs in bindings/) to find the probe source. */
    static Optional<Path> locateProbeSource() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(PROBE_SOURCE);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp directory is harmless
        }
    }
}
