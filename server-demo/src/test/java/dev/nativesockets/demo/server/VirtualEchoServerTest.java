package dev.nativesockets.demo.server;

import dev.nativesockets.demo.DemoProcess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code server-demo.jar vecho} as a process with one carrier and no compensation: thousands of
 * idle clients, each with its virtual thread blocked in recv, and a new client is still served at
 * once; then every client gets its echo; the server's OS threads stay flat.
 */
@Timeout(180)
class VirtualEchoServerTest {
    private static final int IDLE = 2_000;

    @Test
    void oneCarrierServesThousandsOfIdleClientsAndANewOne() throws Exception {
        String java = DemoProcess.java();
        try (DemoProcess server = DemoProcess.start(java, "-Djdk.virtualThreadScheduler.parallelism=1",
                "-Djdk.virtualThreadScheduler.maxPoolSize=1", "-jar", System.getProperty("demo.server.jar"),
                "vecho", "--port", "0")) {
            int port = server.awaitListening(Duration.ofSeconds(30));
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < IDLE; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                    s.setSoTimeout(30_000);
                    idle.add(s);
                    if (i == 0) {
                        echo(s, new byte[] {42}); // the first one is surely being served
                    }
                }
                try (Socket fresh = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    fresh.setSoTimeout(30_000);
                    echo(fresh, "a new client".getBytes());
                }
                for (int i = 0; i < idle.size(); i++) {
                    echo(idle.get(i), new byte[] {(byte) i});
                }
                long threads = osThreads(server.process.pid());
                assertTrue(threads < 100, "the server has " + threads + " OS threads for " + IDLE + " clients");
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }
    }

    private static void echo(Socket s, byte[] data) throws Exception {
        s.getOutputStream().write(data);
        assertArrayEquals(data, s.getInputStream().readNBytes(data.length));
    }

    private static long osThreads(long pid) throws Exception {
        Path status = Path.of("/proc/" + pid + "/status");
        if (!Files.exists(status)) {
            return 0; // not Linux: nothing to count this way
        }
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("Threads:"))
                .mapToLong(l -> Long.parseLong(l.substring(8).trim())).findFirst().orElse(0);
    }
}
