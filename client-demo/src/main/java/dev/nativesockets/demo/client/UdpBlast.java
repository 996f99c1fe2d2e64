package dev.nativesockets.demo.client;

import dev.nativesockets.ControlMessage;
import dev.nativesockets.Domain;
import dev.nativesockets.MessageBatch;
import dev.nativesockets.SegmentSize;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * {@code client-demo udp-blast}: sends {@code --count} datagrams of {@code --size} bytes as fast as
 * {@code sendmmsg(2)} goes, 64 messages per call from a {@link MessageBatch}. With {@code --gso yes}
 * each message is a GSO super-buffer ({@link SegmentSize}, {@code UDP_SEGMENT}) of up to 64
 * datagrams of {@code --size} bytes that the kernel cuts up, so one system call sends up to 4,096
 * datagrams. Reports datagrams per second; datagram {@code i} starts with {@code i} (4 bytes, big
 * endian) so a receiver can check order.
 */
final class UdpBlast {
    private UdpBlast() {}

    static final int BATCH = 64;
    /** Segments per GSO send: the kernel's limit on older kernels (UDP_MAX_SEGMENTS). */
    static final int SEGMENTS = 64;
    private static final ValueLayout.OfInt NUMBER = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    static int run(Args args) {
        InetSocketAddress to = args.address("127.0.0.1", 1935);
        int count = args.integer("count", 100_000, 1, Integer.MAX_VALUE);
        int size = args.integer("size", 1200, 4, 65_507);
        boolean gso = args.string("gso", "no").equals("yes");
        int perMessage = gso ? Math.max(1, Math.min(SEGMENTS, 65_507 / size)) : 1;
        Domain domain = to.getAddress() instanceof Inet6Address ? Domain.INET6 : Domain.INET;
        try (Socket s = Socket.open(domain, Type.DGRAM)) {
            s.connect(to);
            MessageBatch batch = MessageBatch.allocate(BATCH, size * perMessage, gso ? ControlMessage.space(2) : 0);
            if (gso) {
                for (int i = 0; i < BATCH; i++) {
                    batch.control(i, SegmentSize.of(size)); // the kernel cuts each message into datagrams of --size
                }
            }
            long start = System.nanoTime();
            int sent = 0;
            long calls = 0;
            while (sent < count) {
                int messages = 0;
                int next = sent;
                while (messages < BATCH && next < count) {
                    int datagrams = Math.min(perMessage, count - next);
                    for (int d = 0; d < datagrams; d++) {
                        batch.data(messages).set(NUMBER, (long) d * size, next + d);
                    }
                    batch.sendLength(messages, datagrams * size);
                    next += datagrams;
                    messages++;
                }
                int done = 0;
                while (done < messages) {
                    int n = s.sendMmsg(batch, done, messages - done, 0);
                    calls++;
                    for (int i = done; i < done + n; i++) {
                        sent += batch.length(i) / size;
                    }
                    done += n;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Console.OUT.printf(Locale.ROOT, "udp-blast: sent %d datagrams of %d bytes to %s in %.3f s: %.0f datagrams/s, %.1f MB/s (%s, %d sendmmsg calls)%n",
                    sent, size, Console.format(to), seconds, sent / seconds, sent * (double) size / seconds / 1e6,
                    gso ? "GSO, " + perMessage + " datagrams per message" : "no GSO", calls);
            return 0;
        } catch (IOException e) {
            Console.ERR.println("client-demo udp-blast: " + Console.describe(e));
            return 1;
        }
    }
}
