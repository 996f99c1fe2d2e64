package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.libc.Cmsghdr;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link ControlMessage#parse}: any bytes in, never a read outside the buffer, never an owned descriptor. */
class ControlMessageParseTest {
    private static final int HDR = Constants.CMSG_LEN_0;

    /** Writes a header the platform's way (cmsg_len is 8 bytes on Linux, 4 on Darwin). */
    private static void header(MemorySegment buf, long at, long cmsgLen, int level, int type) {
        if (Cmsghdr.CMSG_LEN.width() == 8) {
            buf.set(ValueLayout.JAVA_LONG_UNALIGNED, at + Cmsghdr.CMSG_LEN.offset(), cmsgLen);
        } else {
            buf.set(ValueLayout.JAVA_INT_UNALIGNED, at + Cmsghdr.CMSG_LEN.offset(), (int) cmsgLen);
        }
        buf.set(ValueLayout.JAVA_INT_UNALIGNED, at + Cmsghdr.CMSG_LEVEL.offset(), level);
        buf.set(ValueLayout.JAVA_INT_UNALIGNED, at + Cmsghdr.CMSG_TYPE.offset(), type);
    }

    /** Encodes with the library's sender path and parses back. */
    private static List<ControlMessage> roundTrip(List<ControlMessage> ms) {
        try (Arena arena = Arena.ofConfined()) {
            int len = ControlMessages.totalSpace(ms);
            MemorySegment buf = arena.allocate(Math.max(1, len));
            assertEquals(len, ControlMessages.encode(ms, buf));
            return ControlMessage.parse(buf, len);
        }
    }

    @Test
    void everyKindEncodesAndParsesBack() throws Exception {
        List<ControlMessage> ms = new ArrayList<>(List.of(
                ControlMessage.rights(3, 4, 5),
                new ControlMessage.PacketInfo(InetAddress.getByName("10.1.2.3"), InetAddress.getByName("10.9.9.9"), 7, false),
                new ControlMessage.PacketInfo(InetAddress.getByName("2001:db8::5"), InetAddress.getByName("2001:db8::5"), 3, true),
                ControlMessage.ttl(64),
                ControlMessage.hopLimit(17),
                ControlMessage.tos(0x88),
                ControlMessage.trafficClass(0x2c),
                new ControlMessage.Timestamp(1_700_000_000L, 123_456_000L, false),
                ControlMessage.raw(12345, 6789, new byte[] {1, 2, 3, 4, 5})));
        if (Platform.current().isLinux()) {
            ms.add(ControlMessage.credentials(new Credentials(42, 1000, 100)));
            ms.add(new ControlMessage.Timestamp(1_700_000_000L, 123_456_789L, true));
        }
        assertEquals(ms, roundTrip(ms));
    }

