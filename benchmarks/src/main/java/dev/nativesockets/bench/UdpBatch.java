package dev.nativesockets.bench;

import dev.nativesockets.Message;
import dev.nativesockets.MessageBatch;
import dev.nativesockets.MsgFlags;
import dev.nativesockets.Socket;
import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Iovec;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Mmsghdr;
import dev.nativesockets.libc.Msghdr;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * UDP datagrams per second, one thread: two connected sockets on 127.0.0.1; an operation sends
 * {@link #BATCH} datagrams of {@code size} bytes from one and receives them on the other (loopback
 * delivers within the send, so nothing blocks and nothing is dropped). Implementations ending in
 * {@code _mmsg} move the 32 with one {@code sendmmsg(2)} and one {@code recvmmsg(2)}
 * ({@code nativesockets_mmsg}: {@code Socket.sendMmsg}/{@code recvMmsg} over two prepared
 * {@code MessageBatch}es; {@code raw_mmsg}, {@code ffm_mmsg}: a prepared mmsghdr vector); the others
 * with one call per datagram. Scored per datagram. Not in the default set, for comparison only:
 * {@code nativesockets_list_mmsg}, the same calls over a {@code List} of 32 reused {@code Message}s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
public class UdpBatch extends JmhDefaults {
    public static final int BATCH = 32;

    @Param({"nativesockets", "confined", "nativesockets_mmsg", "raw_mmsg", "ffm_mmsg", "raw", "ffm", "channel", "socket"})
    public String impl;

    @Param({"64"})
    public int size;

    private Pair pair;
    private Batch batch;

    /** Whether {@code dev.nativesockets.Socket} has its own sendMmsg/recvMmsg (it does since the messages work). */
    static boolean hasSocketMmsg() {
        return true;
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        Affinity.pin(Affinity.CPU_A);
        String base = impl.replace("_list_mmsg", "").replace("_mmsg", "");
        pair = Pair.udp(base);
        if (impl.equals("nativesockets_mmsg")) {
            batch = new SocketMmsg(((Endpoint.Ns) pair.client()).socket, ((Endpoint.Ns) pair.server()).socket, size);
        } else if (impl.equals("nativesockets_list_mmsg")) {
            batch = new MessageListMmsg(((Endpoint.Ns) pair.client()).socket, ((Endpoint.Ns) pair.server()).socket, size);
        } else if (impl.endsWith("_mmsg")) {
            Socket a = owner(pair.client());
            Socket b = owner(pair.server());
            batch = new Mmsg(a.fd(), b.fd(), size, base.equals("ffm"));
        } else {
            pair.client().confineToCurrentThread(); // one thread drives both ends
            pair.server().confineToCurrentThread();
            batch = new PerDatagram(pair.client(), pair.server(), size);
        }
    }

    private static Socket owner(Endpoint e) {
        return switch (e) {
            case Endpoint.Raw r -> r.owner;
            case Endpoint.Ffm f -> f.owner;
            default -> throw new IllegalArgumentException("no descriptor behind " + e);
        };
    }

