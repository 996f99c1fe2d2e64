package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 23's proof: a thread-per-connection echo server ({@link VirtualEchoChild}) on one carrier
 * serves 10,000 <em>busy</em> connections — each with a 64-byte message in flight all the time,
 * twenty rounds, every echoed byte checked — from clients in another process (Python), with the
 * JVM's default direct-memory limit. Per-virtual-thread native memory (the old per-thread
 * {@code Scratch}: 64 KiB and more each, ~690 MB for 10,000) runs into that limit and the server
 * stalls in the JVM's reserve-and-{@code System.gc()} loop; leased scratch keeps it to the
 * carriers'.
 *
 * <p>The child's heap is 320 MB (-Xmx, so the direct limit defaults to it): on this 24 GiB machine
 * the default heap, and with it the direct limit, would be 6 GiB, and a per-thread leak would show
 * only at ~90,000 threads. A server in a modest container has such a heap. The direct memory the
 * child reports at the end is checked too: it must not grow with the threads.
 */
@Tag("reliability")
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class VirtualThreadBusyTest {
    static final int CONNECTIONS = Integer.getInteger("vthread.busy.connections", 10_000);
    static final int ROUNDS = 20;
    static final int SIZE = 64;

    @Test
    void tenThousandBusyConnectionsOnOneCarrierEchoEveryByteWithDefaultMemorySettings() throws Exception {
        Assumptions.assumeTrue(python3() != null, "python3 is not installed (the clients' process)");
        Path dir = Files.createTempDirectory("ns-vbusy");
        Path script = dir.resolve("busy_echo_clients.py");
        try (InputStream in = VirtualThreadBusyTest.class.getResourceAsStream("busy_echo_clients.py")) {
            Files.copy(in, script);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Path.of(Socket.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + File.pathSeparator
                + Path.of(VirtualEchoChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx320m",
                "-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1",
                "-cp", cp, VirtualEchoChild.class.getName())
                .redirectError(dir.resolve("child.err").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
        PrintStream cmd = new PrintStream(child.getOutputStream(), true);
        Process clients = null;
        try {
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("PORT "), first + " / " + Files.readString(dir.resolve("child.err")));
            int port = Integer.parseInt(first.substring(5));
            clients = new ProcessBuilder(python3(), script.toString(), "127.0.0.1", String.valueOf(port),
                    String.valueOf(CONNECTIONS), String.valueOf(ROUNDS), String.valueOf(SIZE), "30")
                    .redirectErrorStream(true).start();
            StringBuilder report = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(clients.getInputStream()))) {
                for (String l; (l = r.readLine()) != null; ) {
                    report.append(l).append('\n');
                }
            }
            assertTrue(clients.waitFor(60, TimeUnit.SECONDS), "clients did not end");
            String text = report.toString();
            System.out.print("[vbusy] " + text.replace("\n", "\n[vbusy] "));
            assertEquals(0, clients.exitValue(), text + Files.readString(dir.resolve("child.err")));
            assertTrue(text.contains("DONE echoes=" + (long) CONNECTIONS * ROUNDS + " bytes=" + (long) CONNECTIONS * ROUNDS * SIZE), text);

            cmd.println("memory");
            String mem = out.readLine();
            System.out.println("[vbusy] server after " + CONNECTIONS + " busy connections: " + mem);
            long direct = Long.parseLong(mem.replaceAll(".*direct=(-?\\d+).*", "$1"));
            // a few leases per carrier plus the pollers' sets: far below a scratch per thread (~690 MB)
            assertTrue(direct < 64L << 20, "direct memory grows with the virtual threads: " + mem);
        } finally {
            if (clients != null) {
                clients.destroyForcibly();
            }
            cmd.close();
            child.waitFor(60, TimeUnit.SECONDS);
            child.destroyForcibly();
            out.close();
            child.getErrorStream().close();
        }
    }

    private static String python3() {
        for (String p : new String[] {"/usr/bin/python3", "/usr/local/bin/python3"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }
}
