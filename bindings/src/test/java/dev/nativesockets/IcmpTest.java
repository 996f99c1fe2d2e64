package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * ICMP echo to 127.0.0.1 and ::1 over raw sockets (CAP_NET_RAW) and ping sockets. The ping
 * socket tests set {@code net.ipv4.ping_group_range} themselves (root; restored after): with every
 * group admitted the echo must come back with its identifier, sequence and payload; with none
 * admitted {@code socket} must fail with {@code EACCES}.
 */
class IcmpTest {
    private static final byte[] PAYLOAD = "nativesockets-icmp-test".getBytes();

    @Test
    void checksumIsTheInternetChecksum() {
        // RFC 1071's example bytes: 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2, checksum 0x220d
        MemorySegment s = MemorySegment.ofArray(new byte[] {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7});
        assertEquals(0x220d, Icmp.checksum(s, 8));
        // an echo request checks out to zero once its checksum is in
        MemorySegment req = Arena.ofAuto().allocate(64);
        int len = Icmp.echoRequest(req, false, 0x1234, 7, PAYLOAD);
        assertEquals(0, Icmp.checksum(req, len));
    }

    @Test
    void parseReadsNothingBeyondTheLength() {
        MemorySegment buf = Arena.ofAuto().allocate(64);
        int len = Icmp.echoRequest(buf, true, 1, 2, new byte[0]);
        assertNull(Icmp.parse(buf, len - 1, false));
        assertNull(Icmp.parse(buf, 19, true));
        Icmp.Packet p = Icmp.parse(buf, len, false);
        assertEquals(Constants.ICMP6_ECHO_REQUEST, p.type());
        assertEquals(1, p.identifier());
        assertEquals(2, p.sequence());
        assertEquals(0, p.dataLength());
        assertThrows(IllegalArgumentException.class, () -> Icmp.parse(buf, 65, false));
        assertThrows(IllegalArgumentException.class, () -> Icmp.echoRequest(buf, false, 0x10000, 0, PAYLOAD));
        assertThrows(IllegalArgumentException.class, () -> Icmp.echoRequest(buf, false, 0, 0, new byte[60]));
    }

    @Test
    void rawEchoToLoopbackV4() throws IOException {
        Privilege.requireNetRaw("raw ICMP");
        try (Socket s = Icmp.openRaw(false)) {
            echo(s, Net.LO4, false, true);
        }
    }

    @Test
    void rawEchoToLoopbackV6() throws IOException {
        Privilege.requireNetRaw("raw ICMPv6");
        try (Socket s = Icmp.openRaw(true)) {
            echo(s, Net.LO6, true, false);
        }
    }

    @Test
    void pingSocketV4() throws IOException {
        withPingGroupRange(ADMIT_ALL, () -> {
            try (Socket s = Icmp.openPing(false)) {
                echo(s, Net.LO4, false, false);
            }
        });
    }

    @Test
    void pingSocketV6() throws IOException {
        withPingGroupRange(ADMIT_ALL, () -> {
            try (Socket s = Icmp.openPing(true)) {
                echo(s, Net.LO6, true, false);
            }
        });
    }

    @Test
    void pingSocketOutsideTheGroupRangeIsRefusedWithEacces() throws IOException {
        for (boolean ipv6 : new boolean[] {false, true}) {
            withPingGroupRange(ADMIT_NONE, () -> {
                IOException e = assertThrows(IOException.class, () -> Icmp.openPing(ipv6));
                ErrnoException ee = assertInstanceOf(ErrnoException.class, e);
                assertEquals("socket", ee.operation());
                assertEquals(Constants.EACCES, ee.errno(), e.getMessage());
                assertEquals("EACCES", ee.errnoName(), e.getMessage());
                assertTrue(e.getMessage().contains("EACCES"), e.getMessage());
            });
        }
    }

    private static final Path PING_GROUP_RANGE = Path.of("/proc/sys/net/ipv4/ping_group_range");
    /** Every group: the kernel's largest gid is 2^31 - 1. */
    private static final String ADMIT_ALL = "0 2147483647";
    /** No group: an empty range, the kernel's default. */
    private static final String ADMIT_NONE = "1 0";

