package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TcpBasicsTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void echoOverLoopback() throws Exception {
        try (Socket server = Socket.listen(ANY_LOOPBACK, 16);
             Socket client = Socket.open(Domain.INET, Type.STREAM)) {
            InetSocketAddress bound = (InetSocketAddress) server.localAddress();
            assertTrue(bound.getPort() > 0);
            assertTrue(client.connect(bound));
            try (Socket conn = server.accept(); Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocateFrom("hello", StandardCharsets.UTF_8);
                assertEquals(6, client.send(out));
                MemorySegment in = arena.allocate(64);
                assertEquals(6, conn.recv(in));
                assertEquals("hello", in.getString(0));
                assertEquals(client.localAddress(), conn.peerAddress());
                conn.write("back".getBytes(StandardCharsets.UTF_8));
                assertArrayEquals("back".getBytes(StandardCharsets.UTF_8), client.read(100));
                conn.shutdown(How.WRITE);
                assertEquals(0, client.read(100).length);
            }
        }
    }

    @Test
    void refusedConnectCarriesErrno() throws Exception {
        int port;
        try (Socket probe = Socket.listen(ANY_LOOPBACK, 1)) {
            port = ((InetSocketAddress) probe.localAddress()).getPort();
        }
        try (Socket client = Socket.open(Domain.INET, Type.STREAM)) {
            ConnectException e = assertThrows(ConnectException.class,
                    () -> client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            ErrnoException ee = assertInstanceOf(ErrnoException.class, e);
            assertEquals("ECONNREFUSED", ee.errnoName());
            assertEquals("connect", ee.operation());
            assertEquals(Errno.number("ECONNREFUSED"), ee.errno());
            assertEquals(ee.errno(), client.lastError());
        }
    }
}
