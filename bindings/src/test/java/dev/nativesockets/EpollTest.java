package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The 1:1 epoll wrapper over real sockets: every flag reaches the kernel, data round-trips. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EpollTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    @BeforeEach
    void linuxOnly() {
        assumeTrue(Epoll.isSupported(), "epoll is Linux-only");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void flagsAreTheKernelsValues() {
        assertEquals(0x1, Epoll.IN);
        assertEquals(0x2, Epoll.PRI);
        assertEquals(0x4, Epoll.OUT);
        assertEquals(0x8, Epoll.ERR);
        assertEquals(0x10, Epoll.HUP);
        assertEquals(0x2000, Epoll.RDHUP);
        assertEquals(1 << 28, Epoll.EXCLUSIVE);
        assertEquals(1 << 29, Epoll.WAKEUP);
        assertEquals(1 << 30, Epoll.ONESHOT);
        assertEquals(1 << 31, Epoll.ET);
    }

    @Test
    void addModifyDeleteAndDataRoundTrip() throws IOException {
        try (Epoll ep = Epoll.open(4); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            assertEquals(4, ep.capacity());
            ep.add(p.second(), Epoll.IN | Epoll.RDHUP, 0x1234_5678_9ABC_DEF0L);
            assertEquals(0, ep.await(Duration.ZERO));
            p.first().send(bytes("a"));
            assertEquals(1, ep.await(LONG));
            assertEquals(Epoll.IN, ep.events(0));
            assertEquals(0x1234_5678_9ABC_DEF0L, ep.data(0));
            ep.modify(p.second(), Epoll.OUT, -7L);
            assertEquals(1, ep.await(LONG));
            assertEquals(Epoll.OUT, ep.events(0));
            assertEquals(-7L, ep.data(0));
            ep.delete(p.second());
            assertEquals(0, ep.await(Duration.ZERO));
            ep.add(p.second(), Epoll.IN, 1); // deleted: may be added again
        }
    }

    @Test
    void edgeTriggeredAndOneShot() throws IOException {
        try (Epoll ep = Epoll.open(4); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                SocketPair q = Socket.pair(Domain.UNIX, Type.STREAM)) {
            ep.add(p.second(), Epoll.IN | Epoll.ET, 1);
            ep.add(q.second(), Epoll.IN | Epoll.ONESHOT, 2);
            p.first().send(bytes("e"));
            q.first().send(bytes("o"));
            assertEquals(2, ep.await(LONG));
            assertEquals(0, ep.await(Duration.ZERO), "ET: no new data; ONESHOT: disarmed");
            ep.modify(q.second(), Epoll.IN | Epoll.ONESHOT, 2);
            assertEquals(1, ep.await(LONG));
            assertEquals(2, ep.data(0));
        }
    }

    @Test
    void hangupAndPeerShutdownAreReported() throws IOException {
        try (Epoll ep = Epoll.open(4); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            ep.add(p.second(), Epoll.IN | Epoll.RDHUP, 0);
            p.first().shutdown(How.WRITE);
            assertEquals(1, ep.await(LONG));
            assertEquals(Epoll.IN | Epoll.RDHUP, ep.events(0) & (Epoll.IN | Epoll.RDHUP));
            p.first().close();
            assertEquals(1, ep.await(LONG));
            assertTrue((ep.events(0) & Epoll.HUP) != 0, "HUP once both halves are gone");
        }
    }

    @Test
    void exclusiveIsAcceptedOnAddAndWakeupNeedsItsCapability() throws IOException {
        try (Epoll ep = Epoll.open(4); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            ep.add(p.second(), Epoll.IN | Epoll.EXCLUSIVE, 0);
            p.first().send(bytes("x"));
            assertEquals(1, ep.await(LONG));
            // EPOLLEXCLUSIVE cannot be modified: the kernel says EINVAL, as an exception with its errno
            ErrnoException e = (ErrnoException) assertThrows(IOException.class, () -> ep.modify(p.second(), Epoll.IN, 0));
            assertEquals(Constants.EINVAL, e.errno());
            // EPOLLWAKEUP without CAP_BLOCK_SUSPEND is silently dropped by the kernel: accepted either way
            ep.add(p.first(), Epoll.IN | Epoll.WAKEUP, 0);
        }
    }

    @Test
    void subMillisecondTimeoutsAreKept() throws IOException {
        try (Epoll ep = Epoll.open(1)) {
            SubMillisecondWaits.Wait w = ep::await;
            SubMillisecondWaits.assertNeverShorterThanTheTimeout(w, 200);
            // only epoll_pwait2 (glibc 2.35+, Linux 5.11+) takes less than a millisecond; without
            // it rounding up to 1 ms is the documented behaviour
            Privilege.require(dev.nativesockets.libc.LibC.hasEpollPwait2(), "no epoll_pwait2 in libc: sub-millisecond waits round up to 1 ms");
            Privilege.require(ep.usesPwait2(), "the kernel has no epoll_pwait2 (ENOSYS): sub-millisecond waits round up to 1 ms");
            SubMillisecondWaits.assertNotRoundedUpToAMillisecond(w);
        }
    }

    @Test
    void fdsOfAnyKindAndClosingDeletesThem() throws IOException {
        int[] pipe = ReliabilityTestSupport.rawPipe();
        try (Epoll ep = Epoll.open(2); Fd r = Fd.adopt(pipe[0]); Fd w = Fd.adopt(pipe[1])) {
            ep.add(r, Epoll.IN, 9);
            ReliabilityTestSupport.rawWrite(w.value(), bytes("p"));
            assertEquals(1, ep.await(LONG));
            assertEquals(9, ep.data(0));
            ep.modify(r, Epoll.IN | Epoll.ET, 10);
            r.close();
            assertEquals(0, ep.await(Duration.ZERO));
            assertEquals(java.util.List.of(), ReadinessDescriptorTrapTest.kernelEntries(ep.descriptor()));
        }
    }

    @Test
    void closeWhileAnotherThreadWaitsReleasesAfterTheWait() throws Exception {
        Epoll ep = Epoll.open(1);
        int number = ep.descriptor();
        Net.Blocked waiter = Net.Blocked.start("waiter", () -> ep.await(Duration.ofMillis(300)));
        Thread.sleep(50);
        ep.close();
        waiter.join(10_000);
        if (waiter.error != null) { // closed before the wait began: refused up front
            assertTrue(waiter.error instanceof IllegalStateException, "got " + waiter.error);
        } else {
            assertEquals(0, waiter.result, "the wait ended by its timeout");
        }
        assertTrue(!ReliabilityTestSupport.identity(number).contains("eventpoll"), "released once the wait was over");
    }
}
