package dev.nativesockets.demo.client;

import dev.nativesockets.demo.DemoProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code client-demo.jar udp} against {@code server-demo.jar udp-echo} and a Python echo server. */
@Timeout(120)
class UdpClientTest {
    static final Duration TIME = Duration.ofSeconds(30);

    private static void assertEchoLines(String out, int port, String... messages) {
        String[] lines = out.split("\n");
        assertEquals(messages.length, lines.length, out);
        for (int i = 0; i < messages.length; i++) {
            assertTrue(Pattern.matches("udp: \\d+ bytes to 127\\.0\\.0\\.1:" + port + " and back in \\d+ µs: "
                    + Pattern.quote(messages[i]), lines[i]), out);
        }
    }

    @Test
    void javaClientAndJavaServer() throws Exception {
        try (DemoProcess server = DemoProcess.server("udp-echo", "--port", "0", "--count", "3")) {
            int port = server.awaitListening(TIME);
            try (DemoProcess c = DemoProcess.client("udp", "--port", Integer.toString(port), "--message", "你好")) {
                assertEquals(0, c.exitCode(TIME), c::toString);
                assertEchoLines(c.stdout(), port, "你好 1", "你好 2", "你好 3");
            }
            assertEquals(0, server.exitCode(TIME), server::toString);
            assertEquals(3, DemoProcess.count(server.stdout(), "echoed 8 bytes to 127.0.0.1:"), server::toString);
        }
    }

    @Test
    void javaClientAndPythonServer() throws Exception {
        DemoProcess.require("python3", "skipping the Python peer");
        String script = """
                import socket, sys
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("127.0.0.1", 0))
                print("listening on 127.0.0.1:%d" % s.getsockname()[1], file=sys.stderr, flush=True)
                for _ in range(2):
                    data, addr = s.recvfrom(65536)
                    s.sendto(data, addr)
                """;
        try (DemoProcess py = DemoProcess.start("python3", "-c", script)) {
            int port = py.awaitListening(TIME);
            try (DemoProcess c = DemoProcess.client("udp", "--port", Integer.toString(port), "--count", "2")) {
                assertEquals(0, c.exitCode(TIME), c::toString);
                assertEchoLines(c.stdout(), port, "hello 1", "hello 2");
            }
            assertEquals(0, py.exitCode(TIME), py::toString);
        }
    }

    @Test
    void noServerIsAnErrorWithItsErrno() throws Exception {
        int port = DemoProcess.freePort();
        try (DemoProcess c = DemoProcess.client("udp", "--port", Integer.toString(port), "--count", "1", "--timeout-ms", "3000")) {
            assertEquals(1, c.exitCode(TIME), c::toString);
            // loopback reports the closed port (ICMP port unreachable) to the connected socket
            assertTrue(c.stderr().contains("ECONNREFUSED") || c.stderr().contains("no echo"), c::toString);
        }
    }
}
