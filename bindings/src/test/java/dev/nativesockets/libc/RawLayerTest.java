package dev.nativesockets.libc;

import dev.nativesockets.internal.CriticalCalls;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The raw layer on its own, over real loopback sockets: results, and errno with its name on
 * failure. Nothing from the safe layer is used.
 */
class RawLayerTest {
    private static final PlatformTable T = Platform.current().table();

    private Arena arena;
    private MemorySegment cs;
    private final List<Integer> fds = new ArrayList<>();

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
        cs = CallState.allocate(arena);
    }

    @AfterEach
    void tearDown() {
        for (int fd : fds) {
            LibC.close(cs, fd);
        }
        arena.close();
    }

    private int track(int fd) {
        assertTrue(fd >= 0, () -> "call failed: " + errnoName());
        fds.add(fd);
        return fd;
    }

    private String errnoName() {
        return T.errnoName(CallState.errno(cs));
    }

    private MemorySegment loopback(int port) {
        MemorySegment sa = arena.allocate(SockaddrIn.LAYOUT);
        SockaddrIn.SIN_LEN.set(sa, SockaddrIn.SIZE);
        SockaddrIn.SIN_FAMILY.set(sa, Constants.AF_INET);
        SockaddrIn.SIN_PORT.set(sa, Short.reverseBytes((short) port));
        SockaddrIn.SIN_ADDR.slice(sa, 4).copyFrom(MemorySegment.ofArray(new byte[] {127, 0, 0, 1}));
        return sa;
    }

    private int port(int fd) {
        MemorySegment sa = arena.allocate(SockaddrIn.LAYOUT);
        MemorySegment len = arena.allocateFrom(JAVA_INT, (int) SockaddrIn.SIZE);
        assertEquals(0, LibC.getsockname(cs, fd, sa, len), this::errnoName);
        return Short.toUnsignedInt(Short.reverseBytes((short) SockaddrIn.SIN_PORT.get(sa)));
    }

    private int listener() {
        int fd = track(LibC.socket(cs, Constants.AF_INET, Constants.SOCK_STREAM, 0));
        assertEquals(0, LibC.bind(cs, fd, loopback(0), (int) SockaddrIn.SIZE), this::errnoName);
        assertEquals(0, LibC.listen(cs, fd, 8), this::errnoName);
        return fd;
    }

    /** client and accepted ends of one TCP connection */
    private int[] tcpPair() {
        int l = listener();
        int c = track(LibC.socket(cs, Constants.AF_INET, Constants.SOCK_STREAM, 0));
        assertEquals(0, LibC.connect(cs, c, loopback(port(l)), (int) SockaddrIn.SIZE), this::errnoName);
        int a = track(LibC.accept(cs, l, MemorySegment.NULL, MemorySegment.NULL));
        return new int[] {c, a};
    }

    @Test
    void tcpConnectAcceptSendRecv() {
        int[] p = tcpPair();
        MemorySegment msg = arena.allocateFrom("ping", StandardCharsets.US_ASCII);
        assertEquals(4, LibC.send(cs, p[0], msg, 4, 0));
        MemorySegment buf = arena.allocate(16);
        assertEquals(4, LibC.recv(cs, p[1], buf, 16, 0));
        assertEquals("ping", new String(buf.asSlice(0, 4).toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
    }

    @Test
    void socketpairReadWrite() {
        MemorySegment sv = arena.allocate(JAVA_INT, 2);
        assertEquals(0, LibC.socketpair(cs, Constants.AF_UNIX, Constants.SOCK_STREAM, 0, sv), this::errnoName);
        int a = track(sv.getAtIndex(JAVA_INT, 0));
        int b = track(sv.getAtIndex(JAVA_INT, 1));
        MemorySegment msg = arena.allocateFrom("pair", StandardCharsets.US_ASCII);
        assertEquals(4, LibC.write(cs, a, msg, 4));
        MemorySegment buf = arena.allocate(8);
        assertEquals(4, LibC.read(cs, b, buf, 8));
        assertEquals('p', buf.get(JAVA_BYTE, 0));
    }

    @Test
    void readvWritevScatterGather() {
        int[] p = tcpPair();
        MemorySegment iov = arena.allocate(Iovec.LAYOUT, 2);
        MemorySegment one = arena.allocateFrom("abc", StandardCharsets.US_ASCII);
        MemorySegment two = arena.allocateFrom("defg", StandardCharsets.US_ASCII);
        Iovec.IOV_BASE.setAddress(iov, one);
        Iovec.IOV_LEN.set(iov, 3);
        Iovec.IOV_BASE.setAddress(iov.asSlice(Iovec.SIZE), two);
        Iovec.IOV_LEN.set(iov.asSlice(Iovec.SIZE), 4);
        assertEquals(7, LibC.writev(cs, p[0], iov, 2));
        MemorySegment r1 = arena.allocate(2);
        MemorySegment r2 = arena.allocate(5);
        Iovec.IOV_BASE.setAddress(iov, r1);
        Iovec.IOV_LEN.set(iov, 2);
        Iovec.IOV_BASE.setAddress(iov.asSlice(Iovec.SIZE), r2);
        Iovec.IOV_LEN.set(iov.asSlice(Iovec.SIZE), 5);
        assertEquals(7, LibC.readv(cs, p[1], iov, 2));
        assertEquals("ab", new String(r1.toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
        assertEquals("cdefg", new String(r2.toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
    }

    @Test
    void sendmsgPassesDescriptorWithScmRights() {
        MemorySegment sv = arena.allocate(JAVA_INT, 2);
        assertEquals(0, LibC.socketpair(cs, Constants.AF_UNIX, Constants.SOCK_STREAM, 0, sv));
        int a = track(sv.getAtIndex(JAVA_INT, 0));
        int b = track(sv.getAtIndex(JAVA_INT, 1));
        // the descriptor to pass: one end of a second pair, whose other end we keep
        assertEquals(0, LibC.socketpair(cs, Constants.AF_UNIX, Constants.SOCK_STREAM, 0, sv));
        int passed = track(sv.getAtIndex(JAVA_INT, 0));
        int kept = track(sv.getAtIndex(JAVA_INT, 1));

        long space = Constants.CMSG_SPACE_4;
        MemorySegment control = arena.allocate(space, 8);
        Cmsghdr.CMSG_LEN.set(control, Constants.CMSG_LEN_0 + 4);
        Cmsghdr.CMSG_LEVEL.set(control, Constants.SOL_SOCKET);
        Cmsghdr.CMSG_TYPE.set(control, Constants.SCM_RIGHTS);
        control.set(JAVA_INT, Constants.CMSG_LEN_0, passed);
        MemorySegment data = arena.allocateFrom("x", StandardCharsets.US_ASCII);
        MemorySegment iov = arena.allocate(Iovec.LAYOUT);
        Iovec.IOV_BASE.setAddress(iov, data);
        Iovec.IOV_LEN.set(iov, 1);
        MemorySegment msg = msghdr(iov, control, space);
        assertEquals(1, LibC.sendmsg(cs, a, msg, 0), this::errnoName);

        MemorySegment rcontrol = arena.allocate(space, 8);
        MemorySegment rdata = arena.allocate(4);
        Iovec.IOV_BASE.setAddress(iov, rdata);
        Iovec.IOV_LEN.set(iov, 4);
        MemorySegment rmsg = msghdr(iov, rcontrol, space);
        assertEquals(1, LibC.recvmsg(cs, b, rmsg, 0), this::errnoName);
        assertEquals(0, Msghdr.MSG_FLAGS.getInt(rmsg) & Constants.MSG_CTRUNC);
        assertEquals(Constants.SOL_SOCKET, Cmsghdr.CMSG_LEVEL.getInt(rcontrol));
        assertEquals(Constants.SCM_RIGHTS, Cmsghdr.CMSG_TYPE.getInt(rcontrol));
        int received = track(rcontrol.get(JAVA_INT, Constants.CMSG_LEN_0));
        assertNotEquals(passed, received, "the kernel installs a new descriptor number");

        // the received descriptor is the same socket: what goes in it comes out of the kept end
        MemorySegment hi = arena.allocateFrom("hi", StandardCharsets.US_ASCII);
        assertEquals(2, LibC.send(cs, received, hi, 2, 0));
        MemorySegment buf = arena.allocate(2);
        assertEquals(2, LibC.recv(cs, kept, buf, 2, 0));
    }

    /** A msghdr with one iovec and a control buffer of {@code controlLen} bytes, no address. */
    private MemorySegment msghdr(MemorySegment iov, MemorySegment control, long controlLen) {
        MemorySegment msg = arena.allocate(Msghdr.LAYOUT);
        Msghdr.MSG_IOV.setAddress(msg, iov);
        Msghdr.MSG_IOVLEN.set(msg, 1);
        Msghdr.MSG_CONTROL.setAddress(msg, control);
        Msghdr.MSG_CONTROLLEN.set(msg, controlLen);
        return msg;
    }

    @Test
    void selectReportsReadable() {
        int[] p = tcpPair();
        MemorySegment set = arena.allocate(FdSet.LAYOUT);
        set.set(JAVA_BYTE, p[1] / 8, (byte) (1 << (p[1] % 8)));
        MemorySegment tv = arena.allocate(Timeval.LAYOUT);
        assertEquals(0, LibC.select(cs, p[1] + 1, set, MemorySegment.NULL, MemorySegment.NULL, tv), "nothing to read yet");
        assertEquals(1, LibC.send(cs, p[0], arena.allocateFrom("z", StandardCharsets.US_ASCII), 1, 0));
        set.fill((byte) 0);
        set.set(JAVA_BYTE, p[1] / 8, (byte) (1 << (p[1] % 8)));
        Timeval.TV_SEC.set(tv, 5);
        assertEquals(1, LibC.select(cs, p[1] + 1, set, MemorySegment.NULL, MemorySegment.NULL, tv), this::errnoName);
        assertTrue((set.get(JAVA_BYTE, p[1] / 8) & (1 << (p[1] % 8))) != 0);
    }

    @Test
    void pollReportsWritableThenReadable() {
        int[] p = tcpPair();
        MemorySegment pfd = arena.allocate(Pollfd.LAYOUT);
        Pollfd.FD.set(pfd, p[1]);
        Pollfd.EVENTS.set(pfd, Constants.POLLIN | Constants.POLLOUT);
        assertEquals(1, LibC.poll(cs, pfd, 1, 1000));
        assertEquals(Constants.POLLOUT, Pollfd.REVENTS.getInt(pfd));
        assertEquals(1, LibC.send(cs, p[0], arena.allocateFrom("z", StandardCharsets.US_ASCII), 1, 0));
        assertEquals(1, LibC.poll(cs, pfd, 1, 1000));
        assertEquals(Constants.POLLIN | Constants.POLLOUT, Pollfd.REVENTS.getInt(pfd));
    }

    @Test
    void getaddrinfoLocalhost() {
        MemorySegment hints = arena.allocate(Addrinfo.LAYOUT);
        Addrinfo.AI_FAMILY.set(hints, Constants.AF_INET);
        Addrinfo.AI_SOCKTYPE.set(hints, Constants.SOCK_STREAM);
        MemorySegment res = arena.allocate(java.lang.foreign.ValueLayout.ADDRESS);
        int rc = LibC.getaddrinfo(cs, arena.allocateFrom("localhost"), arena.allocateFrom("80"), hints, res);
        assertEquals(0, rc, () -> LibC.gai_strerror(rc).reinterpret(256).getString(0));
        MemorySegment ai = res.get(java.lang.foreign.ValueLayout.ADDRESS, 0).reinterpret(Addrinfo.SIZE);
        try {
            assertEquals(Constants.AF_INET, Addrinfo.AI_FAMILY.getInt(ai));
            assertEquals(SockaddrIn.SIZE, Addrinfo.AI_ADDRLEN.get(ai));
            MemorySegment sa = Addrinfo.AI_ADDR.getAddress(ai).reinterpret(SockaddrIn.SIZE);
            assertEquals(80, Short.toUnsignedInt(Short.reverseBytes((short) SockaddrIn.SIN_PORT.get(sa))));
            assertEquals(127, SockaddrIn.SIN_ADDR.slice(sa, 4).get(JAVA_BYTE, 0));
        } finally {
            LibC.freeaddrinfo(res.get(java.lang.foreign.ValueLayout.ADDRESS, 0));
        }
    }

    @Test
    void getaddrinfoErrorIsEaiCode() {
        MemorySegment hints = arena.allocate(Addrinfo.LAYOUT);
        Addrinfo.AI_FLAGS.set(hints, Constants.AI_NUMERICHOST);
        MemorySegment res = arena.allocate(java.lang.foreign.ValueLayout.ADDRESS);
        int rc = LibC.getaddrinfo(cs, arena.allocateFrom("not-a-number"), MemorySegment.NULL, hints, res);
        assertEquals(Constants.EAI_NONAME, rc);
        assertTrue(LibC.gai_strerror(rc).reinterpret(256).getString(0).length() > 0);
    }

    @Test
    void setsockoptThenGetsockopt() {
        int fd = track(LibC.socket(cs, Constants.AF_INET, Constants.SOCK_STREAM, 0));
        MemorySegment v = arena.allocateFrom(JAVA_INT, 1);
        assertEquals(0, LibC.setsockopt(cs, fd, Constants.IPPROTO_TCP, Constants.TCP_NODELAY, v, 4));
        MemorySegment out = arena.allocate(JAVA_INT);
        MemorySegment len = arena.allocateFrom(JAVA_INT, 4);
        assertEquals(0, LibC.getsockopt(cs, fd, Constants.IPPROTO_TCP, Constants.TCP_NODELAY, out, len));
        assertEquals(1, out.get(JAVA_INT, 0));
        assertEquals(0, LibC.getsockopt(cs, fd, Constants.SOL_SOCKET, Constants.SO_TYPE, out, len));
        assertEquals(Constants.SOCK_STREAM, out.get(JAVA_INT, 0));
    }

    @Test
    void closedDescriptorIsEbadf() {
        int fd = LibC.socket(cs, Constants.AF_INET, Constants.SOCK_STREAM, 0);
        assertEquals(0, LibC.close(cs, fd));
        assertEquals(-1, LibC.listen(cs, fd, 1));
        assertEquals(Constants.EBADF, CallState.errno(cs));
        assertEquals("EBADF", errnoName());
    }

    @Test
    void closedPortIsEconnrefused() {
        int l = listener();
        int port = port(l);
        fds.remove(Integer.valueOf(l));
        LibC.close(cs, l);
        int c = track(LibC.socket(cs, Constants.AF_INET, Constants.SOCK_STREAM, 0));
        assertEquals(-1, LibC.connect(cs, c, loopback(port), (int) SockaddrIn.SIZE));
        assertEquals("ECONNREFUSED", errnoName());
    }

    @Test
    void takenPortIsEaddrinuse() {
        int l = listener();
        int other = track(LibC.socket(cs, Constants.AF_INET, Constants.SOCK_STREAM, 0));
        assertEquals(-1, LibC.bind(cs, other, loopback(port(l)), (int) SockaddrIn.SIZE));
        assertEquals("EADDRINUSE", errnoName());
    }

    @Test
    void fcntlTogglesNonBlockingAndRecvSaysEagain() {
        int[] p = tcpPair();
        int flags = LibC.fcntl(cs, p[1], Constants.F_GETFL, 0);
        assertTrue(flags >= 0);
        assertEquals(0, LibC.fcntl(cs, p[1], Constants.F_SETFL, flags | Constants.O_NONBLOCK));
        MemorySegment buf = arena.allocate(4);
        assertEquals(-1, LibC.recv(cs, p[1], buf, 4, 0));
        assertEquals(Constants.EAGAIN, CallState.errno(cs));
        assertEquals(-1, CriticalCalls.recvNonBlocking(cs, p[1], buf, 4, Constants.MSG_DONTWAIT));
        assertEquals("EAGAIN", errnoName());
    }

    @Test
    void ioctlFionreadCountsPendingBytes() {
        int[] p = tcpPair();
        assertEquals(3, LibC.send(cs, p[0], arena.allocateFrom("abc", StandardCharsets.US_ASCII), 3, 0));
        MemorySegment n = arena.allocate(JAVA_INT);
        // data may still be in flight on loopback; poll first
        MemorySegment pfd = arena.allocate(Pollfd.LAYOUT);
        Pollfd.FD.set(pfd, p[1]);
        Pollfd.EVENTS.set(pfd, Constants.POLLIN);
        assertEquals(1, LibC.poll(cs, pfd, 1, 1000));
        assertEquals(0, LibC.ioctl(cs, p[1], Constants.FIONREAD, n));
        assertEquals(3, n.get(JAVA_INT, 0));
    }

    @Test
    void inetPtonNtopRoundTrip() {
        MemorySegment dst = arena.allocate(16);
        assertEquals(1, LibC.inet_pton(cs, Constants.AF_INET6, arena.allocateFrom("2001:db8::1"), dst));
        MemorySegment text = arena.allocate(Constants.INET6_ADDRSTRLEN);
        MemorySegment r = LibC.inet_ntop(cs, Constants.AF_INET6, dst, text, Constants.INET6_ADDRSTRLEN);
        assertNotEquals(MemorySegment.NULL, r);
        assertEquals("2001:db8::1", text.getString(0));
        assertEquals(0, LibC.inet_pton(cs, Constants.AF_INET, arena.allocateFrom("300.1.2.3"), dst));
    }

    @Test
    void strerrorAndLoopbackIndex() {
        MemorySegment buf = arena.allocate(256);
        assertEquals(0, LibC.strerror_r(Constants.ECONNREFUSED, buf, 256));
        assertEquals("Connection refused", buf.getString(0));
        int lo = LibC.if_nametoindex(cs, arena.allocateFrom(Platform.current().isLinux() ? "lo" : "lo0"));
        assertTrue(lo > 0);
        MemorySegment name = arena.allocate(Constants.IF_NAMESIZE);
        assertNotEquals(MemorySegment.NULL, LibC.if_indextoname(cs, lo, name));
    }

    @Test
    void sockatmarkAndPipeAndShutdown() {
        int[] p = tcpPair();
        assertEquals(0, LibC.sockatmark(cs, p[1]));
        assertEquals(0, LibC.shutdown(cs, p[0], Constants.SHUT_WR));
        MemorySegment buf = arena.allocate(4);
        assertEquals(0, LibC.recv(cs, p[1], buf, 4, 0), "end of stream after the peer's SHUT_WR");
        MemorySegment pipe = arena.allocate(JAVA_INT, 2);
        assertEquals(0, LibC.pipe(cs, pipe));
        track(pipe.getAtIndex(JAVA_INT, 0));
        track(pipe.getAtIndex(JAVA_INT, 1));
    }

    @Test
    void epollWaitSeesReadableSocket() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Platform.current().isLinux(), "epoll is Linux-only");
        int[] p = tcpPair();
        int ep = track(LibC.epoll_create1(cs, Constants.EPOLL_CLOEXEC));
        MemorySegment ev = arena.allocate(EpollEvent.LAYOUT);
        EpollEvent.EVENTS.set(ev, Constants.EPOLLIN);
        EpollEvent.DATA.set(ev, 0xABCDEF0123L);
        assertEquals(0, LibC.epoll_ctl(cs, ep, Constants.EPOLL_CTL_ADD, p[1], ev), this::errnoName);
        MemorySegment out = arena.allocate(EpollEvent.LAYOUT, 4);
        assertEquals(0, LibC.epoll_wait(cs, ep, out, 4, 0));
        assertEquals(1, LibC.send(cs, p[0], arena.allocateFrom("z", StandardCharsets.US_ASCII), 1, 0));
        assertEquals(1, LibC.epoll_wait(cs, ep, out, 4, 1000));
        assertEquals(0xABCDEF0123L, EpollEvent.DATA.get(out), "data round-trips through the packed layout");
    }

    @Test
    void eventfdWakesEpollAndPwait2TakesATimespec() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Platform.current().isLinux(), "eventfd and epoll are Linux-only");
        int efd = track(LibC.eventfd(cs, 0, Constants.EFD_CLOEXEC | Constants.EFD_NONBLOCK));
        assertTrue(efd >= 0, this::errnoName);
        int ep = track(LibC.epoll_create1(cs, Constants.EPOLL_CLOEXEC));
        MemorySegment ev = arena.allocate(EpollEvent.LAYOUT);
        EpollEvent.EVENTS.set(ev, Constants.EPOLLIN);
        EpollEvent.DATA.set(ev, -1L);
        assertEquals(0, LibC.epoll_ctl(cs, ep, Constants.EPOLL_CTL_ADD, efd, ev), this::errnoName);
        MemorySegment out = arena.allocate(EpollEvent.LAYOUT, 2);
        MemorySegment counter = arena.allocate(JAVA_LONG);
        assertEquals(-1, LibC.read(cs, efd, counter, 8), "nothing signalled yet");
        assertEquals("EAGAIN", errnoName());
        counter.set(JAVA_LONG, 0, 2L);
        assertEquals(8, LibC.write(cs, efd, counter, 8));
        counter.set(JAVA_LONG, 0, 3L);
        assertEquals(8, LibC.write(cs, efd, counter, 8));
        MemorySegment ts = arena.allocate(Timespec.LAYOUT);
        Timespec.TV_SEC.set(ts, 0);
        Timespec.TV_NSEC.set(ts, 500_000);
        int n = LibC.hasEpollPwait2() ? LibC.epoll_pwait2(cs, ep, out, 2, ts, MemorySegment.NULL) : -2;
        if (n == -2 || (n == -1 && "ENOSYS".equals(errnoName()))) {
            System.out.println("RawLayerTest: epoll_pwait2 not available (libc or kernel); epoll_wait instead");
            n = LibC.epoll_wait(cs, ep, out, 2, 0);
        }
        assertEquals(1, n, this::errnoName);
        assertEquals(-1L, EpollEvent.DATA.get(out));
        assertEquals(8, LibC.read(cs, efd, counter, 8));
        assertEquals(5L, counter.get(JAVA_LONG, 0), "the counter sums the writes and reading resets it");
        assertEquals(0, LibC.epoll_wait(cs, ep, out, 2, 0));
    }

    @Test
    void sendmmsgRecvmmsgBatchUdp() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Platform.current().isLinux(), "sendmmsg/recvmmsg are Linux-only");
        int rx = track(LibC.socket(cs, Constants.AF_INET, Constants.SOCK_DGRAM, 0));
        assertEquals(0, LibC.bind(cs, rx, loopback(0), (int) SockaddrIn.SIZE));
        int tx = track(LibC.socket(cs, Constants.AF_INET, Constants.SOCK_DGRAM, 0));
        assertEquals(0, LibC.connect(cs, tx, loopback(port(rx)), (int) SockaddrIn.SIZE));
        int n = 4;
        MemorySegment vec = arena.allocate(Mmsghdr.LAYOUT, n);
        MemorySegment iovs = arena.allocate(Iovec.LAYOUT, n);
        MemorySegment bufs = arena.allocate(8L * n);
        for (int i = 0; i < n; i++) {
            bufs.set(JAVA_BYTE, 8L * i, (byte) ('a' + i));
            MemorySegment iov = iovs.asSlice(i * Iovec.SIZE, Iovec.SIZE);
            Iovec.IOV_BASE.setAddress(iov, bufs.asSlice(8L * i, 8));
            Iovec.IOV_LEN.set(iov, 1 + i);
            MemorySegment hdr = vec.asSlice(i * Mmsghdr.SIZE, Mmsghdr.SIZE);
            Msghdr.MSG_IOV.setAddress(hdr, iov);
            Msghdr.MSG_IOVLEN.set(hdr, 1);
        }
        assertEquals(n, LibC.sendmmsg(cs, tx, vec, n, 0), this::errnoName);
        for (int i = 0; i < n; i++) {
            Iovec.IOV_LEN.set(iovs.asSlice(i * Iovec.SIZE, Iovec.SIZE), 8);
        }
        assertEquals(n, LibC.recvmmsg(cs, rx, vec, n, Constants.MSG_WAITFORONE, MemorySegment.NULL), this::errnoName);
        for (int i = 0; i < n; i++) {
            assertEquals(1 + i, Mmsghdr.MSG_LEN.getInt(vec.asSlice(i * Mmsghdr.SIZE, Mmsghdr.SIZE)));
        }
    }

    @Test
    void everyRemainingBindingLinksAndReportsEbadf() {
        MemorySegment buf = arena.allocate(64);
        MemorySegment len = arena.allocateFrom(JAVA_INT, 16);
        MemorySegment msg = arena.allocate(Msghdr.LAYOUT);
        List<String> failures = new ArrayList<>();
        java.util.Map<String, Long> results = new java.util.LinkedHashMap<>();
        results.put("recvfrom", LibC.recvfrom(cs, -1, buf, 8, 0, buf, len));
        results.put("sendto", LibC.sendto(cs, -1, buf, 8, 0, loopback(9), (int) SockaddrIn.SIZE));
        results.put("recvmsg", LibC.recvmsg(cs, -1, msg, 0));
        results.put("sendmsg", LibC.sendmsg(cs, -1, msg, 0));
        results.put("getpeername", (long) LibC.getpeername(cs, -1, buf, len));
        results.put("accept", (long) LibC.accept(cs, -1, MemorySegment.NULL, MemorySegment.NULL));
        results.put("readv", LibC.readv(cs, -1, buf, 0));
        results.put("writev", LibC.writev(cs, -1, buf, 0));
        results.put("read", LibC.read(cs, -1, buf, 1));
        results.put("write", LibC.write(cs, -1, buf, 1));
        results.put("recv", LibC.recv(cs, -1, buf, 1, 0));
        results.put("send", LibC.send(cs, -1, buf, 1, 0));
        results.put("sendNonBlocking", CriticalCalls.sendNonBlocking(cs, -1, buf, 1, 0));
        results.put("shutdown", (long) LibC.shutdown(cs, -1, Constants.SHUT_RDWR));
        results.put("close", (long) LibC.close(cs, -1));
        results.put("sockatmark", (long) LibC.sockatmark(cs, -1));
        if (Platform.current().isLinux()) {
            results.put("accept4", (long) LibC.accept4(cs, -1, MemorySegment.NULL, MemorySegment.NULL, 0));
            results.put("recvmmsg", (long) LibC.recvmmsg(cs, -1, buf, 0, 0, MemorySegment.NULL));
            results.put("sendmmsg", (long) LibC.sendmmsg(cs, -1, buf, 0, 0));
            results.put("epoll_ctl", (long) LibC.epoll_ctl(cs, -1, Constants.EPOLL_CTL_ADD, 0, buf));
            results.put("epoll_wait", (long) LibC.epoll_wait(cs, -1, buf, 1, 0));
        } else {
            results.put("kevent", (long) LibC.kevent(cs, -1, MemorySegment.NULL, 0, MemorySegment.NULL, 0, MemorySegment.NULL));
        }
        for (var e : results.entrySet()) {
            // every call is made before errno is read again, so capture each one's errno right after it
            if (e.getValue() != -1) {
                failures.add(e.getKey() + " returned " + e.getValue());
            }
        }
        assertEquals(List.of(), failures);
        // and errno is per call: one more, checked on its own
        assertEquals(-1, LibC.getpeername(cs, -1, buf, len));
        assertEquals("EBADF", errnoName());
        // getnameinfo on a real address
        MemorySegment host = arena.allocate(Constants.NI_MAXHOST);
        MemorySegment serv = arena.allocate(Constants.NI_MAXSERV);
        assertEquals(0, LibC.getnameinfo(cs, loopback(80), (int) SockaddrIn.SIZE, host, Constants.NI_MAXHOST, serv,
                Constants.NI_MAXSERV, Constants.NI_NUMERICHOST | Constants.NI_NUMERICSERV));
        assertEquals("127.0.0.1", host.getString(0));
        assertEquals("80", serv.getString(0));
        assertTrue(LibC.getpid() == ProcessHandle.current().pid());
        assertTrue(LibC.getuid() >= 0 && LibC.getgid() >= 0);
    }
}