    @Setup(Level.Iteration)
    public void pin() {
        Affinity.pin(Affinity.CPU_A);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void sendReceive32() throws IOException {
        batch.run();
    }

    @TearDown(Level.Trial)
    public void close() {
        pair.close();
    }

    abstract static class Batch {
        abstract void run() throws IOException;
    }

    /** One send and one receive call per datagram, through any implementation. */
    static final class PerDatagram extends Batch {
        final Endpoint from;
        final Endpoint to;
        final int size;

        PerDatagram(Endpoint from, Endpoint to, int size) {
            this.from = from;
            this.to = to;
            this.size = size;
        }

        @Override
        void run() throws IOException {
            for (int i = 0; i < BATCH; i++) {
                from.sendFully(size);
            }
            for (int i = 0; i < BATCH; i++) {
                to.recvFully(size);
            }
        }
    }

    /**
     * The library's own batch calls: Socket.sendMmsg / Socket.recvMmsg over two prepared
     * MessageBatches of 32. The sockets are connected, so receives leave senders' addresses out,
     * as the raw and C loops do.
     */
    static final class SocketMmsg extends Batch {
        final Socket from;
        final Socket to;
        final MessageBatch out;
        final MessageBatch in;

        SocketMmsg(Socket from, Socket to, int size) {
            this.from = from;
            this.to = to;
            out = MessageBatch.allocate(BATCH, size, 0);
            in = MessageBatch.allocate(BATCH, size, 0).receiveAddresses(false);
        }

        @Override
        void run() throws IOException {
            int sent = 0;
            while (sent < BATCH) {
                sent += from.sendMmsg(out, sent, BATCH - sent, 0);
            }
            int got = 0;
            while (got < BATCH) {
                got += to.recvMmsg(in, got, BATCH - got, MsgFlags.WAITFORONE, null);
            }
        }
    }

    /** The List&lt;Message&gt; form of the batch calls (Socket.sendMmsg/recvMmsg over 32 reused Messages). */
    static final class MessageListMmsg extends Batch {
        final Socket from;
        final Socket to;
        final List<Message> out = new ArrayList<>();
        final List<Message> in = new ArrayList<>();

        MessageListMmsg(Socket from, Socket to, int size) {
            this.from = from;
            this.to = to;
            Arena arena = Arena.ofAuto();
            for (int i = 0; i < BATCH; i++) {
                out.add(Message.of(arena.allocate(size, 8)));
                in.add(Message.of(arena.allocate(size, 8)));
            }
        }

        @Override
        void run() throws IOException {
            int sent = 0;
            while (sent < BATCH) {
                sent += from.sendMmsg(sent == 0 ? out : out.subList(sent, BATCH), 0);
            }
            int got = 0;
            while (got < BATCH) {
                got += to.recvMmsg(got == 0 ? in : in.subList(got, BATCH), MsgFlags.WAITFORONE, null);
            }
        }
    }

    /** sendmmsg/recvmmsg over 32 prepared mmsghdr entries, through the raw layer or bare handles. */
    static final class Mmsg extends Batch {
        final int fromFd;
        final int toFd;
        final boolean bare;
        final Arena arena = Arena.ofAuto();
        final MemorySegment cs = CallState.allocate(arena);
        final MemorySegment sendVec;
        final MemorySegment recvVec;

        Mmsg(int fromFd, int toFd, int size, boolean bare) {
            this.fromFd = fromFd;
            this.toFd = toFd;
            this.bare = bare;
            this.sendVec = vector(size);
            this.recvVec = vector(size);
        }

        private MemorySegment vector(int size) {
            MemorySegment data = arena.allocate((long) BATCH * size, 64);
            MemorySegment iovs = arena.allocate(BATCH * Iovec.SIZE, 8);
            MemorySegment vec = arena.allocate(BATCH * Mmsghdr.SIZE, 8);
            for (int i = 0; i < BATCH; i++) {
                MemorySegment iov = iovs.asSlice(i * Iovec.SIZE, Iovec.SIZE);
                Iovec.IOV_BASE.setAddress(iov, data.asSlice((long) i * size, size));
                Iovec.IOV_LEN.set(iov, size);
                MemorySegment hdr = vec.asSlice(i * Mmsghdr.SIZE + Mmsghdr.MSG_HDR.offset(), Msghdr.SIZE);
                Msghdr.MSG_IOV.setAddress(hdr, iov);
                Msghdr.MSG_IOVLEN.set(hdr, 1);
            }
            return vec;
        }

        @Override
        void run() throws IOException {
            int sent = 0;
            while (sent < BATCH) {
                MemorySegment v = sent == 0 ? sendVec : sendVec.asSlice(sent * Mmsghdr.SIZE);
                int n = bare ? Bare.sendmmsg(fromFd, v, BATCH - sent, 0)
                        : LibC.sendmmsg(cs, fromFd, v, BATCH - sent, 0);
                if (n < 0) {
                    throw new IOException("sendmmsg: errno " + CallState.errno(cs));
                }
                sent += n;
            }
            int got = 0;
            while (got < BATCH) {
                MemorySegment v = got == 0 ? recvVec : recvVec.asSlice(got * Mmsghdr.SIZE);
                int n = bare ? Bare.recvmmsg(toFd, v, BATCH - got, Constants.MSG_WAITFORONE, MemorySegment.NULL)
                        : LibC.recvmmsg(cs, toFd, v, BATCH - got, Constants.MSG_WAITFORONE, MemorySegment.NULL);
                if (n < 0) {
                    throw new IOException("recvmmsg: errno " + CallState.errno(cs));
                }
                got += n;
            }
        }
    }
}
