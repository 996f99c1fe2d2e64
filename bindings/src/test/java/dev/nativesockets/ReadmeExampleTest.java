package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The short TCP server of the README, run once against a client (the README's loop serves forever). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadmeExampleTest {

    // ---- as in the README, with port 0 and one connection instead of 1935 and a loop ----
    static String serveOne(Socket server) throws IOException {
        try (Socket conn = server.accept()) {                              // socket_accept
            conn.write("hello\n".getBytes(StandardCharsets.UTF_8));        // socket_write
            byte[] line = conn.read(8192, ReadMode.NORMAL);                // socket_read(.., PHP_NORMAL_READ)
            return new String(line, StandardCharsets.UTF_8);
        }
    }

    @Test
    void readmeServerAnswersAClient() throws Exception {
        try (Socket server = Socket.listen(new InetSocketAddress("127.0.0.1", 0), 16)) {   // socket_create_listen
            Net.Blocked client = Net.Blocked.start("client", () -> {
                try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {                  // socket_create
                    c.connect(server.localAddress());                                     // socket_connect
                    String greeting = new String(c.read(100, ReadMode.NORMAL), StandardCharsets.UTF_8);
                    c.write("hi there\n".getBytes(StandardCharsets.UTF_8));
                    return greeting;
                }
            });
            assertEquals("hi there\n", serveOne(server));
            client.join(10_000);
            assertEquals("hello\n", client.result);
        }
    }
}
