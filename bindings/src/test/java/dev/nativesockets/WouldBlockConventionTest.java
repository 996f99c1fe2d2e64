package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The would-block rule of {@link Socket}, on every call that can meet it: the documented result
 * ({@link Socket#WOULD_BLOCK} for counts, {@code null} for objects, {@code false} for connect) and
 * the errno recorded in {@link Socket#lastError()} and {@link Errno#lastError()} — over real,
 * non-blocking sockets with nothing to read or no room to write. Also the short overloads.
 */
class WouldBlockConventionTest {
    interface Call {
        Object run(Socket reader, Socket writer) throws IOException;
    }

    private static DynamicTest receiving(String name, Object expected, Call call) {
        return DynamicTest.dynamicTest(name, () -> {
            try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM)) {
                Socket r = p.second();
                r.setBlocking(false);
                r.clearError();
                Errno.clearError();
                Object got = call.run(r, p.first());
                assertEquals(expected, got, name);
                assertEquals(Constants.EAGAIN, r.lastError(), name + ": Socket.lastError()");
                assertEquals(Constants.EAGAIN, Errno.lastError(), name + ": Errno.lastError()");
            }
        });
    }

    private static DynamicTest sending(String name, Call call) {
        return DynamicTest.dynamicTest(name, () -> {
            try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
                Socket w = p.first();
                w.setBlocking(false);
                byte[] chunk = new byte[4096];
                while (w.send(chunk) != Socket.WOULD_BLOCK) {
                    // fill the buffer
                }
                w.clearError();
                Errno.clearError();
                Object got = call.run(p.second(), w);
                assertEquals(-1L, ((Number) got).longValue(), name);
                assertEquals(Constants.EAGAIN, w.lastError(), name + ": Socket.lastError()");
                assertEquals(Constants.EAGAIN, Errno.lastError(), name + ": Errno.lastError()");
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> everyCallThatWouldBlockSaysSoTheSameWay() {
        Arena arena = Arena.ofAuto();
        MemorySegment seg = arena.allocate(64);
        Stream<DynamicTest> common = Stream.of(
                receiving("recv(segment)", Socket.WOULD_BLOCK, (r, w) -> r.recv(seg)),
                receiving("recv(byte[], flags)", Socket.WOULD_BLOCK, (r, w) -> r.recv(new byte[8], 0)),
                receiving("recvFrom(byte[])", (long) Socket.WOULD_BLOCK, (r, w) -> (long) r.recvFrom(new byte[8]).length()),
                receiving("read(n)", null, (r, w) -> r.read(8)),
                receiving("readv(segment)", (long) Socket.WOULD_BLOCK, (r, w) -> r.readv(seg)),
                receiving("readv(IoVector)", (long) Socket.WOULD_BLOCK, (r, w) -> {
                    try (IoVector v = IoVector.allocate(8)) {
                        return r.readv(v);
                    }
                }),
                receiving("recvMsg", (long) Socket.WOULD_BLOCK, (r, w) -> r.recvMsg(Message.of(seg))),
                sending("send(byte[])", (r, w) -> w.send(new byte[4096])),
                sending("writev(segment)", (r, w) -> w.writev(arena.allocate(4096))),
                sending("sendMsg", (r, w) -> w.sendMsg(Message.of(arena.allocate(4096)))));
        if (!Net.LINUX) {
            return common;
        }
        return Stream.concat(common, Stream.of(
                receiving("recvMmsg(List)", Socket.WOULD_BLOCK, (r, w) -> r.recvMmsg(List.of(Message.of(seg)), 0, null)),
                receiving("recvMmsg(MessageBatch)", Socket.WOULD_BLOCK,
                        (r, w) -> r.recvMmsg(MessageBatch.allocate(2, 64, 0), 2, 0, null)),
                sending("sendMmsg(List)", (r, w) -> w.sendMmsg(List.of(Message.of(arena.allocate(4096))), 0))));
    }

    @Test
    void acceptWithNothingPendingIsNullAndRecordsEagain() throws Exception {
        try (Socket l = Socket.listen(new InetSocketAddress(Net.LO4, 0), 4)) {
            l.setBlocking(false);
            assertNull(l.accept());
            assertEquals(Constants.EAGAIN, l.lastError());
        }
    }

    @Test
    void theShortOverloadsSendAndReceive() throws Exception {
        try (Socket a = Socket.open(Domain.INET, Type.DGRAM); Socket b = Socket.open(Domain.INET, Type.DGRAM)) {
            a.bind(Net.ANY4);
            b.bind(Net.ANY4);
            assertEquals(5, a.sendTo("hello".getBytes(), b.localAddress()));
            byte[] in = new byte[16];
            Received r = b.recvFrom(in);
            assertEquals(5, r.length());
            assertEquals(a.localAddress(), r.source());
            assertEquals(2, a.sendTo("hi".getBytes(), 0, b.localAddress()));
            assertEquals(2, b.recvFrom(in, MsgFlags.PEEK).length());
            assertEquals(2, b.recv(in, 0));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment s = arena.allocate(3);
                s.copyFrom(MemorySegment.ofArray("abc".getBytes()));
                assertEquals(3, a.sendTo(s, b.localAddress()));
                assertEquals(3, b.recvFrom(arena.allocate(8)).length());
            }
        }
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            assertEquals(3, p.first().send("xyz".getBytes(), 0));
            byte[] got = new byte[3];
            assertEquals(3, p.second().recv(got, MsgFlags.WAITALL));
            assertArrayEquals("xyz".getBytes(), got);
        }
    }

    @Test
    void connectInProgressIsFalseAndRecordsEinprogress() throws Exception {
        // a non-blocking TCP connect to loopback usually completes at once; only assert the rule when it does not
        try (Socket l = Socket.listen(new InetSocketAddress(Net.LO4, 0), 4); Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            c.setBlocking(false);
            boolean done = c.connect(l.localAddress());
            assumeTrue(!done, "the connect completed at once; nothing to check");
            assertEquals(Constants.EINPROGRESS, c.lastError());
        }
    }
}
