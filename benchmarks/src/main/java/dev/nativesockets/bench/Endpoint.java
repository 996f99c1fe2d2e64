package dev.nativesockets.bench;

import dev.nativesockets.Socket;
import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/**
 * One end of a connection, seen through one implementation. Stream ends send and receive exactly
 * {@code n} bytes; datagram ends send and receive one datagram of {@code n} bytes. Each end owns
 * its buffer and is used by one thread at a time.
 */
abstract class Endpoint implements AutoCloseable {
    static final int CAPACITY = 64 * 1024;

    /** Sends exactly {@code n} bytes (one datagram on a datagram socket). */
    abstract void sendFully(int n) throws IOException;

    /** Receives exactly {@code n} bytes (one datagram on a datagram socket). */
    void recvFully(int n) throws IOException {
        int got = 0;
        while (got < n) {
            int r = recvAt(got, n - got);
            if (r <= 0) {
                throw new EOFException("peer closed after " + got + " of " + n + " bytes");
            }
            got += r;
        }
    }

    /** One receive of at most {@code max} bytes at {@code off} in the buffer; 0 or less at end of stream. */
    abstract int recvAt(int off, int max) throws IOException;

    /** One receive of at most {@code max} bytes; 0 or less at end of stream. */
    int recvSome(int max) throws IOException {
        return recvAt(0, max);
    }

    @Override
    public abstract void close();

    /** Binds the end to the calling thread where the implementation can ({@code confined}); else nothing. */
    void confineToCurrentThread() {}

    /** Whether only the thread that {@linkplain #confineToCurrentThread() confined} it may close it. */
    boolean confined() {
        return false;
    }

    // ---- NativeSockets: dev.nativesockets.Socket on a MemorySegment ------------------------

    /** The library; {@code confined}: the socket is {@link Socket#confine() confined} to the thread using it. */
    static final class Ns extends Endpoint {
        final Socket socket;
        private final MemorySegment buf = Arena.ofAuto().allocate(CAPACITY, 64);
        private MemorySegment slice = buf;
        private int sliceLen = CAPACITY;
        private final boolean datagram;
        private final boolean confine;

        Ns(Socket socket) {
            this(socket, false);
        }

        Ns(Socket socket, boolean confine) {
            this.socket = socket;
            this.datagram = socket.type() == dev.nativesockets.Type.DGRAM;
            this.confine = confine;
        }

        @Override
        void confineToCurrentThread() {
            if (confine) {
                socket.confine();
            }
        }

        @Override
        boolean confined() {
            return confine;
        }

        private MemorySegment first(int n) {
            if (n != sliceLen) {
                slice = buf.asSlice(0, n);
                sliceLen = n;
            }
            return slice;
        }

        @Override
        void sendFully(int n) throws IOException {
            MemorySegment seg = first(n);
            int sent = socket.send(seg);
            while (sent < n) {
                sent += socket.send(seg.asSlice(sent));
            }
        }

        @Override
        void recvFully(int n) throws IOException {
            int got = socket.recv(first(n)); // the common case: everything in one call, no slicing
            if (datagram) {
                return;
            }
            if (got <= 0) {
                throw new EOFException("peer closed");
            }
            while (got < n) {
                int r = socket.recv(buf.asSlice(got, n - got));
                if (r <= 0) {
                    throw new EOFException("peer closed after " + got + " of " + n + " bytes");
                }
                got += r;
            }
        }

