package dev.nativesockets.demo.client;

import dev.nativesockets.demo.DemoProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's exchange across implementations: the seed's own PHP scripts ({@code socket.php},
 * {@code socket2.php}, unchanged but for the port), the Java ports of both, Python and netcat.
 */
@Timeout(180)
class SeedInteropTest {
    static final Duration START = Duration.ofSeconds(30);
    static final Duration EXIT = Duration.ofSeconds(30);
    /** The seed server serves this many connections, then exits. */
    static final int SEED_COUNT = 5;

    /** What the PHP server prints per connection from socket2.php. */
    static final String SERVER_PER_CLIENT = "测试成功了啊\n收到的信息:hello\n";
    /** What socket2.php prints against the seed server, as PHP prints it (port as PORT). */
    static final String PHP_CLIENT = """
            <h2>TCP/IP Connection</h2>
            OK.
            试图连接 '127.0.0.1' 端口 'PORT'...
            连接OK
            发送到服务器信息成功!
            发送的内容为:hello<br>接收服务器回传信息成功!
            接受的内容为:测试成功!
            关闭SOCKET...
            关闭OK
            """;

    @TempDir
    Path dir;

    /** The seed script from the test resources with its port (1935) replaced. */
    private Path seed(String name, int port) throws IOException {
        String text;
        try (InputStream in = SeedInteropTest.class.getResourceAsStream("/seed/" + name)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String portLine = "$port = 1935;";
        assertTrue(text.contains(portLine), name + " no longer sets the port as the seed does");
        Path p = dir.resolve(port + "-" + name);
        Files.writeString(p, text.replace(portLine, "$port = " + port + ";"));
        return p;
    }

    private static void requirePhp() throws Exception {
        DemoProcess.require("php", "the PHP seed scripts cannot run (CI installs php-cli)");
        try (DemoProcess php = DemoProcess.start("php", "-r", "exit(function_exists('socket_create') ? 0 : 3);")) {
            boolean sockets = php.exitCode(EXIT) == 0;
            if (!sockets) {
                System.err.println("SKIPPED: php has no sockets extension");
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(sockets, "php has no sockets extension");
        }
    }

    /** socket.php on a free port, once it listens. */
    private DemoProcess phpServer() throws Exception {
        int port = DemoProcess.freePort();
        DemoProcess server = DemoProcess.start("php", seed("socket.php", port).toString());
        DemoProcess.awaitTcpListener(port, START);
        serverPorts.put(server, port);
        return server;
    }

    private final java.util.Map<DemoProcess, Integer> serverPorts = new java.util.IdentityHashMap<>();

    private int port(DemoProcess server) throws InterruptedException {
        Integer p = serverPorts.get(server);
        return p != null ? p : server.awaitListening(START);
    }

    private String phpClient(int port) throws Exception {
        try (DemoProcess c = DemoProcess.start("php", seed("socket2.php", port).toString())) {
            assertEquals(0, c.exitCode(EXIT), c::toString);
            assertEquals("", c.stderr(), c::toString);
            return c.stdout().replace("'" + port + "'", "'PORT'");
        }
    }

    private static String javaClient(int port, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port)));
        args.addAll(List.of(extra));
        try (DemoProcess c = DemoProcess.client(args.toArray(String[]::new))) {
            assertEquals(0, c.exitCode(EXIT), c::toString);
            assertEquals("", c.stderr(), c::toString);
            return c.stdout().replace("'" + port + "'", "'PORT'");
        }
    }

    /** socket2.php's output as the Java client prints it: no heading, {@code <br>} as a line end. */
    static String withoutHtml(String php) {
        return php.replaceFirst("<h2>TCP/IP Connection</h2>\n", "").replace("<br>", "\n");
    }

    static String javaClientOutput(String message, String... replies) {
        StringBuilder b = new StringBuilder("OK.\n试图连接 '127.0.0.1' 端口 'PORT'...\n连接OK\n发送到服务器信息成功!\n发送的内容为:")
                .append(message).append('\n');
        for (String r : replies) {
            b.append("接收服务器回传信息成功!\n接受的内容为:").append(r).append(r.endsWith("\n") ? "" : "\n");
        }
        return b.append("关闭SOCKET...\n关闭OK\n").toString();
    }

    @Test
    void phpClientPrintsTheSameAgainstTheJavaServerAsAgainstThePhpServer() throws Exception {
        requirePhp();
        List<String> againstPhp = new ArrayList<>();
        String phpServerOut;
        try (DemoProcess server = phpServer()) {
            for (int i = 0; i < SEED_COUNT; i++) {
                againstPhp.add(phpClient(port(server)));
            }
            phpServerOut = server.stdoutOnSuccess(EXIT);
        }
        List<String> againstJava = new ArrayList<>();
        String javaServerOut;
        try (DemoProcess server = DemoProcess.server("--port", "0")) { // the seed's count: 5
            for (int i = 0; i < SEED_COUNT; i++) {
                againstJava.add(phpClient(port(server)));
            }
            javaServerOut = server.stdoutOnSuccess(EXIT);
        }
        assertEquals(againstPhp, againstJava);
        assertEquals(List.of(PHP_CLIENT, PHP_CLIENT, PHP_CLIENT, PHP_CLIENT, PHP_CLIENT), againstPhp);
        assertEquals(phpServerOut, javaServerOut);
        assertEquals(SERVER_PER_CLIENT.repeat(SEED_COUNT), javaServerOut);
    }

    @Test
    void javaClientAgainstThePhpServerPrintsThePhpClientsLinesWithoutHtml() throws Exception {
        requirePhp();
        try (DemoProcess server = phpServer()) {
            int port = port(server);
            String php = phpClient(port);
            for (int i = 1; i < SEED_COUNT; i++) {
                assertEquals(withoutHtml(php), javaClient(port));
            }
            assertEquals(SERVER_PER_CLIENT.repeat(SEED_COUNT), server.stdoutOnSuccess(EXIT));
        }
        assertEquals(javaClientOutput("hello", "测试成功!\n"), withoutHtml(PHP_CLIENT));
    }

    @Test
    void javaClientAgainstJavaServer() throws Exception {
        try (DemoProcess server = DemoProcess.server("--port", "0", "--count", "3")) {
            int port = port(server);
            assertEquals(javaClientOutput("hello", "测试成功!\n"), javaClient(port));
            assertEquals(javaClientOutput("你好,世界", "测试成功!\n"), javaClient(port, "--message", "你好,世界"));
            assertEquals(javaClientOutput("x".repeat(5000), "测试成功!\n"), javaClient(port, "--message", "x".repeat(5000)));
            assertEquals(0, server.exitCode(EXIT), server::toString);
            assertEquals("测试成功了啊\n收到的信息:hello\n测试成功了啊\n收到的信息:你好,世界\n测试成功了啊\n收到的信息:"
                    + "x".repeat(5000) + "\n", server.stdout());
        }
    }

    @Test
    void javaClientAgainstAPythonServer() throws Exception {
        DemoProcess.require("python3", "skipping the Python peer");
        String script = """
                import socket, sys
                srv = socket.socket()
                srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                srv.bind(("127.0.0.1", 0))
                srv.listen(1)
                print("listening on 127.0.0.1:%d" % srv.getsockname()[1], file=sys.stderr, flush=True)
                conn, _ = srv.accept()
                conn.sendall("python 在此".encode())
                print(conn.recv(100).decode(), flush=True)
                conn.close()
                """;
        try (DemoProcess py = DemoProcess.start("python3", "-c", script)) {
            int port = py.awaitListening(START);
            assertEquals(javaClientOutput("hello", "python 在此"), javaClient(port));
            assertEquals("hello\n", py.stdoutOnSuccess(EXIT));
        }
    }

    @Test
    void javaClientAgainstANetcatServer() throws Exception {
        DemoProcess.requireNetcatWithShutdown(EXIT);
        int port = DemoProcess.freePort();
        // nc sends its stdin, then shuts its side down (-N), and prints what it receives until EOF
        try (DemoProcess nc = DemoProcess.withInput("from nc\n".getBytes(StandardCharsets.UTF_8),
                "nc", "-N", "-l", "127.0.0.1", Integer.toString(port))) {
            DemoProcess.awaitTcpListener(port, START);
            assertEquals(javaClientOutput("hello", "from nc\n"), javaClient(port));
            assertEquals("hello", nc.stdoutOnSuccess(EXIT));
        }
    }

    @Test
    void refusedConnectionNamesTheErrnoAndFails() throws Exception {
        int port = DemoProcess.freePort();
        try (DemoProcess c = DemoProcess.client("--port", Integer.toString(port))) {
            assertEquals(1, c.exitCode(EXIT), c::toString);
            assertEquals("OK.\n试图连接 '127.0.0.1' 端口 '" + port + "'...\n", c.stdout());
            assertTrue(c.stderr().startsWith("client-demo: connect: ECONNREFUSED: "), c::toString);
        }
    }

    @Test
    void badUsageExitsTwo() throws Exception {
        try (DemoProcess c = DemoProcess.client("--port", "70000")) {
            assertEquals(2, c.exitCode(EXIT), c::toString);
            assertTrue(c.stderr().contains("--port must be in [0, 65535]"), c::toString);
        }
    }
}
