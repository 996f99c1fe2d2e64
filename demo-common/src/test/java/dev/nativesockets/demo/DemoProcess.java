package dev.nativesockets.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process whose stdout and stderr are collected as they come; the process-test harness of
 * server-demo and client-demo (shared through demo-common's test jar).
 */
public final class DemoProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on \\S*:(\\d+)");

    public final List<String> command;
    public final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;

    private DemoProcess(List<String> command, byte[] stdin) throws IOException {
        this.command = command;
        this.process = new ProcessBuilder(command).start();
        try (var in = process.getOutputStream()) {
            in.write(stdin);
        }
        outPump = pump(process.getInputStream(), out);
        errPump = pump(process.getErrorStream(), err);
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        return Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (sink) {
                        sink.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        });
    }

    /** The JDK running the tests (>= 22): the jars must run on it with no extra flags. */
    public static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** {@code java -jar <the jar named by system property jarProperty> args...}. */
    public static DemoProcess jar(String jarProperty, String... args) throws IOException {
        String jar = System.getProperty(jarProperty);
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), jarProperty + " is not a built jar: " + jar);
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar));
        cmd.addAll(List.of(args));
        return new DemoProcess(cmd, new byte[0]);
    }

    public static DemoProcess server(String... args) throws IOException {
        return jar("demo.server.jar", args);
    }

    public static DemoProcess client(String... args) throws IOException {
        return jar("demo.client.jar", args);
    }

    public static DemoProcess start(String... command) throws IOException {
        return new DemoProcess(List.of(command), new byte[0]);
    }

    /** Starts {@code command} with {@code stdin} as its whole standard input. */
    public static DemoProcess withInput(byte[] stdin, String... command) throws IOException {
        return new DemoProcess(List.of(command), stdin);
    }

    /**
     * Skips the calling test, saying why on stderr too (CI logs show it), unless {@code program}
     * is installed.
     */
    public static void require(String program, String why) {
        boolean there = available(program);
        if (!there) {
            System.err.println("SKIPPED: " + program + " is not installed: " + why);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(there, program + " is not installed: " + why);
    }

    /**
     * Skips, with the reason printed, unless {@code nc} is installed and has {@code -N} (shut the
     * socket down at stdin's EOF), which the netcat peers need to end their exchange.
     */
    public static void requireNetcatWithShutdown(Duration timeout) throws IOException, InterruptedException {
        require("nc", "skipping the netcat peer");
        try (DemoProcess help = DemoProcess.start("nc", "-h")) {
            help.exitCode(timeout);
            boolean n = (help.stdout() + help.stderr()).contains("-N");
            if (!n) {
                System.err.println("SKIPPED: this nc has no -N (shutdown on stdin EOF)");
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(n, "this nc has no -N (shutdown on stdin EOF)");
        }
    }

    /**
     * Waits until something listens on 127.0.0.1:{@code port} without connecting to it (a connection
     * would use up a one-shot server): reads /proc/net/tcp where there is one, else waits a second.
     */
    public static void awaitTcpListener(int port, Duration timeout) throws IOException, InterruptedException {
        Path table = Path.of("/proc/net/tcp");
        if (!Files.isReadable(table)) {
            Thread.sleep(1000);
            return;
        }
        String local = String.format("0100007F:%04X", port);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            for (String line : Files.readAllLines(table)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].equals(local) && f[3].equals("0A")) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        fail("nothing listens on 127.0.0.1:" + port + " after " + timeout);
    }

    /** Whether {@code program} runs here (found on the PATH). */
    public static boolean available(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** A port that was free a moment ago, for programs that cannot be told to pick one. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String stdout() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    public String stderr() {
        synchronized (err) {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits for a server's "listening on host:port" line on stderr; returns the port. */
    public int awaitListening(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Matcher m = LISTENING.matcher(stderr());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        return fail("no 'listening on' line from " + command + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
    }

    /** Waits until stdout contains {@code needle} {@code times} times. */
    public void awaitStdout(String needle, int times, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (count(stdout(), needle) >= times) {
                return;
            }
            Thread.sleep(20);
        }
        fail("stdout of " + command + " has '" + needle + "' " + count(stdout(), needle) + " times, not " + times
                + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
    }

    public static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** Waits for the exit and for all output; fails if it takes longer than {@code timeout}. */
    public int exitCode(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail(command + " still running after " + timeout + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
        }
        outPump.join(5000);
        errPump.join(5000);
        return process.exitValue();
    }

    /** Waits for the exit (see {@link #exitCode}), fails with the output unless it is 0, and returns stdout. */
    public String stdoutOnSuccess(Duration timeout) throws InterruptedException {
        assertEquals(0, exitCode(timeout), this::toString);
        return stdout();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public String toString() {
        return command + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr();
    }
}
