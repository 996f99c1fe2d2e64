package dev.nativesockets.bench;

import dev.nativesockets.ControlMessage;
import dev.nativesockets.Domain;
import dev.nativesockets.Message;
import dev.nativesockets.MessageBatch;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.SegmentSize;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
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

/**
 * UDP datagrams per second with and without segmentation offload, one thread, two connected
 * sockets on 127.0.0.1: an operation moves {@link #SEGMENTS} datagrams of {@code size} bytes.
 * {@code mmsg}: one {@code sendmmsg(2)} of 48 messages from a {@link MessageBatch}, one
 * {@code recvmmsg(2)}; {@code gso}: one {@code sendmsg(2)} of 48 × size bytes with
 * {@link SegmentSize} ({@code UDP_SEGMENT}), the same {@code recvmmsg}; {@code gso_gro}: the same
 * send, and the receiver with {@code UDP_GRO} takes the 48 in one {@code recvmsg(2)}. The C
 * baseline is {@code nsbench udp_gso}. Scored per datagram.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UdpGso extends JmhDefaults {
    public static final int SEGMENTS = 48;

    @Param({"mmsg", "gso", "gso_gro"})
    public String impl;

    @Param({"1200"})
    public int size;

    private Socket tx;
    private Socket rx;
    private Arena arena;
    private MessageBatch sendBatch;
    private MessageBatch recvBatch;
    private Message gsoSend;
    private Message groRecv;
    private long total;

    @Setup(Level.Trial)
    public void open() throws IOException {
        Affinity.pin(Affinity.CPU_A);
        arena = Arena.ofShared();
        tx = Socket.open(Domain.INET, Type.DGRAM);
        rx = Socket.open(Domain.INET, Type.DGRAM);
        rx.bind(new InetSocketAddress("127.0.0.1", 0));
        tx.bind(new InetSocketAddress("127.0.0.1", 0));
        tx.connect(rx.localAddress());
        rx.connect(tx.localAddress());
        total = (long) SEGMENTS * size;
        sendBatch = MessageBatch.allocate(SEGMENTS, size, 0);
        for (int i = 0; i < SEGMENTS; i++) {
            sendBatch.sendLength(i, size);
        }
        recvBatch = MessageBatch.allocate(SEGMENTS, size, 0);
        MemorySegment data = arena.allocate(total, 64);
        gsoSend = new Message().data(data).control(SegmentSize.of(size));
        groRecv = new Message().data(arena.allocate(65_536, 64)).controlCapacity(ControlMessage.space(4));
        if (impl.equals("gso_gro")) {
            rx.setOption(NativeOptions.UDP_GRO, true);
        }
    }

    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public int sendReceive48() throws IOException {
        if (impl.equals("mmsg")) {
            for (int sent = 0; sent < SEGMENTS; ) {
                sent += tx.sendMmsg(sendBatch, sent, SEGMENTS - sent, 0);
            }
        } else {
            tx.sendMsg(gsoSend, 0);
        }
        if (impl.equals("gso_gro")) {
            long got = 0;
            while (got < total) {
                got += rx.recvMsg(groRecv, 0);
            }
            return (int) got;
        }
        int got = 0;
        while (got < SEGMENTS) {
            got += rx.recvMmsg(recvBatch, got, SEGMENTS - got, dev.nativesockets.MsgFlags.WAITFORONE, null);
        }
        return got;
    }

    @TearDown(Level.Trial)
    public void close() {
        tx.close();
        rx.close();
        arena.close();
    }
}
