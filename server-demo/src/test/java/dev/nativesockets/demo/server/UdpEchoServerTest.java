package dev.nativesockets.demo.server;

import dev.nativesockets.demo.DemoProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code server-demo.jar udp-echo} as a process, with Python's and the JDK's datagram sockets. */
@Timeout(120)
class UdpEchoServerTest {
    @Test
    void pythonClient() throws Exception {
        DemoProcess.require("python3", "skipping the Python peer");
        try (DemoProcess server = DemoProcess.server("udp-echo", "--port", "0", "--count", "3")) {
            int port = server.awaitListening(Duration.ofSeconds(30));
            String script = """
                    import socket, sys
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    s.settimeout(10)
                    for msg in [b"one", "二".encode(), bytes(range(256)) * 100]:
                        s.sendto(msg, ("127.0.0.1", int(sys.argv[1])))
                        data, addr = s.recvfrom(65536)
                        assert data == msg, (data, msg)
                        print(len(data))
                    """;
            try (DemoProcess py = DemoProcess.start("python3", "-c", script, Integer.toString(port))) {
                assertEquals(0, py.exitCode(Duration.ofSeconds(30)), py::toString);
                assertEquals("3\n3\n25600\n", py.stdout());
            }
            assertEquals(0, server.exitCode(Duration.ofSeconds(30)), server::toString);
            assertEquals(3, DemoProcess.count(server.stdout(), "echoed "), server::toString);
            assertTrue(server.stdout().contains("echoed 25600 bytes to 127.0.0.1:"), server::toString);
        }
    }

    @Test
    void jdkClient() throws Exception {
        try (DemoProcess server = DemoProcess.server("udp-echo", "--port", "0", "--count", "2");
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = server.awaitListening(Duration.ofSeconds(30));
            s.setSoTimeout(10_000);
            for (String msg : new String[] {"hello", ""}) {
                byte[] b = msg.getBytes(StandardCharsets.UTF_8);
                s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
                DatagramPacket p = new DatagramPacket(new byte[100], 100);
                s.receive(p);
                assertEquals(msg, new String(Arrays.copyOf(p.getData(), p.getLength()), StandardCharsets.UTF_8));
                assertEquals(port, p.getPort());
            }
            assertEquals(0, server.exitCode(Duration.ofSeconds(30)), server::toString);
            assertTrue(server.stdout().contains("echoed 0 bytes to 127.0.0.1:" + s.getLocalPort()), server::toString);
        }
    }
}