        @Override
        int recvAt(int off, int max) throws IOException {
            return off == 0 ? socket.recv(first(max)) : socket.recv(buf.asSlice(off, max));
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    // ---- raw layer: dev.nativesockets.libc.LibC on the descriptor --------------------------

    static final class Raw extends Endpoint {
        final Socket owner; // owns the descriptor (and keeps the Cleaner away)
        private final int fd;
        private final Arena arena = Arena.ofAuto();
        private final MemorySegment cs = CallState.allocate(arena);
        private final MemorySegment buf = arena.allocate(CAPACITY, 64);
        private static final int SEND_FLAGS = Constants.MSG_NOSIGNAL;

        Raw(Socket owner) {
            this.owner = owner;
            this.fd = owner.fd();
        }

        @Override
        void sendFully(int n) throws IOException {
            long sent = 0;
            while (sent < n) {
                long r = LibC.send(cs, fd, sent == 0 ? buf : buf.asSlice(sent), n - sent, SEND_FLAGS);
                if (r < 0) {
                    throw new IOException("send: errno " + CallState.errno(cs));
                }
                sent += r;
            }
        }

        @Override
        int recvAt(int off, int max) throws IOException {
            long r = LibC.recv(cs, fd, off == 0 ? buf : buf.asSlice(off), max, 0);
            if (r < 0) {
                throw new IOException("recv: errno " + CallState.errno(cs));
            }
            return (int) r;
        }

        @Override
        public void close() {
            LibC.shutdown(cs, fd, Constants.SHUT_RDWR); // wakes a peer thread blocked in recv
            owner.close();
        }
    }

    // ---- bare FFM handles, linked in the benchmark ------------------------------------------

    static final class Ffm extends Endpoint {
        final Socket owner;
        private final int fd;
        private final MemorySegment buf = Arena.ofAuto().allocate(CAPACITY, 64);
        private static final int SEND_FLAGS = Constants.MSG_NOSIGNAL;

        Ffm(Socket owner) {
            this.owner = owner;
            this.fd = owner.fd();
        }

        @Override
        void sendFully(int n) throws IOException {
            long sent = 0;
            while (sent < n) {
                long r = Bare.send(fd, sent == 0 ? buf : buf.asSlice(sent), n - sent, SEND_FLAGS);
                if (r < 0) {
                    throw new IOException("send failed");
                }
                sent += r;
            }
        }

        @Override
        int recvAt(int off, int max) throws IOException {
            long r = Bare.recv(fd, off == 0 ? buf : buf.asSlice(off), max, 0);
            if (r < 0) {
                throw new IOException("recv failed");
            }
            return (int) r;
        }

        @Override
        public void close() {
            LibC.shutdown(CallState.allocate(Arena.ofAuto()), fd, Constants.SHUT_RDWR);
            owner.close();
        }
    }

    // ---- java.net.Socket streams -----------------------------------------------------------

    static final class Net extends Endpoint {
        private final java.net.Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buf = new byte[CAPACITY];

        Net(java.net.Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        void sendFully(int n) throws IOException {
            out.write(buf, 0, n);
        }

        @Override
        int recvAt(int off, int max) throws IOException {
            return in.read(buf, off, max);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    // ---- java.net.DatagramSocket -----------------------------------------------------------

    static final class NetDatagram extends Endpoint {
        private final DatagramSocket socket;
        private final byte[] buf = new byte[CAPACITY];
        private final DatagramPacket out = new DatagramPacket(buf, 0);
        private final DatagramPacket in = new DatagramPacket(buf, CAPACITY);

        NetDatagram(DatagramSocket socket) {
            this.socket = socket;
        }

        @Override
        void sendFully(int n) throws IOException {
            out.setLength(n);
            socket.send(out);
        }

        @Override
        void recvFully(int n) throws IOException {
            recvAt(0, n);
        }

        @Override
        int recvAt(int off, int max) throws IOException {
            in.setData(buf, off, max);
            socket.receive(in);
            return in.getLength();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    // ---- java.nio channels (SocketChannel, DatagramChannel) with a direct buffer ------------

    static final class Channel extends Endpoint {
        private final ByteChannel channel;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(CAPACITY);
        private final boolean datagram;

        Channel(ByteChannel channel) {
            this.channel = channel;
            this.datagram = channel instanceof java.nio.channels.DatagramChannel;
        }

        @Override
        void sendFully(int n) throws IOException {
            buf.clear().limit(n);
            do {
                channel.write(buf);
            } while (buf.hasRemaining());
        }

        @Override
        void recvFully(int n) throws IOException {
            if (datagram) {
                buf.clear().limit(n);
                channel.read(buf);
                return;
            }
            super.recvFully(n);
        }

        @Override
        int recvAt(int off, int max) throws IOException {
            buf.limit(off + max).position(off);
            return channel.read(buf);
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
