package dev.nativesockets.demo.client;

import dev.nativesockets.demo.DemoProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server-demo.jar fd-pass} accepts TCP connections and passes them with SCM_RIGHTS to
 * {@code client-demo.jar fd-worker}, which serves them: three processes, and the TCP client sees
 * the seed server.
 */
@Timeout(120)
class FdPassTest {
    static final Duration TIME = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static String seedClient(int port, String message) throws Exception {
        try (DemoProcess c = DemoProcess.client("--port", Integer.toString(port), "--message", message)) {
            assertEquals(0, c.exitCode(TIME), c::toString);
            return c.stdout().replace("'" + port + "'", "'PORT'");
        }
    }

    @Test
    void connectionsAcceptedByOneProcessAreServedByAnother() throws Exception {
        Path path = dir.resolve("fd.sock");
        try (DemoProcess acceptor = DemoProcess.server("fd-pass", "--path", path.toString(), "--port", "0", "--count", "2")) {
            int port = acceptor.awaitListening(TIME);
            try (DemoProcess worker = DemoProcess.client("fd-worker", "--path", path.toString())) {
                worker.awaitStdout("connected to the acceptor", 1, TIME);
                assertEquals(SeedInteropTest.javaClientOutput("hello", "测试成功!\n"), seedClient(port, "hello"));
                assertEquals(SeedInteropTest.javaClientOutput("二号", "测试成功!\n"), seedClient(port, "二号"));

                assertEquals(0, acceptor.exitCode(TIME), acceptor::toString);
                assertEquals(0, worker.exitCode(TIME), worker::toString);
                String w = worker.stdout();
                assertTrue(Pattern.compile("""
                        worker pid (\\d+) connected to the acceptor at unix:.*
                        received fd \\d+ \\(SCM_RIGHTS\\): TCP connection from 127\\.0\\.0\\.1:\\d+
                        测试成功了啊
                        收到的信息:hello
                        received fd \\d+ \\(SCM_RIGHTS\\): TCP connection from 127\\.0\\.0\\.1:\\d+
                        测试成功了啊
                        收到的信息:二号
                        the acceptor closed the channel: served 2 connections
                        """).matcher(w).matches(), w);
                String a = acceptor.stdout();
                assertEquals(2, DemoProcess.count(a, "handed 127.0.0.1:"), a);
                assertTrue(a.endsWith("done: 2 connections handed over\n"), a);
                // the acceptor names its worker by SO_PEERCRED where the platform gives the pid
                Matcher pid = Pattern.compile("worker connected: pid (\\d+)").matcher(a);
                if (pid.find()) {
                    assertEquals(worker.process.pid(), Long.parseLong(pid.group(1)), a);
                }
                assertFalse(Files.exists(path), "the acceptor removes its socket file");
            }
        }
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path path = dir.resolve("stale.sock");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(path));
        } // closed, file left behind: nobody listens there
        assertTrue(Files.exists(path));
        try (DemoProcess acceptor = DemoProcess.server("fd-pass", "--path", path.toString(), "--port", "0")) {
            int port = acceptor.awaitListening(TIME);
            DemoProcess worker = DemoProcess.client("fd-worker", "--path", path.toString());
            assertEquals(SeedInteropTest.javaClientOutput("hello", "测试成功!\n"), seedClient(port, "hello"));
            assertEquals(0, acceptor.exitCode(TIME), acceptor::toString);
            assertEquals(0, worker.exitCode(TIME), worker::toString);
            worker.close();
        }
    }

    @Test
    void aWorkerWithNoAcceptorNamesTheErrno() throws Exception {
        try (DemoProcess worker = DemoProcess.client("fd-worker", "--path", dir.resolve("nobody.sock").toString())) {
            assertEquals(1, worker.exitCode(TIME), worker::toString);
            assertTrue(worker.stderr().contains("connect: ENOENT: "), worker::toString);
        }
    }
}
