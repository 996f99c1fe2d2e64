package dev.nativesockets;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** IoVector (PHP's socket_iovec_*) and readv/writev (socket_readv/socket_writev). */
class IoVectorTest {

    @Test
    void allocAddSetFetchDeleteFree() {
        IoVector v = IoVector.allocate(3, 5);                      // socket_iovec_alloc
        assertEquals(2, v.count());
        assertArrayEquals(new byte[3], v.fetch(0));                // zeroed
        assertEquals(2, v.add(4));                                 // socket_iovec_add
        v.set(1, "hello".getBytes(US_ASCII));                      // socket_iovec_set (fits: reused)
        v.set(2, "longer than four".getBytes(US_ASCII));           // grows: reallocated
        assertEquals("hello", new String(v.fetch(1), US_ASCII));  // socket_iovec_fetch
        assertEquals("longer than four", new String(v.fetch(2), US_ASCII));
        assertEquals(3 + 5 + 16, v.totalLength());
        v.delete(0);                                               // socket_iovec_delete
        assertEquals(2, v.count());
        assertEquals("hello", new String(v.fetch(0), US_ASCII));
        v.set(0, new byte[2]);
        assertEquals(2, v.fetch(0).length);
        v.close();                                                 // socket_iovec_free
        v.close();                                                 // idempotent
        assertTrue(v.isClosed());
        assertThrows(IllegalStateException.class, () -> v.fetch(0));
        assertThrows(IllegalStateException.class, () -> v.add(1));
    }

    @Test
    void badIndexesAndLengthsAreRejected() {
        try (IoVector v = IoVector.allocate(1)) {
            assertThrows(IndexOutOfBoundsException.class, () -> v.fetch(1));
            assertThrows(IndexOutOfBoundsException.class, () -> v.delete(-1));
            assertThrows(IllegalArgumentException.class, () -> v.add(-1));
            assertThrows(IllegalArgumentException.class, () -> v.set(0, (byte[]) null));
            assertThrows(IllegalArgumentException.class, () -> v.add(MemorySegment.ofArray(new byte[4])));
            assertThrows(IllegalArgumentException.class, () -> v.gather(2));
        }
        assertThrows(IllegalArgumentException.class, () -> IoVector.allocate(new long[IoVector.IOV_MAX + 1]));
        try (IoVector big = IoVector.allocate(new long[IoVector.IOV_MAX])) {
            assertThrows(IllegalArgumentException.class, () -> big.add(1));
        }
    }

    @Test
    void writevGathersAndReadvScatters() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
             IoVector out = IoVector.allocate(0, 0, 0);
             IoVector in = IoVector.allocate(2, 3, 20)) {
            out.set(0, "he".getBytes(US_ASCII));
            out.set(1, "llo ".getBytes(US_ASCII));
            out.set(2, "world!".getBytes(US_ASCII));
            assertEquals(12, p.first().writev(out));
            assertEquals(12, p.second().readv(in));
            assertEquals("he", new String(in.fetch(0), US_ASCII));
            assertEquals("llo", new String(in.fetch(1), US_ASCII));
            assertEquals(" world!", new String(in.fetch(2), US_ASCII).substring(0, 7));
            assertEquals("hello world!", new String(in.gather(12), US_ASCII));
        }
    }

    @Test
    void readvAndWritevOnSegments() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM); Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocateFrom("abc", US_ASCII);
            MemorySegment b = arena.allocateFrom("defg", US_ASCII);
            // allocateFrom adds a NUL: send the text bytes only
            assertEquals(7, p.first().writev(a.asSlice(0, 3), b.asSlice(0, 4)));
            MemorySegment x = arena.allocate(4);
            MemorySegment y = arena.allocate(4);
            assertEquals(7, p.second().readv(x, y));
            assertEquals("abcd", new String(x.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), US_ASCII));
            assertEquals("efg", new String(y.asSlice(0, 3).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), US_ASCII));
        }
    }

    @Test
    void byteBuffersMixedHeapAndDirectAdvancePositions() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            ByteBuffer h1 = ByteBuffer.wrap("one,".getBytes(US_ASCII));
            ByteBuffer d = ByteBuffer.allocateDirect(4).put("two,".getBytes(US_ASCII)).flip();
            ByteBuffer h2 = ByteBuffer.wrap("xxthreexx".getBytes(US_ASCII), 2, 5);
            assertEquals(13, p.first().writev(h1, d, h2));
            assertEquals(0, h1.remaining());
            assertEquals(0, d.remaining());
            assertEquals(0, h2.remaining());

            ByteBuffer r1 = ByteBuffer.allocate(5);
            ByteBuffer r2 = ByteBuffer.allocateDirect(3);
            ByteBuffer r3 = ByteBuffer.allocate(10);
            assertEquals(13, p.second().readv(r1, r2, r3));
            assertEquals(5, r1.position());
            assertEquals(3, r2.position());
            assertEquals(5, r3.position());
            byte[] all = new byte[13];
            r1.flip().get(all, 0, 5);
            r2.flip().get(all, 5, 3);
            r3.flip().get(all, 8, 5);
            assertEquals("one,two,three", new String(all, US_ASCII));
        }
    }

    @Test
    void badBuffersFailBeforeTheCall() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Socket s = p.first();
            assertThrows(IllegalArgumentException.class, () -> s.readv((IoVector) null));
            assertThrows(IllegalArgumentException.class, () -> s.writev((MemorySegment[]) null));
            assertThrows(IllegalArgumentException.class, () -> s.writev(MemorySegment.ofArray(new byte[3])));
            assertThrows(IllegalArgumentException.class, () -> s.readv(ByteBuffer.allocate(4).asReadOnlyBuffer()));
            assertThrows(IllegalArgumentException.class, () -> s.readv(new MemorySegment[IoVector.IOV_MAX + 1]));
            MemorySegment dead;
            try (Arena arena = Arena.ofConfined()) {
                dead = arena.allocate(8);
            }
            MemorySegment closed = dead;
            assertThrows(IllegalStateException.class, () -> s.writev(closed));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ro = arena.allocate(8).asReadOnly();
                assertThrows(IllegalArgumentException.class, () -> s.readv(ro));
            }
            IoVector v = IoVector.allocate(4);
            v.close();
            assertThrows(IllegalStateException.class, () -> s.writev(v));
        }
    }

    @Test
    void nonBlockingReadvWouldBlockAndEndOfStreamIsZero() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM); IoVector v = IoVector.allocate(8)) {
            p.second().setBlocking(false);
            assertEquals(Socket.WOULD_BLOCK, p.second().readv(v));
            p.first().shutdown(How.WRITE);
            assertEquals(0, p.second().readv(v));
        }
    }

    @Test
    void writevToAClosedPeerRaisesEpipeNotASignal() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM); IoVector v = IoVector.allocate(16)) {
            p.second().close();
            SocketException e = assertThrows(SocketException.class, () -> p.first().writev(v));
            assertEquals("EPIPE", assertInstanceOf(ErrnoException.class, e).errnoName());
            assertEquals("writev", ((ErrnoException) e).operation());
        }
    }

    @Test
    void closedSocketAndIoVectorInUseAreStateErrors() throws Exception {
        SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
        p.close();
        try (IoVector v = IoVector.allocate(1)) {
            assertThrows(IllegalStateException.class, () -> p.first().readv(v));
        }
    }

    @Test
    void viewsStayTheCallersAfterClose() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4);
            IoVector v = IoVector.of(seg);
            v.set(0, new byte[] {1, 2});     // replaces the view with an owned copy
            v.set(0, seg);                   // back to the view (the owned one is freed)
            v.close();
            seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 7); // still usable
            assertEquals(7, seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
        }
    }
}
