package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.linux.Packet;
import dev.nativesockets.linux.PacketAddress;
import dev.nativesockets.linux.PacketMembership;
import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Packet sockets on {@code lo} (CAP_NET_RAW): a socket bound to lo sees a UDP datagram the test
 * sent, with its {@code sockaddr_ll}; a frame sent through one packet socket arrives at another;
 * promiscuous membership is accepted and dropped; bad arguments fail before the kernel.
 */
class PacketSocketTest {
    /** IEEE 802 "local experimental" EtherType: no protocol of the host takes these frames. */
    private static final int EXPERIMENTAL = 0x88b5;

    @Test
    void boundToLoSeesTheDatagramTheTestSent() throws IOException {
        Privilege.requireNetRaw("packet sockets");
        int lo = Interfaces.index("lo");
        byte[] marker = ("packet-test-" + System.nanoTime()).getBytes();
        try (Socket sniff = Packet.openOn("lo", Type.RAW, Packet.IPV4);
             Socket udp = Socket.open(Domain.INET, Type.DGRAM);
             Arena arena = Arena.ofConfined()) {
            sniff.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofMillis(200));
            udp.bind(Net.ANY4);
            MemorySegment frame = arena.allocate(65_536);
            // lo carries whatever else runs on this machine, and a flood there can fill the packet
            // socket's queue and drop our frame: send the marker again every 200 ms, for up to 20 s
            long deadline = System.nanoTime() + 20_000_000_000L;
            long nextSend = 0;
            while (System.nanoTime() - deadline < 0) {
                if (System.nanoTime() - nextSend >= 0) {
                    udp.sendTo(marker, 0, marker.length, 0, udp.localAddress());
                    nextSend = System.nanoTime() + 200_000_000L;
                }
                Received r;
                try {
                    r = sniff.recvFrom(frame, 0);
                } catch (java.net.SocketTimeoutException quiet) {
                    continue;
                }
                if (!contains(frame, r.length(), marker)) {
                    continue;
                }
                PacketAddress from = assertInstanceOf(PacketAddress.class, r.source());
                assertEquals(lo, from.interfaceIndex());
                assertEquals(Packet.IPV4, from.protocol());
                assertEquals(Constants.ARPHRD_LOOPBACK, from.hardwareType());
                assertTrue(from.packetType() == PacketAddress.HOST || from.packetType() == PacketAddress.OUTGOING, from::toString);
                // SOCK_RAW: the Ethernet header is there, EtherType 0x0800, then IPv4 (version 4) carrying UDP (17)
                assertEquals(0x08, frame.get(ValueLayout.JAVA_BYTE, 12));
                assertEquals(0x00, frame.get(ValueLayout.JAVA_BYTE, 13));
                assertEquals(4, (frame.get(ValueLayout.JAVA_BYTE, Packet.ETHERNET_HEADER) & 0xff) >>> 4);
                assertEquals(17, frame.get(ValueLayout.JAVA_BYTE, Packet.ETHERNET_HEADER + 9));
                return;
            }
            throw new AssertionError("the datagram never showed on lo");
        }
    }

    @Test
    void aFrameSentThroughOneSocketArrivesAtAnother() throws IOException {
        Privilege.requireNetRaw("packet sockets");
        int lo = Interfaces.index("lo");
        try (Socket rx = Packet.openOn("lo", Type.RAW, EXPERIMENTAL);
             Socket tx = Packet.open(Type.RAW, EXPERIMENTAL);
             Arena arena = Arena.ofConfined()) {
            rx.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
            MemorySegment out = arena.allocate(64);
            // destination and source MAC (lo's are zero), EtherType, payload
            out.set(ValueLayout.JAVA_BYTE, 12, (byte) (EXPERIMENTAL >>> 8));
            out.set(ValueLayout.JAVA_BYTE, 13, (byte) EXPERIMENTAL);
            byte[] payload = "hello, link layer".getBytes();
            MemorySegment.copy(payload, 0, out, ValueLayout.JAVA_BYTE, 14, payload.length);
            int len = 14 + payload.length;
            assertEquals(len, tx.sendTo(out.asSlice(0, len), 0, PacketAddress.to(EXPERIMENTAL, lo, new byte[6])));
            MemorySegment in = arena.allocate(2048);
            for (int i = 0; i < 10; i++) {
                Received r = rx.recvFrom(in, 0);
                PacketAddress from = assertInstanceOf(PacketAddress.class, r.source());
                if (from.packetType() == PacketAddress.OUTGOING) {
                    continue; // the copy of our own send; the looped-back one follows
                }
                assertEquals(len, r.length());
                assertEquals(EXPERIMENTAL, from.protocol());
                assertEquals(lo, from.interfaceIndex());
                assertArrayEquals(payload, in.asSlice(14, payload.length).toArray(ValueLayout.JAVA_BYTE));
                return;
            }
            throw new AssertionError("the frame never arrived");
        }
    }

    @Test
    void promiscuousMembershipIsAcceptedAndDropped() throws IOException {
        Privilege.requireNetRaw("packet sockets");
        int lo = Interfaces.index("lo");
        try (Socket s = Packet.openOn("lo", Type.RAW, Packet.ALL)) {
            s.setOption(NativeOptions.PACKET_ADD_MEMBERSHIP, PacketMembership.promiscuous(lo));
            s.setOption(NativeOptions.PACKET_DROP_MEMBERSHIP, PacketMembership.promiscuous(lo));
            assertThrows(UnsupportedOperationException.class, () -> s.getOption(NativeOptions.PACKET_ADD_MEMBERSHIP));
            // a membership on an interface that does not exist: the kernel's ENODEV, as data
            IOException e = assertThrows(IOException.class,
                    () -> s.setOption(NativeOptions.PACKET_ADD_MEMBERSHIP, PacketMembership.promiscuous(Integer.MAX_VALUE)));
            assertEquals("ENODEV", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void badArgumentsFailFirst() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> Packet.open(Type.STREAM, Packet.ALL));
        assertThrows(IllegalArgumentException.class, () -> Packet.open(Type.RAW, 0x10000));
        assertThrows(IllegalArgumentException.class, () -> PacketMembership.promiscuous(0));
        assertThrows(IllegalArgumentException.class, () -> PacketMembership.multicast(1, new byte[9]));
        assertThrows(IOException.class, () -> Packet.openOn("nosuchif0", Type.RAW, Packet.ALL));
    }

    private static boolean contains(MemorySegment s, int len, byte[] needle) {
        byte[] hay = s.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE);
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

}
