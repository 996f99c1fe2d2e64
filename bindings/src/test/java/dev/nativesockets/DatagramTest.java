package dev.nativesockets;

import static dev.nativesockets.Net.ANY4;
import static dev.nativesockets.Net.ANY6;
import static dev.nativesockets.Net.LINUX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** recvFrom/sendTo over UDP (IPv4, IPv6), Unix datagrams (paths, abstract, unnamed), SEQPACKET, MSG_TRUNC. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatagramTest {
    @TempDir
    Path dir;

    private SocketAddress unixAddress(String kind, String name) {
        return kind.equals("abstract")
                ? SockAddr.abstractUnix("ns-dgram-" + ProcessHandle.current().pid() + "-" + name + "-" + System.nanoTime())
                : UnixDomainSocketAddress.of(dir.resolve(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"INET", "INET6"})
    void udpSendToAndRecvFromReportTheSender(Domain d) throws IOException {
        try (Socket a = Socket.open(d, Type.DGRAM); Socket b = Socket.open(d, Type.DGRAM); Arena arena = Arena.ofConfined()) {
            a.bind(Net.loopback(d));
            b.bind(Net.loopback(d));
            MemorySegment out = Net.segment(arena, "datagram");
            assertEquals(8, a.sendTo(out, 0, b.localAddress()));
            MemorySegment in = arena.allocate(64);
            Received r = b.recvFrom(in, 0);
            assertEquals(8, r.length());
            assertEquals("datagram", Net.str(in, 8));
            assertEquals(a.localAddress(), r.source());
            InetSocketAddress src = (InetSocketAddress) r.source();
            assertEquals(Net.loopback(d).getAddress(), src.getAddress());
        }
    }

    @Test
    void udpByteArrayOverloadsHonourOffsets() throws IOException {
        try (Socket a = Socket.open(Domain.INET, Type.DGRAM); Socket b = Socket.open(Domain.INET, Type.DGRAM)) {
            a.bind(ANY4);
            b.bind(ANY4);
            assertEquals(3, a.sendTo(Net.utf8("xxabcxx"), 2, 3, 0, b.localAddress()));
            byte[] in = Net.utf8("..........");
            Received r = b.recvFrom(in, 4, 5, 0);
            assertEquals(3, r.length());
            Net.assertBytes("....abc...", in);
            assertEquals(a.localAddress(), r.source());
        }
    }

    @Test
    void eachRecvTakesExactlyOneDatagram() throws IOException {
        try (Socket a = Socket.open(Domain.INET, Type.DGRAM); Socket b = Socket.open(Domain.INET, Type.DGRAM)) {
            a.bind(ANY4);
            b.bind(ANY4);
            for (String s : new String[] {"1", "22", "333"}) {
                a.sendTo(Net.utf8(s), 0, s.length(), 0, b.localAddress());
            }
            byte[] in = new byte[64];
            assertEquals(1, b.recv(in));
            assertEquals(2, b.recv(in));
            assertEquals(3, b.recv(in));
        }
    }

    @Test
    void truncReportsTheRealLengthOfALongerDatagram() throws IOException {
        try (Socket a = Socket.open(Domain.INET, Type.DGRAM); Socket b = Socket.open(Domain.INET, Type.DGRAM);
             Arena arena = Arena.ofConfined()) {
            a.bind(ANY4);
            b.bind(ANY4);
            byte[] big = new byte[100];
            Arrays.fill(big, (byte) 'z');
            a.sendTo(big, 0, 100, 0, b.localAddress());
            a.sendTo(big, 0, 100, 0, b.localAddress());
            MemorySegment small = arena.allocate(10);
            assertEquals(100, b.recv(small, MsgFlags.TRUNC), "MSG_TRUNC: the datagram's real length");
            assertEquals("zzzzzzzzzz", Net.str(small, 10));
            Received r = b.recvFrom(small, 0);
            assertEquals(10, r.length(), "without MSG_TRUNC: what fit; the rest is dropped");
            assertEquals(Socket.WOULD_BLOCK, b.recv(small, MsgFlags.DONTWAIT), "nothing left");
            // byte[] and heap buffers never see more than fits
            a.sendTo(big, 0, 100, 0, b.localAddress());
            byte[] arr = new byte[4];
            assertEquals(100, b.recv(arr, 0, 4, MsgFlags.TRUNC));
            Net.assertBytes("zzzz", arr);
        }
    }

    @Test
    void emptyDatagramsAreDatagrams() throws IOException {
        try (Socket a = Socket.open(Domain.INET6, Type.DGRAM); Socket b = Socket.open(Domain.INET6, Type.DGRAM)) {
            a.bind(ANY6);
            b.bind(ANY6);
            assertEquals(0, a.sendTo(new byte[0], 0, 0, 0, b.localAddress()));
            Received r = b.recvFrom(new byte[8], 0, 8, 0);
            assertEquals(0, r.length());
            assertEquals(a.localAddress(), r.source());
        }
    }

    @Test
    void nonBlockingRecvFromReturnsWouldBlockWithoutSource() throws IOException {
        try (Socket b = Socket.open(Domain.INET, Type.DGRAM); Arena arena = Arena.ofConfined()) {
            b.bind(ANY4);
            b.setBlocking(false);
            Received r = b.recvFrom(arena.allocate(8), 0);
            assertEquals(Socket.WOULD_BLOCK, r.length());
            assertNull(r.source());
            assertEquals(Constants.EAGAIN, b.lastError());
            b.setBlocking(true);
            Received r2 = b.recvFrom(arena.allocate(8), MsgFlags.DONTWAIT);
            assertEquals(Socket.WOULD_BLOCK, r2.length());
        }
    }

    @Test
    void ipv4DatagramReachesDualStackSocketUnlessV6Only() throws IOException {
        try (Socket dual = Net.boundToIn6Any(Type.DGRAM, false); Socket v4 = Socket.open(Domain.INET, Type.DGRAM)) {
            v4.bind(ANY4);
            int port = Net.port(dual);
            v4.sendTo(Net.utf8("v4"), 0, 2, 0, new InetSocketAddress(Net.LO4, port));
            Received r = dual.recvFrom(new byte[8], 0, 8, 0);
            assertEquals(2, r.length());
            InetSocketAddress src = (InetSocketAddress) r.source();
            assertInstanceOf(Inet4Address.class, src.getAddress(), "v4-mapped source decoded as IPv4");
            assertEquals(v4.localAddress(), src);
            // the dual-stack socket answers to an IPv4 address
            dual.sendTo(Net.utf8("back"), 0, 4, 0, src);
            assertEquals(4, v4.recv(new byte[8]));
        }
        try (Socket only = Net.boundToIn6Any(Type.DGRAM, true); Socket v4 = Socket.open(Domain.INET, Type.DGRAM)) {
            // with V6ONLY the IPv4 port is free: an IPv4 socket may take the same number
            v4.bind(new InetSocketAddress(Net.addr("0.0.0.0"), Net.port(only)));
            assertEquals(Net.port(only), Net.port(v4));
        }
    }

    @Test
    void sendToAnAddressOfTheWrongFamilyIsRejected() throws IOException {
        try (Socket v4 = Socket.open(Domain.INET, Type.DGRAM)) {
            assertThrows(IllegalArgumentException.class, () -> v4.sendTo(new byte[1], 0, 1, 0, ANY6));
            assertThrows(IllegalArgumentException.class, () -> v4.sendTo(new byte[1], 0, 1, 0, null));
        }
    }

    @Test
    void oversizedUdpDatagramIsEMSGSIZE() throws IOException {
        try (Socket a = Socket.open(Domain.INET, Type.DGRAM); Arena arena = Arena.ofConfined()) {
            IOException e = assertThrows(IOException.class, () -> a.sendTo(arena.allocate(70_000), 0, new InetSocketAddress(Net.LO4, 9)));
            assertEquals("sendto", ((ErrnoException) e).operation());
            assertEquals("EMSGSIZE", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void connectedUdpLearnsOfAClosedPortAsECONNREFUSED() throws Exception {
        try (Socket a = Net.udpConnectedToAClosedPort()) {
            a.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
            a.send(Net.utf8("anyone?"));
            ConnectException e = assertThrows(ConnectException.class, () -> a.recv(new byte[8]));
            assertEquals("recv", ((ErrnoException) e).operation());
            assertEquals("ECONNREFUSED", ((ErrnoException) e).errnoName());
        }
    }

    // ---- Unix datagrams --------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"path", "abstract"})
    void unixDatagramsCarryTheSendersName(String kind) throws IOException {
        assumeTrue(LINUX || kind.equals("path"), "abstract names are Linux-only");
        SocketAddress an = unixAddress(kind, "a");
        SocketAddress bn = unixAddress(kind, "b");
        try (Socket a = Socket.open(Domain.UNIX, Type.DGRAM); Socket b = Socket.open(Domain.UNIX, Type.DGRAM);
             Arena arena = Arena.ofConfined()) {
            a.bind(an);
            b.bind(bn);
            assertEquals(an, a.localAddress());
            assertEquals(5, a.sendTo(Net.segment(arena, "local"), 0, bn));
            MemorySegment in = arena.allocate(16);
            Received r = b.recvFrom(in, 0);
            assertEquals(5, r.length());
            assertEquals("local", Net.str(in, 5));
            assertEquals(an, r.source());
        }
    }

    @Test
    void unixDatagramFromAnUnnamedSenderHasAnEmptySource() throws IOException {
        UnixDomainSocketAddress bn = UnixDomainSocketAddress.of(dir.resolve("b"));
        try (Socket a = Socket.open(Domain.UNIX, Type.DGRAM); Socket b = Socket.open(Domain.UNIX, Type.DGRAM)) {
            b.bind(bn);
            a.sendTo(Net.utf8("anon"), 0, 4, 0, bn);
            Received r = b.recvFrom(new byte[8], 0, 8, 0);
            assertEquals(4, r.length());
            assertEquals(UnixDomainSocketAddress.of(""), r.source());
        }
    }

    @Test
    void unixDatagramTruncAndPeek() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM); Arena arena = Arena.ofConfined()) {
            p.first().send(Net.utf8("0123456789"));
            MemorySegment in = arena.allocate(4);
            assertEquals(10, p.second().recv(in, MsgFlags.PEEK | MsgFlags.TRUNC));
            assertEquals(4, p.second().recv(in, MsgFlags.PEEK));
            assertEquals(4, p.second().recv(in, 0));
            assertEquals("0123", Net.str(in, 4));
            assertEquals(Socket.WOULD_BLOCK, p.second().recv(in, MsgFlags.DONTWAIT));
        }
    }

    // ---- SEQPACKET ---------------------------------------------------------------------------------

    @Test
    void seqpacketKeepsRecordBoundariesOverAListener() throws IOException {
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve("seq"));
        try (Socket l = Socket.open(Domain.UNIX, Type.SEQPACKET); Socket c = Socket.open(Domain.UNIX, Type.SEQPACKET);
             Arena arena = Arena.ofConfined()) {
            l.bind(path);
            l.listen(2);
            c.connect(path);
            try (Socket s = l.accept()) {
                assertEquals(Type.SEQPACKET, s.type());
                c.send(Net.utf8("first"));
                c.send(Net.utf8("second record"));
                c.send(Net.utf8("3"));
                MemorySegment in = arena.allocate(64);
                assertEquals(5, s.recv(in, 0));
                assertEquals("first", Net.str(in, 5));
                MemorySegment small = arena.allocate(6);
                assertEquals(13, s.recv(small, MsgFlags.TRUNC), "real record length");
                assertEquals("second", Net.str(small, 6));
                assertEquals(1, s.recv(in, 0), "the rest of the long record was dropped");
                c.close();
                assertEquals(0, s.recv(in, 0), "end of the connection");
            }
        }
    }

    @Test
    void streamSocketsMergeWhatDatagramSocketsKeepApart() throws Exception {
        try (SocketPair stream = Socket.pair(Domain.UNIX, Type.STREAM)) {
            stream.first().send(Net.utf8("ab"));
            stream.first().send(Net.utf8("cd"));
            byte[] in = new byte[8];
            assertEquals(4, stream.second().recv(in, 0, 8, 0));
            Net.assertBytes("abcd", Arrays.copyOf(in, 4));
        }
    }
}
