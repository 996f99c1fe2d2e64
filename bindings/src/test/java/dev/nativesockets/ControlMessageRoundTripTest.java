package dev.nativesockets;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every control-message kind over a real socket: credentials over Unix sockets; packet info,
 * TTL/hop limit, TOS/traffic class and timestamps over UDP on 127.0.0.1 and ::1.
 */
class ControlMessageRoundTripTest {
    private static final boolean LINUX = Platform.current().isLinux();
    private static final InetAddress V4 = InetAddress.getLoopbackAddress();
    private static final InetAddress V6 = v6Loopback();

    private static InetAddress v6Loopback() {
        try {
            return InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static Socket udp(InetAddress bindTo) throws Exception {
        Socket s = Socket.open(bindTo instanceof Inet6Address ? Domain.INET6 : Domain.INET, Type.DGRAM);
        if (bindTo instanceof Inet6Address) {
            s.setOption(NativeOptions.IPV6_V6ONLY, true);
        }
        s.bind(new InetSocketAddress(bindTo, 0));
        s.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
        return s;
    }

    private static int port(Socket s) throws Exception {
        return ((InetSocketAddress) s.localAddress()).getPort();
    }

    private static int loopbackIndex() throws SocketException {
        return NetworkInterface.getByInetAddress(V4).getIndex();
    }

    /** Sends "x" with {@code control} from {@code tx} to {@code to}, receives it on {@code rx}. */
    private static Message roundTrip(Socket tx, Socket rx, InetSocketAddress to, ControlMessage... control) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(1);
            assertEquals(1, tx.sendMsg(Message.of(one).address(to).control(control)));
        }
        Message in = Message.allocate(16, 512);
        assertEquals(1, rx.recvMsg(in));
        assertFalse(in.isControlTruncated());
        return in;
    }

