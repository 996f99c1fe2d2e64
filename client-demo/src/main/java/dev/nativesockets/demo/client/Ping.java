package dev.nativesockets.demo.client;

import dev.nativesockets.ControlMessage;
import dev.nativesockets.Icmp;
import dev.nativesockets.Message;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code client-demo ping HOST}: ICMP echo like ping(8). Tries a ping socket
 * ({@code SOCK_DGRAM}, unprivileged within {@code net.ipv4.ping_group_range}) first and falls back
 * to a raw socket ({@code SOCK_RAW}, CAP_NET_RAW), saying which it uses and why. One line per
 * reply and a summary; exit 0 when every request was answered.
 */
final class Ping {
    private Ping() {}

    private static final int DATA = 56;

    static int run(Args args) {
        String host = args.string("host", "127.0.0.1");
        int count = args.integer("count", 3, 1, 65_535);
        int intervalMs = args.integer("interval-ms", 1000, 0, 60_000);
        int timeoutMs = args.integer("timeout-ms", 2000, 1, 600_000);
        InetAddress target;
        try {
            target = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new Args.UsageException("unknown host: " + host);
        }
        boolean v6 = target instanceof Inet6Address;
        String shown = v6 ? Console.compress(target.getHostAddress()) : target.getHostAddress();
        Socket s;
        String kind;
        try {
            s = Icmp.openPing(v6);
            kind = "ping socket (SOCK_DGRAM)";
        } catch (IOException refused) {
            try {
                s = Icmp.openRaw(v6);
                kind = "raw socket (SOCK_RAW), because the ping socket was refused: " + Console.describe(refused);
            } catch (IOException e) {
                Console.ERR.println("client-demo ping: no ping socket (" + Console.describe(refused)
                        + ") and no raw socket (" + Console.describe(e) + ")");
                return 1;
            }
        }
        try (Socket socket = s; Arena arena = Arena.ofConfined()) {
            return ping(socket, kind, target, shown, v6, count, intervalMs, timeoutMs, arena);
        } catch (IOException e) {
            Console.ERR.println("client-demo ping: " + Console.describe(e));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int ping(Socket s, String kind, InetAddress target, String shown, boolean v6, int count,
                            int intervalMs, int timeoutMs, Arena arena) throws IOException, InterruptedException {
        {
            boolean raw = s.type() == Type.RAW;
            boolean ipHeader = raw && !v6;
            if (v6) {
                s.setOption(NativeOptions.IPV6_RECVHOPLIMIT, true);
            } else if (!raw) {
                s.setOption(NativeOptions.IP_RECVTTL, true);
            }
            s.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofMillis(timeoutMs));
            Console.OUT.println("PING " + shown + ": " + DATA + " data bytes over a " + kind);
            MemorySegment out = arena.allocate(Icmp.HEADER + DATA);
            MemorySegment in = arena.allocate(65_536);
            Message reply = new Message().data(in).controlCapacity(ControlMessage.space(4) * 2);
            int id = (int) (ProcessHandle.current().pid() & 0xffff);
            byte[] payload = new byte[DATA];
            for (int i = 0; i < DATA; i++) {
                payload[i] = (byte) (0x10 + i);
            }
            int received = 0;
            double min = Double.MAX_VALUE;
            double max = 0;
            double sum = 0;
            for (int seq = 1; seq <= count; seq++) {
                int len = Icmp.echoRequest(out, v6, id, seq, payload);
                long sent = System.nanoTime();
                s.sendTo(out.asSlice(0, len), 0, new InetSocketAddress(target, 0));
                Icmp.Packet p = awaitReply(s, reply, in, v6, ipHeader, raw, id, seq, sent, timeoutMs);
                if (p == null) {
                    Console.OUT.println("no reply for icmp_seq=" + seq + " within " + timeoutMs + " ms");
                } else {
                    double ms = (System.nanoTime() - sent) / 1e6;
                    received++;
                    min = Math.min(min, ms);
                    max = Math.max(max, ms);
                    sum += ms;
                    int ttl = p.ttl() >= 0 ? p.ttl() : ttlOf(reply);
                    Console.OUT.printf(Locale.ROOT, "%d bytes from %s: icmp_seq=%d %s=%d time=%.3f ms%n",
                            p.icmpLength(), shown, p.sequence(), v6 ? "hlim" : "ttl", ttl, ms);
                }
                if (seq < count && intervalMs > 0) {
                    Thread.sleep(intervalMs);
                }
            }
            Console.OUT.println("--- " + shown + " ping statistics ---");
            Console.OUT.printf(Locale.ROOT, "%d packets transmitted, %d received, %d%% packet loss%n",
                    count, received, (count - received) * 100 / count);
            if (received > 0) {
                Console.OUT.printf(Locale.ROOT, "rtt min/avg/max = %.3f/%.3f/%.3f ms%n", min, sum / received, max);
            }
            return received == count ? 0 : 1;
        }
    }

    /** Reads until the reply to {@code seq} comes or the time is up; a raw socket sees other ICMP traffic too. */
    private static Icmp.Packet awaitReply(Socket s, Message reply, MemorySegment in, boolean v6, boolean ipHeader,
                                          boolean raw, int id, int seq, long sent, int timeoutMs) throws IOException {
        long deadline = sent + timeoutMs * 1_000_000L;
        while (System.nanoTime() - deadline < 0) {
            try {
                s.recvMsg(reply);
            } catch (SocketTimeoutException e) {
                return null;
            }
            Icmp.Packet p = Icmp.parse(in, (int) Math.min(reply.length(), in.byteSize()), ipHeader);
            // a ping socket's identifier is the kernel's, and it delivers only this socket's replies
            if (p != null && p.isEchoReply(v6) && p.sequence() == seq && (!raw || p.identifier() == id)) {
                return p;
            }
        }
        return null;
    }

    private static int ttlOf(Message reply) {
        ControlMessage.Ttl ttl = reply.received(ControlMessage.Ttl.class);
        if (ttl != null) {
            return ttl.value();
        }
        ControlMessage.HopLimit hops = reply.received(ControlMessage.HopLimit.class);
        return hops != null ? hops.value() : -1;
    }
}