    private interface Body {
        void run() throws IOException;
    }

    /**
     * Runs {@code body} with {@code net.ipv4.ping_group_range} set to {@code range}, restoring the
     * old value afterwards; skips (with the reason) where this process may not write the sysctl.
     */
    private static void withPingGroupRange(String range, Body body) throws IOException {
        Privilege.requireLinux("ping sockets");
        long[] old = Privilege.pingGroupRange();
        Privilege.require(old != null, "cannot read " + PING_GROUP_RANGE);
        Privilege.require(LibC.getuid() == 0, "setting " + PING_GROUP_RANGE + " needs root (uid " + LibC.getuid() + ")");
        try {
            Files.writeString(PING_GROUP_RANGE, range);
        } catch (IOException e) {
            Privilege.require(false, "cannot write " + PING_GROUP_RANGE + " (read-only /proc/sys?): " + e);
        }
        try {
            long[] now = Privilege.pingGroupRange();
            assertEquals(range, now[0] + " " + now[1], "the sysctl took the value");
            body.run();
        } finally {
            Files.writeString(PING_GROUP_RANGE, old[0] + " " + old[1]);
        }
    }

    /** Sends one echo request with a known sequence and payload and waits for its reply. */
    private static void echo(Socket s, InetAddress target, boolean ipv6, boolean ipHeader) throws IOException {
        s.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
        MemorySegment out = Arena.ofAuto().allocate(256);
        MemorySegment in = Arena.ofAuto().allocate(2048);
        int id = ProcessHandle.current().pid() > 0 ? (int) (ProcessHandle.current().pid() & 0xffff) : 1;
        int seq = 4242;
        int len = Icmp.echoRequest(out, ipv6, id, seq, PAYLOAD);
        assertEquals(len, s.sendTo(out.asSlice(0, len), 0, new InetSocketAddress(target, 0)));
        boolean dgram = s.type() == Type.DGRAM;
        if (dgram) {
            // a ping socket's identifier is its "port", set by the kernel: the reply must carry it
            id = ((InetSocketAddress) s.localAddress()).getPort();
        }
        for (int i = 0; i < 100; i++) { // a raw socket also sees the request itself and other ICMP traffic
            Received r = s.recvFrom(in, 0);
            assertTrue(r.length() > 0);
            Icmp.Packet p = Icmp.parse(in, r.length(), ipHeader);
            assertNotNull(p);
            if (dgram) {
                // the kernel hands a ping socket only the replies to its own requests
                assertTrue(p.isEchoReply(ipv6), "a ping socket received type " + p.type());
                assertEquals(id, p.identifier(), "the echoed identifier");
                assertEquals(seq, p.sequence(), "the echoed sequence");
            }
            if (!p.isEchoReply(ipv6) || p.sequence() != seq || p.identifier() != id) {
                continue;
            }
            InetSocketAddress from = (InetSocketAddress) r.source();
            assertEquals(target, from.getAddress());
            assertEquals(PAYLOAD.length, p.dataLength());
            int at = r.length() - PAYLOAD.length;
            assertArrayEquals(PAYLOAD, in.asSlice(at, PAYLOAD.length).toArray(ValueLayout.JAVA_BYTE));
            if (ipHeader) {
                assertTrue(p.ttl() > 0, "TTL from the IPv4 header");
            }
            return;
        }
        throw new AssertionError("no echo reply among 100 ICMP messages");
    }

    @Test
    void requestBytesAreWhatTheWireCarries() {
        MemorySegment buf = Arena.ofAuto().allocate(64);
        int len = Icmp.echoRequest(buf, false, 0xabcd, 0x0102, new byte[] {9});
        byte[] b = buf.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE);
        assertEquals(Constants.ICMP_ECHO, b[0]);
        assertEquals(0, b[1]);
        assertArrayEquals(new byte[] {(byte) 0xab, (byte) 0xcd, 1, 2, 9}, Arrays.copyOfRange(b, 4, 9));
    }
}