    @Test
    void emptyAndShortBuffersYieldNothing() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            assertTrue(ControlMessage.parse(buf, 0).isEmpty());
            header(buf, 0, HDR + 4, Constants.SOL_SOCKET, Constants.SCM_RIGHTS);
            assertTrue(ControlMessage.parse(buf, HDR - 1).isEmpty());
            assertTrue(ControlMessage.parse(MemorySegment.ofArray(new byte[0]), 0).isEmpty());
        }
    }

    @Test
    void aLengthBelowTheHeaderEndsTheWalk() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            header(buf, 0, HDR + 4, Constants.IPPROTO_IPV6, Constants.IPV6_HOPLIMIT);
            buf.set(ValueLayout.JAVA_INT_UNALIGNED, HDR, 5);
            long second = ControlMessage.space(4);
            header(buf, second, HDR - 1, 1, 2); // malformed: smaller than a header
            header(buf, second + 64, HDR + 4, Constants.IPPROTO_IPV6, Constants.IPV6_HOPLIMIT);
            List<ControlMessage> ms = ControlMessage.parse(buf, 256);
            assertEquals(List.of(new ControlMessage.HopLimit(5)), ms);
            header(buf, second, 0, 1, 2); // zero: must not loop forever
            assertEquals(1, ControlMessage.parse(buf, 256).size());
        }
    }

    @Test
    void aLengthPastTheEndYieldsWhatIsThere() {
        try (Arena arena = Arena.ofConfined()) {
            // the kernel's MSG_CTRUNC shape: cmsg_len says more than the buffer holds
            MemorySegment buf = arena.allocate(HDR + 8);
            header(buf, 0, HDR + 4 * 10, Constants.SOL_SOCKET, Constants.SCM_RIGHTS);
            buf.set(ValueLayout.JAVA_INT_UNALIGNED, HDR, 7);
            buf.set(ValueLayout.JAVA_INT_UNALIGNED, HDR + 4, 8);
            ControlMessage.Rights r = assertInstanceOf(ControlMessage.Rights.class, ControlMessage.parse(buf, HDR + 8).get(0));
            assertArrayEquals(new int[] {7, 8}, r.numbers());
            // a packet info too short for its struct is Raw
            header(buf, 0, HDR + 100, Constants.IPPROTO_IP, Constants.IP_PKTINFO);
            ControlMessage.Raw raw = assertInstanceOf(ControlMessage.Raw.class, ControlMessage.parse(buf, HDR + 8).get(0));
            assertEquals(8, raw.dataLength());
            // cmsg_len with the top bit set (or all ones) is just "too long"
            header(buf, 0, -1L, Constants.IPPROTO_IPV6, Constants.IPV6_TCLASS);
            assertEquals(List.of(new ControlMessage.TrafficClass(7)), ControlMessage.parse(buf, HDR + 8));
        }
    }

    @Test
    void parsedDescriptorsAreNumbersNotOwned() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(ControlMessage.space(4));
            header(buf, 0, ControlMessage.length(4), Constants.SOL_SOCKET, Constants.SCM_RIGHTS);
            buf.set(ValueLayout.JAVA_INT_UNALIGNED, HDR, 0); // stdin: must survive
            ControlMessage.Rights r = (ControlMessage.Rights) ControlMessage.parse(buf, buf.byteSize()).get(0);
            assertTrue(r.descriptors().isEmpty());
            r.close();
            assertTrue(LibC.fcntl(java.lang.foreign.Arena.global().allocate(dev.nativesockets.libc.CallState.LAYOUT),
                    0, Constants.F_GETFD, 0) >= 0, "descriptor 0 was closed by parse");
        }
    }

    @Test
    void oneByteTtlAndTosAsDarwinSendsThem() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            int ttlType = Constants.IP_RECVTTL;
            header(buf, 0, HDR + 1, Constants.IPPROTO_IP, ttlType);
            buf.set(ValueLayout.JAVA_BYTE, HDR, (byte) 200);
            assertEquals(List.of(new ControlMessage.Ttl(200)), ControlMessage.parse(buf, ControlMessage.space(1)));
            header(buf, 0, HDR + 1, Constants.IPPROTO_IP, Constants.IP_TOS);
            assertEquals(List.of(new ControlMessage.Tos(200)), ControlMessage.parse(buf, ControlMessage.space(1)));
        }
    }

    @Test
    void absurdTimestampsParseAndFailOnlyWhenConverted() {
        try (Arena arena = Arena.ofConfined()) {
            int size = (int) dev.nativesockets.libc.Timeval.SIZE;
            MemorySegment buf = arena.allocate(ControlMessage.space(size));
            header(buf, 0, ControlMessage.length(size), Constants.SOL_SOCKET, Constants.SCM_TIMESTAMP);
            buf.set(ValueLayout.JAVA_LONG_UNALIGNED, HDR, Long.MAX_VALUE);
            ControlMessage.Timestamp t = (ControlMessage.Timestamp) ControlMessage.parse(buf, buf.byteSize()).get(0);
            assertEquals(Long.MAX_VALUE, t.seconds());
            assertThrows(DateTimeException.class, t::instant);
        }
    }

    @Test
    void badArgumentsAreRejected() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16);
            assertThrows(IllegalArgumentException.class, () -> ControlMessage.parse(null, 0));
            assertThrows(IllegalArgumentException.class, () -> ControlMessage.parse(buf, -1));
            assertThrows(IllegalArgumentException.class, () -> ControlMessage.parse(buf, 17));
        }
        Arena gone = Arena.ofConfined();
        MemorySegment dead = gone.allocate(16);
        gone.close();
        assertThrows(IllegalStateException.class, () -> ControlMessage.parse(dead, 16));
    }

    @Test
    void randomBytesNeverBreakTheParser() {
        SplittableRandom rnd = new SplittableRandom(20240501);
        int[] levels = {Constants.SOL_SOCKET, Constants.IPPROTO_IP, Constants.IPPROTO_IPV6, 0, -1};
        int[] types = {Constants.SCM_RIGHTS, Constants.SCM_CREDENTIALS, Constants.SCM_TIMESTAMP, Constants.SCM_TIMESTAMPNS,
            Constants.IP_PKTINFO, Constants.IP_TTL, Constants.IP_TOS, Constants.IP_RECVTTL, Constants.IP_RECVTOS,
            Constants.IPV6_PKTINFO, Constants.IPV6_HOPLIMIT, Constants.IPV6_TCLASS, 0, 12345};
        long parsed = 0;
        for (int round = 0; round < 20_000; round++) {
            int size = rnd.nextInt(0, 300);
            byte[] bytes = new byte[size];
            for (int i = 0; i < size; i++) {
                bytes[i] = (byte) rnd.nextInt();
            }
            MemorySegment buf = MemorySegment.ofArray(bytes); // exactly `size` long: any overrun throws
            if (round % 2 == 0) {
                // plausible headers with random lengths, so the decoders of every kind get exercised
                for (long p = 0; p + HDR <= size; p += 8L * rnd.nextInt(1, 8)) {
                    long len = switch (rnd.nextInt(4)) {
                        case 0 -> rnd.nextInt(0, HDR + 40);
                        case 1 -> rnd.nextLong();
                        case 2 -> size - p + rnd.nextInt(-4, 5);
                        default -> HDR + 4L * rnd.nextInt(0, 6);
                    };
                    header(buf, p, len, levels[rnd.nextInt(levels.length)], types[rnd.nextInt(types.length)]);
                }
            }
            long len = rnd.nextInt(0, size + 1);
            for (ControlMessage m : ControlMessage.parse(buf, len)) {
                assertTrue(m.dataLength() <= len, m.toString());
                m.toString();
                parsed++;
            }
        }
        assertTrue(parsed > 1000, "only " + parsed + " messages parsed: the generator is too weak");
    }
}
