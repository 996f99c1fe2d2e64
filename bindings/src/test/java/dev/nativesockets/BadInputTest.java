package dev.nativesockets;

import dev.nativesockets.libc.Constants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input for the public API: each case must raise its documented exception, before any native
 * call, and leave the sockets involved as they were (open, nothing sent, nothing consumed). The
 * table of cases is docs/RELIABILITY.md's "Bad input" table; {@link #theDocumentedTableListsEveryCase}
 * keeps the two in step.
 *
 * <p>"Before any native call" is checked the way a caller can see it: no errno is recorded
 * ({@link Errno#lastError()}, {@link Socket#lastError()}), the peer received nothing and queued
 * data is still there. Rows marked "(kernel)" are the exceptions that are the kernel's answer.
 */
@org.junit.jupiter.api.Tag("reliability")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(LO, 0);
    private static final Path DOC = Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("RELIABILITY.md");

    /** One row of the table. */
    record Case(String area, String input, Class<? extends Throwable> expected, boolean kernel, Body body) {}

    @FunctionalInterface
    interface Body {
        void run(Fixture f) throws Throwable;
    }

    /** What every case runs against: a connected Unix pair with one byte queued each way, a TCP socket, an arena. */
    static final class Fixture implements AutoCloseable {
        final SocketPair unix;
        final Socket tcp;
        final Socket udp;
        final Arena arena = Arena.ofShared();
        final MemorySegment seg = arena.allocate(64);

        Fixture() throws IOException {
            unix = Socket.pair(Domain.UNIX, Type.STREAM);
            tcp = Socket.open(Domain.INET, Type.STREAM);
            udp = Socket.open(Domain.INET, Type.DGRAM);
            unix.first().send(new byte[] {1});
            unix.second().send(new byte[] {2});
        }

        Socket s() {
            return unix.first();
        }

        /** The fixture is as it was: everything open, the queued bytes unread, nothing more sent. */
        void checkUntouched(String what) throws IOException {
            for (Socket x : List.of(unix.first(), unix.second(), tcp, udp)) {
                assertFalse(x.isClosed(), what + ": a socket was closed");
                assertEquals(0, x.lastError(), what + ": a socket recorded an errno");
            }
            assertEquals(1, unix.first().available(), what + ": data consumed or sent");
            assertEquals(1, unix.second().available(), what + ": data consumed or sent");
        }

        @Override
        public void close() {
            unix.close();
            tcp.close();
            udp.close();
            arena.close();
        }
    }

    static final List<Case> CASES = new ArrayList<>();

    private static void add(String area, String input, Class<? extends Throwable> expected, Body body) {
        CASES.add(new Case(area, input, expected, false, body));
    }

    private static void kernel(String area, String input, Class<? extends Throwable> expected, Body body) {
        CASES.add(new Case(area, input, expected, true, body));
    }

    private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
    private static final Class<IllegalStateException> ISE = IllegalStateException.class;
    private static final Class<UnsupportedOperationException> UOE = UnsupportedOperationException.class;

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void cases() throws Exception {
        // ---- creation
        add("create", "Socket.open(null, STREAM)", IAE, f -> Socket.open(null, Type.STREAM));
        add("create", "Socket.open(INET, null)", IAE, f -> Socket.open(Domain.INET, null));
        add("create", "Socket.open(INET, STREAM, -1)", IAE, f -> Socket.open(Domain.INET, Type.STREAM, -1));
        add("create", "Socket.pair(null, STREAM)", IAE, f -> Socket.pair(null, Type.STREAM));
        add("create", "Socket.listen(null, 1)", IAE, f -> Socket.listen(null, 1));
        add("create", "Socket.listen(address, -1)", IAE, f -> Socket.listen(LOOPBACK, -1));
        add("create", "Socket.adopt(-1)", IAE, f -> Socket.adopt(-1));
        kernel("create", "Socket.adopt(a pipe's fd)", SocketException.class, f -> {
            int[] p = ReliabilityTestSupport.rawPipe();
            try {
                Socket.adopt(p[0]);
            } finally {
                assertTrue(ReliabilityTestSupport.isOpen(p[0]), "adopt closed a descriptor it refused");
                ReliabilityTestSupport.rawClose(p[0]);
                ReliabilityTestSupport.rawClose(p[1]);
                Errno.clearError();
            }
        });
        add("create", "listen(-1) on an open socket", IAE, f -> f.tcp.listen(-1));

        // ---- addresses
        add("address", "bind(null)", IAE, f -> f.tcp.bind(null));
        add("address", "connect(null)", IAE, f -> f.tcp.connect(null));
        add("address", "sendTo(segment, 0, null)", IAE, f -> f.udp.sendTo(f.seg, 0, null));
        add("address", "unresolved InetSocketAddress", IAE, f -> f.tcp.connect(InetSocketAddress.createUnresolved("example.invalid", 80)));
        add("address", "Unix path longer than sun_path", IAE,
                f -> Socket.open(Domain.UNIX, Type.STREAM).bind(UnixDomainSocketAddress.of("/tmp/" + "x".repeat(200))));
        add("address", "Unix address on an IPv4 socket (wrong family)", IAE, f -> f.tcp.bind(UnixDomainSocketAddress.of("/tmp/x")));
        add("address", "IPv6 address on an IPv4 socket (wrong family)", IAE,
                f -> f.tcp.connect(new InetSocketAddress(InetAddress.getByName("::1"), 9)));
        add("address", "IPv4 address on a Unix socket (wrong family)", IAE, f -> f.s().sendTo(f.seg, 0, new InetSocketAddress(LO, 9)));
        add("address", "SockAddr of another family on an IPv4 socket", IAE,
                f -> f.tcp.connect(SockAddr.of(UnixDomainSocketAddress.of("/tmp/x"))));
        add("address", "a SocketAddress subclass the library does not know", IAE, f -> f.tcp.connect(new SocketAddress() { }));
        add("address", "SockAddr.fromBytes(null)", IAE, f -> SockAddr.fromBytes(null));
        add("address", "SockAddr.fromBytes(1 byte)", IAE, f -> SockAddr.fromBytes(new byte[1]));
        add("address", "SockAddr.fromBytes(129 bytes)", IAE, f -> SockAddr.fromBytes(new byte[129]));
        add("address", "SockAddr.abstractUnix(null)", IAE, f -> SockAddr.abstractUnix((String) null));
        add("address", "SockAddr.abstractUnix(name longer than sun_path)", ReliabilityTestSupport.LINUX ? IAE : UOE,
                f -> SockAddr.abstractUnix("n".repeat(200)));
        add("address", "SockAddr.of(null)", IAE, f -> SockAddr.of(null));
        kernel("address", "SockAddr too short for its family (3 bytes of AF_INET)", SocketException.class, f -> {
            byte[] raw = SockAddr.of(new InetSocketAddress(LO, 9)).bytes();
            try {
                f.tcp.connect(SockAddr.fromBytes(Arrays.copyOf(raw, 3)));
            } finally {
                f.tcp.clearError();
                Errno.clearError();
            }
        });
        kernel("address", "IPv6 scope id naming no interface", SocketException.class, f -> {
            try (Socket v6 = Socket.open(Domain.INET6, Type.DGRAM)) {
                byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();
                v6.connect(new InetSocketAddress(Inet6Address.getByAddress(null, linkLocal, 999_999), 9));
            } finally {
                Errno.clearError();
            }
        });
        add("address", "connect(address, null timeout)", IAE, f -> f.tcp.connect(LOOPBACK, null));
        add("address", "connect(address, negative timeout)", IAE, f -> f.tcp.connect(LOOPBACK, Duration.ofMillis(-1)));
        add("address", "connect(address, zero timeout)", IAE, f -> f.tcp.connect(LOOPBACK, Duration.ZERO));

        // ---- buffers
        add("buffer", "recv(null segment)", IAE, f -> f.s().recv((MemorySegment) null));
        add("buffer", "recv(heap segment)", IAE, f -> f.s().recv(MemorySegment.ofArray(new byte[8])));
        add("buffer", "recv(read-only segment)", IAE, f -> f.s().recv(f.seg.asReadOnly()));
        add("buffer", "recv(segment of a closed arena)", ISE, f -> {
            Arena a = Arena.ofConfined();
            MemorySegment gone = a.allocate(8);
            a.close();
            f.s().recv(gone);
        });
        add("buffer", "send(null segment)", IAE, f -> f.s().send((MemorySegment) null));
        add("buffer", "send(heap segment)", IAE, f -> f.s().send(MemorySegment.ofArray(new byte[8])));
        add("buffer", "send(segment of a closed arena)", ISE, f -> {
            Arena a = Arena.ofConfined();
            MemorySegment gone = a.allocate(8);
            a.close();
            f.s().send(gone);
        });
        add("buffer", "recv(segment of another thread's confined arena)", WrongThreadException.class,
                f -> f.s().recv(foreignSegment()));
        add("buffer", "send(segment of another thread's confined arena)", WrongThreadException.class,
                f -> f.s().send(foreignSegment()));
        add("buffer", "getOption(level, name, segment of another thread's confined arena)", WrongThreadException.class,
                f -> f.s().getOption(Constants.SOL_SOCKET, Constants.SO_TYPE, foreignSegment()));
        add("buffer", "setOption(level, name, segment of another thread's confined arena)", WrongThreadException.class,
                f -> f.s().setOption(Constants.SOL_SOCKET, Constants.SO_RCVBUF, foreignSegment()));
        add("buffer", "getOption(level, name, heap segment)", IAE,
                f -> f.s().getOption(Constants.SOL_SOCKET, Constants.SO_TYPE, MemorySegment.ofArray(new byte[4])));
        add("buffer", "readv(segment of another thread's confined arena)", WrongThreadException.class,
                f -> f.s().readv(foreignSegment()));
        add("message", "sendMsg with SCM_RIGHTS of a closed socket", ISE, f -> {
            Socket gone = Socket.open(Domain.INET, Type.DGRAM);
            ControlMessage.Rights r = ControlMessage.rights(gone);
            gone.close();
            f.s().sendMsg(Message.of(f.seg).control(r));
        });
        add("buffer", "recvFrom(read-only segment)", IAE, f -> f.udp.recvFrom(f.seg.asReadOnly(), 0));
        add("buffer", "sendAll(heap segment)", IAE, f -> f.s().sendAll(MemorySegment.ofArray(new byte[8])));
        add("buffer", "recv(null byte[])", IAE, f -> f.s().recv((byte[]) null));
        add("buffer", "send(null byte[])", IAE, f -> f.s().send((byte[]) null));
        add("buffer", "write(null)", IAE, f -> f.s().write(null));
        add("buffer", "sendAll(null byte[])", IAE, f -> f.s().sendAll((byte[]) null));
        add("buffer", "recv(b, -1, 4, 0): negative offset", IAE, f -> f.s().recv(new byte[8], -1, 4, 0));
        add("buffer", "recv(b, 0, -1, 0): negative length", IAE, f -> f.s().recv(new byte[8], 0, -1, 0));
        add("buffer", "recv(b, 4, 8, 0): range past the array", IAE, f -> f.s().recv(new byte[8], 4, 8, 0));
        add("buffer", "recv(b, 1, Integer.MAX_VALUE, 0): oversized length", IAE, f -> f.s().recv(new byte[8], 1, Integer.MAX_VALUE, 0));
        add("buffer", "send(b, 9, 0, 0): offset past the array", IAE, f -> f.s().send(new byte[8], 9, 0, 0));
        add("buffer", "send(b, 0, Integer.MAX_VALUE, 0): oversized length", IAE, f -> f.s().send(new byte[8], 0, Integer.MAX_VALUE, 0));
        add("buffer", "recv(b, -1, 1): negative offset", IAE, f -> f.s().recv(new byte[8], -1, 1));
        add("buffer", "send(b, 2, 7): range past the array", IAE, f -> f.s().send(new byte[8], 2, 7));
        add("buffer", "sendAll(b, 4, 5): range past the array", IAE, f -> f.s().sendAll(new byte[8], 4, 5));
        add("buffer", "sendAll(null, 0, 0)", IAE, f -> f.s().sendAll(null, 0, 0));
        add("buffer", "sendAll(b, 0, -1): negative length", IAE, f -> f.s().sendAll(new byte[8], 0, -1));
        add("buffer", "sendTo(b, -1, 1, 0, address)", IAE, f -> f.udp.sendTo(new byte[8], -1, 1, 0, new InetSocketAddress(LO, 9)));
        add("buffer", "recvFrom(b, 0, 9, 0) on an 8-byte array", IAE, f -> f.udp.recvFrom(new byte[8], 0, 9, 0));
        add("buffer", "recv(null ByteBuffer)", IAE, f -> f.s().recv((ByteBuffer) null));
        add("buffer", "recv(read-only ByteBuffer)", IAE, f -> f.s().recv(ByteBuffer.allocateDirect(8).asReadOnlyBuffer()));
        add("buffer", "send(null ByteBuffer)", IAE, f -> f.s().send((ByteBuffer) null));
        add("buffer", "read(-1)", IAE, f -> f.s().read(-1));
        add("buffer", "read(4, null mode)", IAE, f -> f.s().read(4, null));
        add("buffer", "getOption(level, name, read-only segment)", IAE, f -> f.s().getOption(1, 1, f.seg.asReadOnly()));
        add("buffer", "setOption(level, name, heap segment)", IAE, f -> f.s().setOption(1, 1, MemorySegment.ofArray(new byte[4])));
        add("buffer", "readv(null)", IAE, f -> f.s().readv((MemorySegment[]) null));
        add("buffer", "readv(heap segment)", IAE, f -> f.s().readv(MemorySegment.ofArray(new byte[4])));
        add("buffer", "readv(read-only segment)", IAE, f -> f.s().readv(f.seg.asReadOnly()));
        add("buffer", "writev(more than IOV_MAX buffers)", IAE, f -> {
            MemorySegment[] many = new MemorySegment[IoVector.IOV_MAX + 1];
            Arrays.fill(many, f.seg.asSlice(0, 1));
            f.s().writev(many);
        });
        add("buffer", "IoVector.allocate(-1)", IAE, f -> IoVector.allocate(-1));
        add("buffer", "IoVector.set(index out of range, data)", IndexOutOfBoundsException.class, f -> {
            try (IoVector v = IoVector.allocate(4)) {
                v.set(5, new byte[1]);
            }
        });
        add("buffer", "IoVector.get(-1)", IndexOutOfBoundsException.class, f -> {
            try (IoVector v = IoVector.allocate(4)) {
                v.get(-1);
            }
        });
        add("buffer", "closed IoVector", ISE, f -> {
            IoVector v = IoVector.allocate(4);
            v.close();
            f.s().writev(v);
        });

        // ---- flags
        add("flags", "recv(segment, unknown flag bits)", IAE, f -> f.s().recv(f.seg, 0x40000000));
        add("flags", "send(segment, unknown flag bits)", IAE, f -> f.s().send(f.seg, 0x40000000));
        if (MsgFlags.MORE == MsgFlags.UNSUPPORTED) {
            add("flags", "a flag the platform lacks (MsgFlags.UNSUPPORTED)", UOE, f -> f.s().send(f.seg, MsgFlags.MORE));
        } else {
            add("flags", "a flag the platform lacks (MsgFlags.UNSUPPORTED)", UOE, f -> f.s().send(f.seg, MsgFlags.UNSUPPORTED));
        }

        // ---- options
        add("option", "setOption(null, value)", IAE, f -> f.s().setOption((SocketOption<Integer>) null, 1));
        add("option", "getOption(null)", IAE, f -> f.s().getOption((SocketOption<?>) null));
        add("option", "setOption(SO_RCVBUF, null)", IAE, f -> f.s().setOption(NativeOptions.SO_RCVBUF, null));
        add("option", "wrongly typed value through a raw SocketOption cast", IAE,
                f -> f.s().setOption((SocketOption) NativeOptions.SO_RCVBUF, "a string"));
        add("option", "wrongly typed value for a JDK option", IAE,
                f -> f.s().setOption((SocketOption) StandardSocketOptions.SO_KEEPALIVE, 1));
        add("option", "an option of another library (unknown SocketOption)", IAE, f -> f.s().setOption(new SocketOption<Integer>() {
            public String name() {
                return "MADE_UP";
            }

            public Class<Integer> type() {
                return Integer.class;
            }
        }, 1));
        add("option", "a JDK option the library does not map (ExtendedSocketOptions.TCP_KEEPIDLE)", IAE,
                f -> f.s().getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE));
        add("option", "negative SO_RCVBUF", IAE, f -> f.s().setOption(NativeOptions.SO_RCVBUF, -1));
        add("option", "negative SO_RCVTIMEO", IAE, f -> f.s().setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(-1)));
        add("option", "TCP_CONGESTION name of 100 bytes", IAE, f -> f.tcp.setOption(NativeOptions.TCP_CONGESTION, "c".repeat(100)));
        add("option", "setOption on a read-only option (SO_TYPE)", UOE, f -> f.s().setOption(NativeOptions.SO_TYPE, 1));
        add("option", "getOption on a write-only option (IP_ADD_MEMBERSHIP)", UOE, f -> f.udp.getOption(NativeOptions.IP_ADD_MEMBERSHIP));
        add("option", "an option the platform lacks", UOE, f -> f.s().getOption(ReliabilityTestSupport.LINUX
                ? NativeOptions.SO_NOSIGPIPE : NativeOptions.TCP_QUICKACK));
        add("option", "new Membership(null, 0)", IAE, f -> new Membership(null, 0));
        add("option", "Membership of a unicast address", IAE, f -> new Membership(LO, 0));
        add("option", "Membership with a negative interface index", IAE, f -> new Membership(InetAddress.getByName("224.0.0.1"), -1));
        add("option", "IPv6 group for IP_ADD_MEMBERSHIP", IAE,
                f -> f.udp.setOption(NativeOptions.IP_ADD_MEMBERSHIP, new Membership(InetAddress.getByName("ff02::1"), 0)));
        kernel("option", "unknown level/name in the raw int form", SocketException.class, f -> {
            try {
                f.s().getIntOption(0x7fff, 0x7fff);
            } finally {
                f.s().clearError();
                Errno.clearError();
            }
        });

        // ---- select and poll
        add("select", "a descriptor >= FD_SETSIZE", IAE, f -> {
            int high = ReliabilityTestSupport.dupAtLeast(f.s().fd(), Select.FD_SETSIZE + 10);
            try (Socket s = Socket.adopt(high)) {
                Select.select(new ArrayList<>(List.of(s)), null, null, Duration.ZERO);
            }
        });
        add("select", "a null element in a set", IAE, f -> Select.select(new ArrayList<>(Arrays.asList((Socket) null)), null, null, Duration.ZERO));
        add("select", "negative timeout", IAE, f -> Select.select(new ArrayList<>(List.of(f.s())), null, null, Duration.ofMillis(-1)));
        add("select", "a closed socket in a set", ISE, f -> {
            Socket closed = Socket.open(Domain.INET, Type.STREAM);
            closed.close();
            Select.select(new ArrayList<>(List.of(closed)), null, null, Duration.ZERO);
        });
        add("select", "an unmodifiable set that must change (checked after the call)", IAE,
                f -> Select.select(List.of(f.tcp), null, null, Duration.ZERO));
        add("poll", "Poller.add(null, IN)", IAE, f -> new Poller().add(null, Poller.IN));
        add("poll", "Poller.add(closed socket, IN)", ISE, f -> {
            Socket closed = Socket.open(Domain.INET, Type.STREAM);
            closed.close();
            new Poller().add(closed, Poller.IN);
        });
        add("poll", "Poller.add(socket, -1)", IAE, f -> new Poller().add(f.s(), -1));
        add("poll", "Poller.add(socket, 0x10000)", IAE, f -> new Poller().add(f.s(), 0x10000));
        add("poll", "Poller.add the same socket twice", IAE, f -> {
            Poller p = new Poller();
            p.add(f.s(), Poller.IN);
            p.add(f.s(), Poller.IN);
        });
        add("poll", "Poller.revents(index out of range)", IAE, f -> new Poller().revents(3));
        add("poll", "Poller.socket(index out of range)", IndexOutOfBoundsException.class, f -> new Poller().socket(3));
        add("poll", "Poller.setEvents(unregistered socket, IN)", IAE, f -> new Poller().setEvents(f.s(), Poller.IN));
        add("poll", "Poller.remove(unregistered socket)", IAE, f -> new Poller().remove(f.s()));
        add("poll", "Poller.poll(negative timeout)", IAE, f -> new Poller().poll(Duration.ofMillis(-1)));
        add("poll", "Poller.poll with a registered socket closed before", ISE, f -> {
            Socket s = Socket.open(Domain.INET, Type.STREAM);
            Poller p = new Poller();
            p.add(s, Poller.IN);
            s.close();
            p.poll(Duration.ZERO);
        });

        // ---- closed sockets and ownership
        add("lifecycle", "any call on a closed socket (recv, send, bind, options, fd)", ISE, f -> {
            Socket s = Socket.open(Domain.INET, Type.STREAM);
            s.close();
            s.close(); // idempotent
            for (Executable e : List.<Executable>of(() -> s.recv(new byte[1]), () -> s.send(new byte[1]), () -> s.bind(LOOPBACK),
                    () -> s.getOption(NativeOptions.SO_RCVBUF), s::fd, s::accept, s::localAddress, () -> s.setBlocking(false),
                    () -> s.shutdown(How.BOTH), s::detach)) {
                assertThrows(IllegalStateException.class, e);
            }
            throw new IllegalStateException("all refused");
        });
        add("lifecycle", "detach() while a call is in flight", ISE, f -> {
            Socket l = Socket.listen(LOOPBACK, 1);
            try (ReliabilityTestSupport.Blocker b = new ReliabilityTestSupport.Blocker("rel-detach")) {
                var call = b.start(l::accept);
                b.awaitIn(ReliabilityTestSupport.Blocked.ACCEPT, l.fd(), call);
                try {
                    l.detach();
                } finally {
                    l.close();
                    assertInstanceOf(SocketClosedException.class, call.get(5, TimeUnit.SECONDS).thrown());
                }
            }
        });

        // ---- messages and control data
        add("message", "sendMsg(null)", IAE, f -> f.s().sendMsg(null));
        add("message", "recvMsg(null)", IAE, f -> f.s().recvMsg(null));
        add("message", "Message.of(heap segment)", IAE, f -> Message.of(MemorySegment.ofArray(new byte[4])));
        add("message", "Message.controlBuffer(read-only segment)", IAE, f -> new Message().controlBuffer(f.seg.asReadOnly()));
        add("message", "Message.controlCapacity(-1)", IAE, f -> new Message().controlCapacity(-1));
        add("message", "Message.controlCapacity(more than 64 KiB)", IAE, f -> new Message().controlCapacity(64 * 1024 + 1));
        add("message", "Message.allocate(-1, 0)", IAE, f -> Message.allocate(-1, 0));
        add("message", "SCM_RIGHTS with no descriptor", IAE,
                f -> f.s().sendMsg(Message.of(f.seg.asSlice(0, 1)).control(ControlMessage.rights(new int[0]))));
        add("message", "SCM_RIGHTS with 254 descriptors (more than SCM_MAX_FD)", IAE, f -> {
            int[] many = new int[254];
            Arrays.fill(many, f.s().fd());
            f.s().sendMsg(Message.of(f.seg.asSlice(0, 1)).control(ControlMessage.rights(many)));
        });
        add("message", "SCM_RIGHTS with a negative descriptor", IAE,
                f -> f.s().sendMsg(Message.of(f.seg.asSlice(0, 1)).control(ControlMessage.rights(-1))));
        add("message", "SCM_RIGHTS of a closed Socket", ISE, f -> {
            Socket closed = Socket.open(Domain.UNIX, Type.STREAM);
            closed.close();
            ControlMessage.rights(closed);
        });
        add("message", "oversized control message (raw payload over 64 KiB)", IAE,
                f -> f.s().sendMsg(Message.of(f.seg.asSlice(0, 1)).control(ControlMessage.raw(1, 1, new byte[64 * 1024 + 1]))));
        add("message", "control messages adding up to over 64 KiB", IAE, f -> {
            ControlMessage big = ControlMessage.raw(1, 1, new byte[40 * 1024]);
            f.s().sendMsg(Message.of(f.seg.asSlice(0, 1)).control(big, big));
        });
        add("message", "null control message", IAE, f -> new Message().control((ControlMessage) null));
        add("message", "ControlMessage.space(-1)", IAE, f -> ControlMessage.space(-1));
        add("message", "ControlMessage.raw(level, type, null)", IAE, f -> ControlMessage.raw(1, 1, null));
    }

    /** A segment of an arena confined to a thread that has ended. */
    private static MemorySegment foreignSegment() throws InterruptedException {
        MemorySegment[] seg = new MemorySegment[1];
        Thread t = Thread.ofPlatform().start(() -> seg[0] = Arena.ofConfined().allocate(8));
        t.join();
        return seg[0];
    }

    @BeforeAll
    static void build() throws Exception {
        if (CASES.isEmpty()) {
            cases();
        }
    }

    @AfterAll
    static void writeTable() throws IOException {
        // the table as the code has it, for docs/RELIABILITY.md
        StringBuilder b = new StringBuilder("| area | input | exception |\n| --- | --- | --- |\n");
        for (Case c : CASES) {
            b.append("| ").append(c.area()).append(" | ").append(c.input().replace("|", "\\|")).append(" | `")
                    .append(c.expected().getSimpleName()).append('`').append(c.kernel() ? " (kernel)" : "").append(" |\n");
        }
        Path out = Path.of("target", "bad-input-table.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, b.toString());
    }

    @TestFactory
    Stream<DynamicTest> everyCaseRaisesItsDocumentedException() throws Exception {
        build();
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.area() + ": " + c.input(), () -> {
            try (Fixture f = new Fixture()) {
                Errno.clearError();
                Throwable t = assertThrows(Throwable.class, () -> c.body().run(f), "no exception");
                if (!c.expected().isInstance(t)) {
                    throw new AssertionError("expected " + c.expected().getSimpleName() + ", got " + t, t);
                }
                if (!c.kernel()) {
                    assertEquals(0, Errno.lastError(), "an errno was recorded: a native call failed first");
                }
                f.checkUntouched(c.input());
            }
        }));
    }

    @Test
    void theDocumentedTableListsEveryCase() throws Exception {
        build();
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        for (Case c : CASES) {
            String row = "| " + c.input().replace("|", "\\|") + " | `" + c.expected().getSimpleName() + '`';
            if (!doc.contains(row)) {
                missing.add(c.area() + " | " + row);
            }
        }
        if (!missing.isEmpty()) {
            fail(DOC + " lacks " + missing.size() + " rows (see target/bad-input-table.md):\n" + String.join("\n", missing));
        }
    }

    // ---- odd values that are not errors: documented outcomes, never a crash ---------------------------

    @Test
    void hugeTimeoutsAreForeverNotAnOverflow() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
            p.second().send(new byte[] {1});
            assertEquals(1, Select.select(new ArrayList<>(List.of(p.first())), null, null, huge));
            Poller poller = new Poller();
            poller.add(p.first(), Poller.IN);
            assertEquals(1, poller.poll(huge));
            p.first().setOption(NativeOptions.SO_RCVTIMEO, huge);
            try (Socket l = Socket.listen(LOOPBACK, 1); Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                c.connect(l.localAddress(), huge);
                c.connect(l.localAddress(), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));
            } catch (SocketException alreadyConnected) {
                // the second connect: EISCONN, from the kernel, as it should be
                assertTrue(alreadyConnected.getMessage().contains("EISCONN"), alreadyConnected.toString());
            }
        }
    }

    @Test
    void errnoHelpersTakeAnyNumber() {
        for (int e : new int[] {-1, 0, Integer.MIN_VALUE, Integer.MAX_VALUE, 99_999}) {
            assertTrue(!Errno.name(e).isEmpty());
            assertTrue(!Errno.strerror(e).isEmpty());
        }
        assertEquals(-1, Errno.number("NOT_AN_ERRNO"));
    }

    /** Closing the arena of a segment a blocked call is using: the arena refuses, the call is unharmed. */
    @Test
    void closingTheArenaOfASegmentInUseIsRefused() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
             ReliabilityTestSupport.Blocker b = new ReliabilityTestSupport.Blocker("rel-arena")) {
            Arena shared = Arena.ofShared();
            MemorySegment buf = shared.allocate(16);
            var call = b.start(() -> p.first().recv(buf));
            b.awaitIn(ReliabilityTestSupport.Blocked.RECV, p.first().fd(), call);
            assertThrows(IllegalStateException.class, shared::close, "the arena closed under a native call");
            p.second().send(new byte[] {7, 8});
            assertEquals(2, call.get(5, TimeUnit.SECONDS).value());
            assertEquals(7, buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
            shared.close();
        }
    }

    /** Every public method of the main classes, with null in each reference parameter: never a crash, never an NPE. */
    @TestFactory
    Stream<DynamicTest> nullInEveryReferenceParameter() throws Exception {
        Set<String> nullMeansSomething = Set.of(
                "Select.select#0", "Select.select#1", "Select.select#2", "Select.select#3", // null set, null = forever
                "Poller.poll#0", // forever
                "Message.controlBuffer#0", "Message.address#0", // null clears
                "AddressInfo.lookup#0", "AddressInfo.lookup#1", "AddressInfo.lookup#2", // getaddrinfo's NULL node/service/hints
                "Errno.number#0", // no such errno: -1
                "Socket.supportsOption#0"); // false
        List<Class<?>> types = List.of(Socket.class, Select.class, Poller.class, SockAddr.class, Message.class,
                IoVector.class, ControlMessage.class, Errno.class, AddressInfo.class, Fd.class);
        return NullArguments.sweep(types, nullMeansSomething, (name, m, nullAt) -> {
            try (Fixture f = new Fixture()) {
                Object target = java.lang.reflect.Modifier.isStatic(m.getModifiers()) ? null : instance(m.getDeclaringClass(), f);
                Throwable t = NullArguments.call(m, target, nullAt, p -> sample(p, f));
                if (t == null) {
                    fail(name + ": null accepted");
                }
                if (!(t instanceof IllegalArgumentException)) {
                    throw new AssertionError(name + ": expected IllegalArgumentException, got " + t, t);
                }
            }
        });
    }

    private static Object instance(Class<?> type, Fixture f) throws IOException {
        if (type == Socket.class) {
            return f.s();
        }
        if (type == Poller.class) {
            Poller p = new Poller();
            p.add(f.unix.second(), Poller.IN);
            return p;
        }
        if (type == Message.class) {
            return Message.allocate(8, 64);
        }
        if (type == IoVector.class) {
            return IoVector.allocate(8, 8);
        }
        if (type == SockAddr.class) {
            return SockAddr.of(new InetSocketAddress(LO, 9));
        }
        if (type == Fd.class) {
            int[] p = ReliabilityTestSupport.rawPipe();
            ReliabilityTestSupport.rawClose(p[1]);
            return Fd.adopt(p[0]);
        }
        throw new AssertionError("no instance of " + type);
    }

    private static Object sample(Class<?> t, Fixture f) throws Exception {
        if (t == MemorySegment.class) {
            return f.seg.asSlice(0, 1);
        }
        if (t == MemorySegment[].class) {
            return new MemorySegment[] {f.seg.asSlice(0, 1)};
        }
        if (t == byte[].class) {
            return new byte[1];
        }
        if (t == ByteBuffer.class) {
            return ByteBuffer.allocateDirect(1);
        }
        if (t == ByteBuffer[].class) {
            return new ByteBuffer[] {ByteBuffer.allocateDirect(1)};
        }
        if (t == SocketAddress.class) {
            return UnixDomainSocketAddress.of(""); // fits the Unix fixture; nothing listens there
        }
        if (t == Duration.class) {
            return Duration.ZERO;
        }
        if (t == Domain.class) {
            return Domain.UNIX;
        }
        if (t == Type.class) {
            return Type.STREAM;
        }
        if (t == How.class) {
            return How.WRITE;
        }
        if (t == ReadMode.class) {
            return ReadMode.BINARY;
        }
        if (t == String.class) {
            return "x";
        }
        if (t == SocketOption.class) {
            return NativeOptions.SO_RCVBUF;
        }
        if (t == Object.class) {
            return 1;
        }
        if (t == Message.class) {
            return Message.allocate(1, 0);
        }
        if (t == IoVector.class) {
            return IoVector.allocate(1);
        }
        if (t == Socket.class) {
            return f.unix.second();
        }
        if (t == Socket[].class) {
            return new Socket[] {f.unix.second()};
        }
        if (t == int[].class) {
            return new int[] {f.unix.second().fd()};
        }
        if (t == java.util.Collection.class || t == List.class) {
            return new ArrayList<>();
        }
        if (t.isArray()) {
            return java.lang.reflect.Array.newInstance(t.getComponentType(), 0);
        }
        if (t.isEnum()) {
            return t.getEnumConstants()[0];
        }
        if (t == ControlMessage.class) {
            return ControlMessage.ttl(1);
        }
        if (t == Class.class) {
            return ControlMessage.Ttl.class;
        }
        if (t == java.util.Map.class) {
            return java.util.Map.of();
        }
        if (t == AddressInfo.Hints.class) {
            return AddressInfo.Hints.any();
        }
        if (t == Fd.class) {
            int[] p = ReliabilityTestSupport.rawPipe();
            ReliabilityTestSupport.rawClose(p[1]);
            return Fd.adopt(p[0]);
        }
        if (t == java.util.Set.class) {
            return Set.of();
        }
        return null; // no sample: the call sees null there too, and must still refuse
    }
}
