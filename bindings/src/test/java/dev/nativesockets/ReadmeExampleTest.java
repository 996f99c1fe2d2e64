package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    // ---- the README's virtual-thread echo server, against 200 clients ----
    @Test
    void readmeVirtualThreadServerEchoes() throws Exception {
        try (Socket server = Socket.listen(new InetSocketAddress("127.0.0.1", 0), 4096)) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket conn = server.accept();                     // parks, never pins
                        Thread.ofVirtual().start(() -> {
                            try (conn) {
                                byte[] buf = new byte[8192];
                                for (int n; (n = conn.recv(buf)) > 0; ) {  // parks while idle
                                    conn.sendAll(buf, 0, n);
                                }
                            } catch (IOException e) { /* this client is gone */ }
                        });
                    }
                } catch (IOException e) { /* the server was closed */ }
            });
            java.util.List<Socket> clients = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    Socket c = Socket.open(Domain.INET, Type.STREAM);
                    clients.add(c);
                    c.connect(server.localAddress());
                }
                for (int i = 0; i < clients.size(); i++) {
                    clients.get(i).sendAll(("client " + i).getBytes(StandardCharsets.UTF_8));
                }
                for (int i = 0; i < clients.size(); i++) {
                    byte[] want = ("client " + i).getBytes(StandardCharsets.UTF_8);
                    assertEquals("client " + i, new String(Net.readN(clients.get(i), want.length), StandardCharsets.UTF_8));
                }
            } finally {
                clients.forEach(Socket::close);
            }
        }
    }

    // ---- the README's batch UDP echo, on port 0, against two senders ----
    static void echoOneBatch(Socket udp, MessageBatch batch) throws IOException {
        int n = udp.recvMmsg(batch, 32, MsgFlags.WAITFORONE, null); // recvmmsg(2): wait for one, take up to 32
        for (int i = 0; i < n; i++) {
            batch.sendLength(i, batch.length(i));                  // echo each datagram as it came
        }
        udp.sendMmsg(batch, n, 0);                                 // sendmmsg(2): each back to its sender
    }

    @Test
    void readmeBatchEchoAnswersEachSender() throws Exception {
        assumeTrue(Net.LINUX, "sendmmsg/recvmmsg are Linux-only");
        MessageBatch batch = MessageBatch.allocate(32, 1500, 0);
        try (Socket udp = Socket.open(Domain.INET, Type.DGRAM);
                Socket a = Socket.open(Domain.INET, Type.DGRAM);
                Socket b = Socket.open(Domain.INET, Type.DGRAM)) {
            udp.bind(new InetSocketAddress("127.0.0.1", 0));
            byte[] fromA = "from a".getBytes(StandardCharsets.UTF_8);
            byte[] fromB = "from b!".getBytes(StandardCharsets.UTF_8);
            a.sendTo(fromA, 0, fromA.length, 0, udp.localAddress()); // loopback queues both at once
            b.sendTo(fromB, 0, fromB.length, 0, udp.localAddress());
            echoOneBatch(udp, batch);
            assertEquals("from a", Net.str(a.read(100, ReadMode.BINARY)));
            assertEquals("from b!", Net.str(b.read(100, ReadMode.BINARY)));
        }
    }
}
