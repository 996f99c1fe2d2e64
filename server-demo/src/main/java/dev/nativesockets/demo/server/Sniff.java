package dev.nativesockets.demo.server;

import dev.nativesockets.Interfaces;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.linux.Packet;
import dev.nativesockets.linux.PacketAddress;
import dev.nativesockets.linux.PacketMembership;
import dev.nativesockets.Received;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code server-demo sniff --iface lo}: a packet socket ({@code AF_PACKET}, {@code SOCK_RAW},
 * {@code ETH_P_ALL}) bound to one interface prints one line per frame — direction, protocol,
 * addresses and ports, length — and stops after {@code --count} frames ({@code --port} counts only
 * TCP/UDP frames with that port on either side). {@code --promisc yes} adds a
 * {@code PACKET_MR_PROMISC} membership. Needs CAP_NET_RAW.
 */
final class Sniff {
    private Sniff() {}

    private static final int ETH = Packet.ETHERNET_HEADER;

    static int run(Args args) {
        String iface = args.string("iface", "lo");
        int count = args.integer("count", 10, 1, Integer.MAX_VALUE);
        int port = args.integer("port", -1, -1, 65_535);
        boolean promisc = args.string("promisc", "no").equals("yes");
        try (Socket s = Packet.openOn(iface, Type.RAW, Packet.ALL); Arena arena = Arena.ofConfined()) {
            if (promisc) {
                s.setOption(NativeOptions.PACKET_ADD_MEMBERSHIP, PacketMembership.promiscuous(Interfaces.index(iface)));
            }
            // the "listening on" line the demo tests wait for; port 0: a packet socket has none
            Console.ERR.println("sniff: listening on " + iface + ":0 (AF_PACKET, SOCK_RAW, ETH_P_ALL"
                    + (promisc ? ", promiscuous" : "") + ")");
            MemorySegment frame = arena.allocate(65_536);
            for (int seen = 0; seen < count; ) {
                Received r = s.recvFrom(frame, 0);
                PacketAddress from = (PacketAddress) r.source();
                int len = (int) Math.min(r.length(), frame.byteSize());
                String line = describe(frame, len, from, iface, port);
                if (line != null) {
                    Console.OUT.println(line);
                    seen++;
                }
            }
            return 0;
        } catch (IOException e) {
            Console.ERR.println("server-demo sniff: " + Console.describe(e));
            return 1;
        }
    }

    /** One line for a frame, or {@code null} if a port filter is set and the frame does not match. */
    static String describe(MemorySegment f, int len, PacketAddress from, String iface, int portFilter) {
        String dir = from.packetType() == PacketAddress.OUTGOING ? "out" : "in ";
        StringBuilder b = new StringBuilder(iface).append(' ').append(dir).append(' ');
        int ethType = from.protocol();
        int at = ETH;
        if (len < ETH) {
            return portFilter < 0 ? b.append("short frame, ").append(len).append(" bytes").toString() : null;
        }
        if (ethType == Packet.IPV4 && len >= at + 20) {
            int ihl = (u8(f, at) & 0x0f) * 4;
            int proto = u8(f, at + 9);
            String src = ip(f, at + 12, 4);
            String dst = ip(f, at + 16, 4);
            return transport(b.append("IPv4 "), f, len, at + ihl, proto, src, dst, portFilter);
        }
        if (ethType == Packet.IPV6 && len >= at + 40) {
            int next = u8(f, at + 6);
            String src = "[" + Console.compress(ip(f, at + 8, 16)) + "]";
            String dst = "[" + Console.compress(ip(f, at + 24, 16)) + "]";
            return transport(b.append("IPv6 "), f, len, at + 40, next, src, dst, portFilter);
        }
        if (portFilter >= 0) {
            return null;
        }
        return b.append(ethType == Packet.ARP ? "ARP" : String.format("ethertype 0x%04x", ethType))
                .append(", ").append(len).append(" bytes").toString();
    }

    private static String transport(StringBuilder b, MemorySegment f, int len, int at, int proto, String src, String dst,
                                    int portFilter) {
        String name = switch (proto) {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 1 -> "ICMP";
            case 58 -> "ICMPv6";
            default -> "proto " + proto;
        };
        b.append(name).append(' ');
        if ((proto == 6 || proto == 17) && len >= at + 4) {
            int sp = u16(f, at);
            int dp = u16(f, at + 2);
            if (portFilter >= 0 && sp != portFilter && dp != portFilter) {
                return null;
            }
            b.append(src).append(':').append(sp).append(" > ").append(dst).append(':').append(dp);
        } else {
            if (portFilter >= 0) {
                return null;
            }
            b.append(src).append(" > ").append(dst);
        }
        return b.append(", ").append(len).append(" bytes").toString();
    }

    private static int u8(MemorySegment f, int at) {
        return f.get(ValueLayout.JAVA_BYTE, at) & 0xff;
    }

    private static int u16(MemorySegment f, int at) {
        return (u8(f, at) << 8) | u8(f, at + 1);
    }

    private static String ip(MemorySegment f, int at, int n) {
        try {
            return InetAddress.getByAddress(f.asSlice(at, n).toArray(ValueLayout.JAVA_BYTE)).getHostAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
