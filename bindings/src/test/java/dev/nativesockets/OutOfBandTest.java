package dev.nativesockets;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code sockatmark(3)} (PHP's socket_atmark) with TCP urgent data, out of line and inline. */
class OutOfBandTest {

    /** A connected TCP pair over loopback: [client, accepted]. */
    private static Socket[] connected() throws IOException {
        try (Socket server = Socket.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1)) {
            Socket client = Socket.open(Domain.INET, Type.STREAM);
            client.connect(server.localAddress());
            Socket conn = server.accept();
            conn.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
            return new Socket[] {client, conn};
        }
    }

    /** Sends "abc", urgent "!", "def", and waits until the urgent byte is reported. */
    private static void sendWithUrgentByte(Socket client, Socket conn) throws Exception {
        client.setOption(NativeOptions.TCP_NODELAY, true);
        client.send("abc".getBytes(US_ASCII));
        client.send(new byte[] {'!'}, 0, 1, MsgFlags.OOB);
        client.send("def".getBytes(US_ASCII));
        Poller p = new Poller();
        p.add(conn, Poller.PRI);
        assertTrue(p.poll(Duration.ofSeconds(5)) > 0, "urgent data never reported");
        Thread.sleep(50); // the trailing "def" too
    }

    @Test
    void theMarkSitsAfterTheBytesSentBeforeTheUrgentOne() throws Exception {
        Socket[] s = connected();
        try (Socket client = s[0]; Socket conn = s[1]) {
            sendWithUrgentByte(client, conn);
            assertFalse(conn.atMark(), "three ordinary bytes come first");
            assertEquals("abc", new String(conn.read(100), US_ASCII)); // a read stops at the mark
            assertTrue(conn.atMark());
            byte[] oob = new byte[1];
            assertEquals(1, conn.recv(oob, 0, 1, MsgFlags.OOB));
            assertEquals('!', oob[0]);
            assertEquals("def", new String(conn.read(100), US_ASCII));
            assertFalse(conn.atMark());
        }
    }

    @Test
    void inlineUrgentDataIsReadInTheStreamAtTheMark() throws Exception {
        Socket[] s = connected();
        try (Socket client = s[0]; Socket conn = s[1]) {
            conn.setOption(NativeOptions.SO_OOBINLINE, true);
            sendWithUrgentByte(client, conn);
            assertEquals("abc", new String(conn.read(100), US_ASCII));
            assertTrue(conn.atMark());
            assertEquals("!def", new String(conn.read(100), US_ASCII));
        }
    }

    @Test
    void theUrgentByteCanBeFetchedWithRecvMsg() throws Exception {
        Socket[] s = connected();
        try (Socket client = s[0]; Socket conn = s[1]) {
            sendWithUrgentByte(client, conn);
            Message m = Message.allocate(4, 0);
            assertEquals(1, conn.recvMsg(m, MsgFlags.OOB));
            assertEquals("!", new String(m.toByteArray(), US_ASCII));
            assertTrue((m.flags() & MsgFlags.OOB) != 0, "msg_flags carries MSG_OOB");
        }
    }

    @Test
    void atMarkOnAClosedOrDatagramSocket() throws Exception {
        Socket closed = Socket.open(Domain.INET, Type.STREAM);
        closed.close();
        assertThrows(IllegalStateException.class, closed::atMark);
        try (Socket udp = Socket.open(Domain.INET, Type.DGRAM)) {
            IOException e = assertThrows(IOException.class, udp::atMark);
            assertEquals("sockatmark", assertInstanceOf(ErrnoException.class, e).operation());
        }
    }
}