    @Test
    void credentialsSentExplicitlyArrive() throws Exception {
        assumeTrue(LINUX, "SCM_CREDENTIALS is Linux-only");
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM); Arena arena = Arena.ofConfined()) {
            p.second().setOption(NativeOptions.SO_PASSCRED, true);
            p.first().sendMsg(Message.of(arena.allocate(1)).control(ControlMessage.credentials()));
            Message in = Message.allocate(8, ControlMessage.cmsgSpace(Constants.SOL_SOCKET, Constants.SCM_CREDENTIALS, 0));
            assertEquals(1, p.second().recvMsg(in));
            ControlMessage.Creds c = in.received(ControlMessage.Creds.class);
            assertNotNull(c, "no credentials in " + in.received());
            assertEquals(ProcessHandle.current().pid(), c.credentials().pid());
            assertEquals(LibC.getuid(), c.credentials().uid());
            assertEquals(LibC.getgid(), c.credentials().gid());
        }
    }

    @Test
    void theKernelAddsCredentialsWhenAsked() throws Exception {
        assumeTrue(LINUX, "SO_PASSCRED is Linux-only");
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.second().setOption(NativeOptions.SO_PASSCRED, true);
            p.first().send("hi".getBytes(US_ASCII));
            Message in = Message.allocate(8, 64);
            assertEquals(2, p.second().recvMsg(in));
            assertEquals(ProcessHandle.current().pid(), in.received(ControlMessage.Creds.class).credentials().pid());
        }
    }

    @Test
    void credentialsOfAnotherProcessAreRefusedForNonRoot() throws Exception {
        assumeTrue(LINUX, "SCM_CREDENTIALS is Linux-only");
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM); Arena arena = Arena.ofConfined()) {
            Message m = Message.of(arena.allocate(1)).control(ControlMessage.credentials(new Credentials(1, 0, 0)));
            if (LibC.getuid() == 0) {
                assertEquals(1, p.first().sendMsg(m)); // root may claim any identity
            } else {
                SocketException e = assertThrows(SocketException.class, () -> p.first().sendMsg(m));
                assertEquals("EPERM", ((ErrnoException) e).errnoName());
            }
        }
    }

    @Test
    void credentialsAreUnsupportedOnDarwin() {
        assumeTrue(!LINUX);
        assertThrows(UnsupportedOperationException.class, () -> new Message().control(ControlMessage.credentials()));
    }

    @Test
    void ipv4PacketInfoReportsTheDestinationAndInterface() throws Exception {
        try (Socket rx = Socket.open(Domain.INET, Type.DGRAM); Socket tx = udp(V4)) {
            rx.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            rx.setOption(NativeOptions.IP_PKTINFO, true);
            Message in = roundTrip(tx, rx, new InetSocketAddress(V4, port(rx)));
            ControlMessage.PacketInfo pi = in.received(ControlMessage.PacketInfo.class);
            assertNotNull(pi, "no IP_PKTINFO in " + in.received());
            assertFalse(pi.ipv6());
            assertEquals(V4, pi.address());
            assertEquals(loopbackIndex(), pi.interfaceIndex());
            assertEquals(Constants.IPPROTO_IP, pi.level());
        }
    }

    @Test
    void ipv4PacketInfoOnSendPicksTheSourceAddress() throws Exception {
        assumeTrue(LINUX, "127.0.0.2 is a local address on Linux only");
        InetAddress second = InetAddress.getByName("127.0.0.2");
        try (Socket rx = udp(V4); Socket tx = Socket.open(Domain.INET, Type.DGRAM)) {
            Message in = roundTrip(tx, rx, new InetSocketAddress(V4, port(rx)), ControlMessage.packetInfo(second, 0));
            assertEquals(second, ((InetSocketAddress) in.address()).getAddress());
            // and without it the route's source, 127.0.0.1
            in = roundTrip(tx, rx, new InetSocketAddress(V4, port(rx)));
            assertEquals(V4, ((InetSocketAddress) in.address()).getAddress());
        }
    }

    @Test
    void ipv6PacketInfoReportsTheDestinationAndInterface() throws Exception {
        try (Socket rx = Socket.open(Domain.INET6, Type.DGRAM); Socket tx = udp(V6)) {
            rx.bind(new InetSocketAddress(InetAddress.getByName("::"), 0));
            rx.setOption(NativeOptions.IPV6_RECVPKTINFO, true);
            Message in = roundTrip(tx, rx, new InetSocketAddress(V6, port(rx)));
            ControlMessage.PacketInfo pi = in.received(ControlMessage.PacketInfo.class);
            assertNotNull(pi, "no IPV6_PKTINFO in " + in.received());
            assertTrue(pi.ipv6());
            assertEquals(V6, pi.address());
            assertEquals(loopbackIndex(), pi.interfaceIndex());
        }
    }

    @Test
    void ipv6PacketInfoOnSendPicksTheSourceAddress() throws Exception {
        // a second local IPv6 address if the host has one, else ::1 itself through the loopback interface
        InetAddress source = V6;
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet6Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress() && ni.isUp()) {
                    source = InetAddress.getByAddress(a.getAddress()); // without scope
                }
            }
        }
        try (Socket rx = Socket.open(Domain.INET6, Type.DGRAM); Socket tx = Socket.open(Domain.INET6, Type.DGRAM)) {
            rx.bind(new InetSocketAddress(InetAddress.getByName("::"), 0));
            rx.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(5));
            int ifindex = source.equals(V6) ? loopbackIndex() : 0;
            Message in = roundTrip(tx, rx, new InetSocketAddress(V6, port(rx)), ControlMessage.packetInfo(source, ifindex));
            assertEquals(source, ((InetSocketAddress) in.address()).getAddress());
        }
    }

    @Test
    void ttlIsReportedAndCanBeSetPerDatagram() throws Exception {
        try (Socket rx = udp(V4); Socket tx = udp(V4)) {
            rx.setOption(NativeOptions.IP_RECVTTL, true);
            InetSocketAddress to = new InetSocketAddress(V4, port(rx));
            tx.setOption(NativeOptions.IP_TTL, 33);
            assertEquals(new ControlMessage.Ttl(33), roundTrip(tx, rx, to).received(ControlMessage.Ttl.class));
            if (LINUX) { // Darwin takes no IP_TTL control message on send
                assertEquals(new ControlMessage.Ttl(7),
                        roundTrip(tx, rx, to, ControlMessage.ttl(7)).received(ControlMessage.Ttl.class));
            }
        }
    }

    @Test
    void hopLimitIsReportedAndCanBeSetPerDatagram() throws Exception {
        try (Socket rx = udp(V6); Socket tx = udp(V6)) {
            rx.setOption(NativeOptions.IPV6_RECVHOPLIMIT, true);
            InetSocketAddress to = new InetSocketAddress(V6, port(rx));
            ControlMessage.HopLimit dflt = roundTrip(tx, rx, to).received(ControlMessage.HopLimit.class);
            assertNotNull(dflt);
            assertTrue(dflt.value() > 0 && dflt.value() <= 255);
            assertEquals(new ControlMessage.HopLimit(9),
                    roundTrip(tx, rx, to, ControlMessage.hopLimit(9)).received(ControlMessage.HopLimit.class));
        }
    }

    @Test
    void tosIsReportedAndCanBeSetPerDatagram() throws Exception {
        try (Socket rx = udp(V4); Socket tx = udp(V4)) {
            rx.setOption(NativeOptions.IP_RECVTOS, true);
            InetSocketAddress to = new InetSocketAddress(V4, port(rx));
            tx.setOption(NativeOptions.IP_TOS, 0x40);
            assertEquals(new ControlMessage.Tos(0x40), roundTrip(tx, rx, to).received(ControlMessage.Tos.class));
            if (LINUX) {
                assertEquals(new ControlMessage.Tos(0x20),
                        roundTrip(tx, rx, to, ControlMessage.tos(0x20)).received(ControlMessage.Tos.class));
            }
        }
    }

    @Test
    void trafficClassIsReportedAndCanBeSetPerDatagram() throws Exception {
        try (Socket rx = udp(V6); Socket tx = udp(V6)) {
            rx.setOption(NativeOptions.IPV6_RECVTCLASS, true);
            InetSocketAddress to = new InetSocketAddress(V6, port(rx));
            assertEquals(new ControlMessage.TrafficClass(0x28),
                    roundTrip(tx, rx, to, ControlMessage.trafficClass(0x28)).received(ControlMessage.TrafficClass.class));
            tx.setOption(NativeOptions.IPV6_TCLASS, 0x10);
            assertEquals(new ControlMessage.TrafficClass(0x10),
                    roundTrip(tx, rx, to).received(ControlMessage.TrafficClass.class));
        }
    }

    @Test
    void nanosecondTimestamps() throws Exception {
        assumeTrue(LINUX, "SO_TIMESTAMPNS is Linux-only");
        try (Socket rx = udp(V4); Socket tx = udp(V4)) {
            rx.setOption(NativeOptions.SO_TIMESTAMPNS, true);
            Instant before = Instant.now().minusSeconds(5);
            ControlMessage.Timestamp t = roundTrip(tx, rx, new InetSocketAddress(V4, port(rx)))
                    .received(ControlMessage.Timestamp.class);
            assertNotNull(t);
            assertTrue(t.nanoseconds());
            assertTrue(t.instant().isAfter(before) && t.instant().isBefore(Instant.now().plusSeconds(5)), t.toString());
        }
    }

    @Test
    void microsecondTimestampsOverIpv6() throws Exception {
        try (Socket rx = udp(V6); Socket tx = udp(V6)) {
            rx.setOption(NativeOptions.SO_TIMESTAMP, true);
            Instant before = Instant.now().minusSeconds(5);
            ControlMessage.Timestamp t = roundTrip(tx, rx, new InetSocketAddress(V6, port(rx)))
                    .received(ControlMessage.Timestamp.class);
            assertNotNull(t);
            assertFalse(t.nanoseconds());
            assertEquals(0, t.nanos() % 1000);
            assertTrue(t.instant().isAfter(before) && t.instant().isBefore(Instant.now().plusSeconds(5)), t.toString());
        }
    }

    @Test
    void severalKindsInOneMessageAndATruncatedBuffer() throws Exception {
        try (Socket rx = udp(V4); Socket tx = udp(V4); Arena arena = Arena.ofConfined()) {
            rx.setOption(NativeOptions.IP_PKTINFO, true);
            rx.setOption(NativeOptions.IP_RECVTTL, true);
            rx.setOption(NativeOptions.IP_RECVTOS, true);
            InetSocketAddress to = new InetSocketAddress(V4, port(rx));
            List<ControlMessage> all = roundTrip(tx, rx, to).received();
            assertEquals(3, all.size(), all.toString());
            assertTrue(all.stream().anyMatch(m -> m instanceof ControlMessage.PacketInfo));
            assertTrue(all.stream().anyMatch(m -> m instanceof ControlMessage.Ttl));
            assertTrue(all.stream().anyMatch(m -> m instanceof ControlMessage.Tos));

            // room for exactly one of them: the rest is cut and MSG_CTRUNC reported
            tx.sendMsg(Message.of(arena.allocate(1)).address(to));
            Message small = Message.of(arena.allocate(4)).controlBuffer(arena.allocate(ControlMessage.space(4)));
            assertEquals(1, rx.recvMsg(small));
            assertTrue(small.isControlTruncated());
            if (LINUX) {
                // Linux puts IP_PKTINFO first and cuts it to the room left (8 of its 12 bytes): it must
                // come back as exactly that, raw, not decoded as a whole in_pktinfo read past the data
                assertEquals(1, small.received().size(), small.received().toString());
                ControlMessage.Raw cut = assertInstanceOf(ControlMessage.Raw.class, small.received().get(0));
                assertEquals(Constants.IPPROTO_IP, cut.level());
                assertEquals(Constants.IP_PKTINFO, cut.type());
                assertTrue(cut.data().length < 12, cut.toString());
            } else {
                assertTrue(small.received().size() <= 1, small.received().toString());
            }

            // no control buffer at all
            tx.sendMsg(Message.of(arena.allocate(1)).address(to));
            Message none = Message.allocate(4, 0);
            assertEquals(1, rx.recvMsg(none));
            assertTrue(none.isControlTruncated());
            assertTrue(none.received().isEmpty());
        }
    }

    @Test
    void rawControlMessagesGoOutAsGiven() throws Exception {
        // SCM_RIGHTS written by hand: the kernel passes the descriptor, the receiver owns it
        try (SocketPair channel = Socket.pair(Domain.UNIX, Type.DGRAM);
             SocketPair passed = Socket.pair(Domain.UNIX, Type.STREAM);
             Arena arena = Arena.ofConfined()) {
            byte[] fd = new byte[4];
            MemorySegment.ofArray(fd).set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0, passed.first().fd());
            ControlMessage.Raw raw = ControlMessage.raw(Constants.SOL_SOCKET, Constants.SCM_RIGHTS, fd);
            channel.first().sendMsg(Message.of(arena.allocate(1)).control(raw));
            Message in = Message.allocate(1, 64);
            channel.second().recvMsg(in);
            ControlMessage.Rights r = assertInstanceOf(ControlMessage.Rights.class, in.received().get(0));
            try (r; Socket s = r.socket(0)) {
                s.send("raw".getBytes(US_ASCII));
                assertEquals("raw", new String(passed.second().read(8), US_ASCII));
            }
        }
    }

    @Test
    void nothingArrivesWithoutTheOptions() throws Exception {
        try (Socket rx = udp(V4); Socket tx = udp(V4)) {
            Message in = roundTrip(tx, rx, new InetSocketAddress(V4, port(rx)));
            assertTrue(in.received().isEmpty());
            assertNull(in.received(ControlMessage.PacketInfo.class));
            assertEquals(0, in.controlLength());
        }
    }
}
