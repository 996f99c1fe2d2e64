package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.linux.NetlinkAddress;
import dev.nativesockets.linux.PacketAddress;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.SockaddrIn;
import dev.nativesockets.libc.SockaddrIn6;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Any bytes as a {@code struct sockaddr}: {@link SockAddr#fromBytes} accepts 2 to 128 bytes and
 * rejects the rest with {@link IllegalArgumentException}; {@link SockAddr#toSocketAddress} never
 * throws, and what it returns says the same thing as the bytes: an {@link InetSocketAddress} has
 * their port, address and scope, a {@link UnixDomainSocketAddress} encodes back to the same path
 * bytes, a {@link NetlinkAddress}, {@link PacketAddress} or {@link VsockAddress} encodes back to
 * bytes that decode to itself, anything else is the {@link SockAddr} itself.
 *
 * <p>In the normal test run this replays the inputs under {@code src/test/resources}; the
 * {@code fuzz-sockaddr} execution of {@code verify} fuzzes it (docs/RELIABILITY.md).
 */
class SockAddrFuzzTest {
    static {
        FuzzCorpus.ensure(SockAddrFuzzTest.class, "sockaddrBytesToAddress");
    }

    private static final int SUN_PATH = Addresses.SUN_PATH;

    @FuzzTest(maxDuration = "30s")
    void sockaddrBytesToAddress(byte[] raw) {
        if (raw.length < Addresses.FAMILY_END || raw.length > Scratch.ADDR_SIZE) {
            assertThrows(IllegalArgumentException.class, () -> SockAddr.fromBytes(raw));
            return;
        }
        SockAddr a = SockAddr.fromBytes(raw);
        assertArrayEquals(raw, a.bytes());
        assertEquals(a, SockAddr.fromBytes(raw.clone()));
        assertEquals(a.hashCode(), SockAddr.fromBytes(raw.clone()).hashCode());
        a.toString();
        byte[] name = a.abstractName();
        assertEquals(a.isAbstractUnix(), name != null);

        SocketAddress s = a.toSocketAddress();
        int family = a.family();
        switch (s) {
            case InetSocketAddress i -> checkInet(raw, family, i);
            case UnixDomainSocketAddress u -> checkUnix(raw, family, u);
            case SockAddr same -> assertEquals(a, same);
            case NetlinkAddress n -> checkLink(raw, family, Constants.AF_NETLINK, n);
            case PacketAddress p -> checkLink(raw, family, Constants.AF_PACKET, p);
            case VsockAddress v -> checkLink(raw, family, Constants.AF_VSOCK, v);
            default -> throw new AssertionError("unexpected type " + s.getClass());
        }
    }

    private static void checkInet(byte[] raw, int family, InetSocketAddress i) {
        MemorySegment seg = MemorySegment.ofArray(raw);
        if (family == Constants.AF_INET) {
            assertTrue(raw.length >= SockaddrIn.SIZE);
            assertEquals(port(SockaddrIn.SIN_PORT.get(seg)), i.getPort());
            assertArrayEquals(SockaddrIn.SIN_ADDR.slice(seg, 4).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    i.getAddress().getAddress());
            return;
        }
        assertEquals(Constants.AF_INET6, family);
        assertTrue(raw.length >= SockaddrIn6.SIZE);
        assertEquals(port(SockaddrIn6.SIN6_PORT.get(seg)), i.getPort());
        byte[] ip = SockaddrIn6.SIN6_ADDR.slice(seg, 16).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        if (i.getAddress() instanceof Inet4Address v4) {
            // ::ffff:a.b.c.d comes back as the IPv4 address, as the JDK does it
            assertArrayEquals(Arrays.copyOfRange(ip, 12, 16), v4.getAddress());
            return;
        }
        Inet6Address v6 = assertInstanceOf(Inet6Address.class, i.getAddress());
        assertArrayEquals(ip, v6.getAddress());
        assertEquals(SockaddrIn6.SIN6_SCOPE_ID.getInt(seg), v6.getScopeId(), "scope id");
        // and it encodes back to the same family, port, address and scope
        SockAddr again = SockAddr.of(i);
        MemorySegment b = MemorySegment.ofArray(again.bytes());
        assertEquals(Constants.AF_INET6, again.family());
        assertEquals(SockaddrIn6.SIN6_PORT.get(seg), SockaddrIn6.SIN6_PORT.get(b));
        assertEquals(SockaddrIn6.SIN6_SCOPE_ID.getInt(seg), SockaddrIn6.SIN6_SCOPE_ID.getInt(b));
    }

    /**
     * A typed link-family address (netlink, packet, vsock) came from bytes of its family, and
     * encodes back to bytes that decode to the same address (the fields the type keeps).
     */
    private static void checkLink(byte[] raw, int family, int expected, SocketAddress typed) {
        assertEquals(expected, family);
        SockAddr again = SockAddr.of(typed);
        assertEquals(expected, again.family());
        assertEquals(typed, again.toSocketAddress());
    }

    private static int port(long networkOrder) {
        return Short.toUnsignedInt(Short.reverseBytes((short) networkOrder));
    }

    private static void checkUnix(byte[] raw, int family, UnixDomainSocketAddress u) {
        assertEquals(Constants.AF_UNIX, family);
        int end = SUN_PATH;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        byte[] path = raw.length <= SUN_PATH ? new byte[0] : Arrays.copyOfRange(raw, SUN_PATH, end);
        byte[] decoded = u.getPath().toString().getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(path, decoded, "the path names the same bytes");
        if (path.length < Addresses.SUN_PATH_SIZE) {
            byte[] again = SockAddr.of(u).bytes();
            assertArrayEquals(path, Arrays.copyOfRange(again, SUN_PATH, SUN_PATH + path.length));
        }
    }
}
