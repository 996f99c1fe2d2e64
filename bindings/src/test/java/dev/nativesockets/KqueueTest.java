package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Field;
import dev.nativesockets.libc.Platform;
import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The 1:1 kqueue wrapper. The layout and constants are checked everywhere against xnu's
 * {@code <sys/event.h>} as transcribed (the probe checks them against the real header on a Mac);
 * the calls run only on macOS — they have not run yet, this project's machines being Linux.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KqueueTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    @Test
    void darwinKeventLayoutIs32BytesAsXnuDeclaresIt() {
        for (Platform p : new Platform[] {Platform.DARWIN_X86_64, Platform.DARWIN_AARCH64}) {
            GroupLayout k = p.table().struct("kevent");
            assertEquals(32, k.byteSize(), p + ": {uintptr_t ident; int16_t filter; uint16_t flags; uint32_t fflags; intptr_t data; void *udata;}");
            assertEquals(0, Field.offsetOf(k, "ident"));
            assertEquals(8, Field.offsetOf(k, "filter"));
            assertEquals(10, Field.offsetOf(k, "flags"));
            assertEquals(12, Field.offsetOf(k, "fflags"));
            assertEquals(16, Field.offsetOf(k, "data"));
            assertEquals(24, Field.offsetOf(k, "udata"));
            var t = p.table();
            assertEquals(-1, t.constant("EVFILT_READ"));
            assertEquals(-2, t.constant("EVFILT_WRITE"));
            assertEquals(-10, t.constant("EVFILT_USER"));
            assertEquals(0x1, t.constant("EV_ADD"));
            assertEquals(0x2, t.constant("EV_DELETE"));
            assertEquals(0x4, t.constant("EV_ENABLE"));
            assertEquals(0x8, t.constant("EV_DISABLE"));
            assertEquals(0x10, t.constant("EV_ONESHOT"));
            assertEquals(0x20, t.constant("EV_CLEAR"));
            assertEquals(0x40, t.constant("EV_RECEIPT"));
            assertEquals(0x4000, t.constant("EV_ERROR"));
            assertEquals(0x8000, t.constant("EV_EOF"));
            assertEquals(0x01000000, t.constant("NOTE_TRIGGER"));
            assertEquals(0, t.constant("NOTE_FFNOP"));
        }
    }

    @Test
    void userEventTriggersAndClears() throws IOException {
        assumeTrue(Kqueue.isSupported(), "kqueue is macOS-only");
        try (Kqueue kq = Kqueue.open(4)) {
            kq.user(7, Kqueue.EV_ADD | Kqueue.EV_CLEAR, Kqueue.NOTE_FFNOP, 77);
            assertEquals(0, kq.await(Duration.ZERO));
            kq.user(7, 0, Kqueue.NOTE_TRIGGER, 77);
            assertEquals(1, kq.await(LONG));
            assertEquals(Kqueue.EVFILT_USER, kq.filter(0));
            assertEquals(7, kq.ident(0));
            assertEquals(0, kq.await(Duration.ZERO), "EV_CLEAR: reset once delivered");
        }
    }

    @Test
    void readFilterWithUdataOneShotAndEof() throws IOException {
        assumeTrue(Kqueue.isSupported(), "kqueue is macOS-only");
        try (Kqueue kq = Kqueue.open(4); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            kq.change(p.second(), Kqueue.EVFILT_READ, Kqueue.EV_ADD | Kqueue.EV_ONESHOT, 0, 0, 0xCAFE);
            p.first().send("ab".getBytes(StandardCharsets.US_ASCII));
            assertEquals(1, kq.await(LONG));
            assertEquals(Kqueue.EVFILT_READ, kq.filter(0));
            assertEquals(0xCAFE, kq.udata(0));
            assertEquals(2, kq.data(0), "bytes readable");
            assertEquals(0, kq.await(Duration.ZERO), "one-shot: deleted after the event");
            kq.change(p.second(), Kqueue.EVFILT_READ, Kqueue.EV_ADD, 0, 0, 1);
            p.first().close();
            assertEquals(1, kq.await(LONG));
            assertTrue((kq.flags(0) & Kqueue.EV_EOF) != 0);
        }
    }

    @Test
    void readinessRunsOnKqueue() throws IOException {
        assumeTrue(Kqueue.isSupported(), "kqueue is macOS-only");
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            assertEquals("kqueue", loop.mechanism());
            loop.register(p.second(), Readiness.READ, "k");
            p.first().send(new byte[] {1});
            Object[] got = new Object[1];
            assertEquals(1, loop.await(LONG, (r, ops) -> got[0] = r.attachment()));
            assertEquals("k", got[0]);
        }
    }
}
