package dev.nativesockets.demo.server;

import dev.nativesockets.demo.DemoProcess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The seed server ({@code socket.php} in Java) as a process, with clients nobody here wrote. */
@Timeout(120)
class SeedServerTest {
    static final byte[] GREETING = "测试成功!\n".getBytes(StandardCharsets.UTF_8);
    static final Duration START = Duration.ofSeconds(30);
    static final Duration EXIT = Duration.ofSeconds(30);

    /** A JDK socket client doing what socket2.php does; returns everything the server sent. */
    static byte[] seedExchange(int port, String message) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(message.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return s.getInputStream().readAllBytes();
        }
    }

    @Test
    void servesCountConnectionsThenExits() throws Exception {
        try (DemoProcess server = DemoProcess.server("--port", "0", "--count", "3")) {
            int port = server.awaitListening(START);
            for (int i = 1; i <= 3; i++) {
                assertArrayEquals(GREETING, seedExchange(port, "hello " + i));
            }
            assertEquals("测试成功了啊\n收到的信息:hello 1\n测试成功了啊\n收到的信息:hello 2\n测试成功了啊\n收到的信息:hello 3\n",
                    server.stdoutOnSuccess(EXIT));
            assertTrue(server.stderr().contains("listening on 127.0.0.1:" + port + ", serving 3 connections"), server::toString);
        }
    }

    @Test
    void peersThatLeaveAtOnceNeitherStopNorCrashIt() throws Exception {
        try (DemoProcess server = DemoProcess.server("--port", "0", "--count", "4")) {
            int port = server.awaitListening(START);
            InetAddress lo = InetAddress.getLoopbackAddress();
            // connects and closes (FIN) at once
            new Socket(lo, port).close();
            // connects and resets (RST) at once
            try (Socket s = new Socket(lo, port)) {
                s.setSoLinger(true, 0);
            }
            // waits for the greeting, then resets without sending anything
            try (Socket s = new Socket(lo, port)) {
                s.setSoTimeout(20_000);
                assertEquals(GREETING.length, s.getInputStream().readNBytes(GREETING.length).length);
                s.setSoLinger(true, 0);
            }
            // well-behaved clients until the server has had its four connections (a reset peer may
            // never reach accept(2) on some kernels; then it does not count)
            int normal = 0;
            while (server.isAlive() && normal < 4) {
                try {
                    assertArrayEquals(GREETING, seedExchange(port, "hello"));
                    normal++;
                } catch (IOException e) {
                    // refused or reset: fine only if the server is on its way out
                    if (!server.process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw e;
                    }
                }
            }
            String out = server.stdoutOnSuccess(EXIT);
            assertEquals(4, DemoProcess.count(out, "测试成功了啊\n"), server::toString);
            assertTrue(out.endsWith("测试成功了啊\n收到的信息:hello\n"), server::toString);
            assertFalse(server.stderr().contains("Exception"), server::toString);
        }
    }

    @Test
    void pythonClient() throws Exception {
        DemoProcess.require("python3", "skipping the Python peer");
        try (DemoProcess server = DemoProcess.server("--port", "0", "--count", "1")) {
            int port = server.awaitListening(START);
            String script = """
                    import socket, sys
                    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                    greeting = b""
                    while not greeting.endswith(b"\\n"):
                        chunk = s.recv(100)
                        if not chunk:
                            break
                        greeting += chunk
                    s.sendall("来自 python".encode())
                    rest = s.recv(100)
                    sys.stdout.write(greeting.decode() + "rest=" + repr(rest) + "\\n")
                    """;
            try (DemoProcess py = DemoProcess.start("python3", "-c", script, Integer.toString(port))) {
                assertEquals("测试成功!\nrest=b''\n", py.stdoutOnSuccess(EXIT));
            }
            assertEquals("测试成功了啊\n收到的信息:来自 python\n", server.stdoutOnSuccess(EXIT));
        }
    }

    @Test
    void netcatClient() throws Exception {
        DemoProcess.requireNetcatWithShutdown(EXIT);
        try (DemoProcess server = DemoProcess.server("--port", "0", "--count", "1")) {
            int port = server.awaitListening(START);
            // nc sends its stdin (empty: closed at once) and prints what it receives until EOF
            try (DemoProcess nc = DemoProcess.start("nc", "-N", "127.0.0.1", Integer.toString(port))) {
                assertEquals("测试成功!\n", nc.stdoutOnSuccess(EXIT));
            }
            assertEquals("测试成功了啊\n收到的信息:\n", server.stdoutOnSuccess(EXIT));
        }
    }

    @Test
    void portInUseNamesTheErrno() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (DemoProcess server = DemoProcess.server("--port", Integer.toString(taken.getLocalPort()))) {
                assertEquals(1, server.exitCode(EXIT), server::toString);
                assertTrue(server.stderr().contains("bind: EADDRINUSE: "), server::toString);
                assertEquals("", server.stdout());
            }
        }
    }

    @Test
    void badUsageExitsTwo() throws Exception {
        try (DemoProcess server = DemoProcess.server("--count", "zero")) {
            assertEquals(2, server.exitCode(EXIT), server::toString);
            assertTrue(server.stderr().contains("--count is not a number"), server::toString);
        }
        try (DemoProcess server = DemoProcess.server("frobnicate")) {
            assertEquals(2, server.exitCode(EXIT), server::toString);
            assertTrue(server.stderr().contains("unknown command: frobnicate"), server::toString);
        }
    }
}
