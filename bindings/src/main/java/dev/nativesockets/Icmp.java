package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Icmphdr;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ICMP echo ("ping") over two kinds of socket, and the library picks neither for you:
 *
 * <ul>
 *   <li>{@link #openPing(boolean) ping sockets}: {@code socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)}
 *       or {@code (AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6)}. Unprivileged, but only for groups in
 *       {@code net.ipv4.ping_group_range} (both families); outside it {@code socket(2)} fails with
 *       {@code EACCES}. The kernel sets the echo identifier (the socket's "port") and the checksum,
 *       and hands the socket only replies to its own requests, without the IP header.</li>
 *   <li>{@link #openRaw(boolean) raw sockets}: {@code SOCK_RAW} with the same protocols. Need
 *       {@code CAP_NET_RAW} ({@code EPERM} without). An IPv4 raw socket receives every ICMP
 *       message to the host with its IP header in front and the sender must compute the checksum
 *       ({@link #echoRequest} does); an IPv6 one receives ICMPv6 without the header and the kernel
 *       computes the checksum.</li>
 * </ul>
 *
 * <p>Send a request with {@link Socket#sendTo(MemorySegment, int, java.net.SocketAddress)} to an
 * {@link java.net.InetSocketAddress} with port 0; read with {@link Socket#recvFrom} or
 * {@link Socket#recvMsg} and decode with {@link #parse}.
 */
public final class Icmp {
    private Icmp() {}

    /** The ICMP header in front of every message: type, code, checksum, identifier, sequence. */
    public static final int HEADER = 8;

    private static final int TYPE = (int) Icmphdr.TYPE.offset();
    private static final int CODE = (int) Icmphdr.CODE.offset();
    private static final int CHECKSUM = (int) Icmphdr.CHECKSUM.offset();
    private static final int ID = (int) Icmphdr.UN.offset();
    private static final int SEQUENCE = ID + 2;

    /** {@code socket(AF_INET[6], SOCK_DGRAM, IPPROTO_ICMP[V6])}: a ping socket; {@code EACCES} outside {@code ping_group_range}. */
    public static Socket openPing(boolean ipv6) throws IOException {
        return Socket.open(ipv6 ? Domain.INET6 : Domain.INET, Type.DGRAM, ipv6 ? Protocol.ICMPV6 : Protocol.ICMP);
    }

    /** {@code socket(AF_INET[6], SOCK_RAW, IPPROTO_ICMP[V6])}: a raw ICMP socket; {@code EPERM} without CAP_NET_RAW. */
    public static Socket openRaw(boolean ipv6) throws IOException {
        return Socket.open(ipv6 ? Domain.INET6 : Domain.INET, Type.RAW, ipv6 ? Protocol.ICMPV6 : Protocol.ICMP);
    }

    /** The echo-request type: {@code ICMP_ECHO} or {@code ICMP6_ECHO_REQUEST}. */
    public static int echoRequestType(boolean ipv6) {
        return ipv6 ? Constants.ICMP6_ECHO_REQUEST : Constants.ICMP_ECHO;
    }

    /** The echo-reply type: {@code ICMP_ECHOREPLY} or {@code ICMP6_ECHO_REPLY}. */
    public static int echoReplyType(boolean ipv6) {
        return ipv6 ? Constants.ICMP6_ECHO_REPLY : Constants.ICMP_ECHOREPLY;
    }

    /**
     * Writes an echo request (header, then {@code payload}) to the start of {@code dst} and returns
     * its length. The checksum is filled in for ICMPv4 (RFC 792), which raw sockets need; ICMPv6
     * leaves it 0, since the kernel computes it over the pseudo-header. On a ping socket the kernel
     * replaces {@code identifier} with the socket's own.
     *
     * @throws IllegalArgumentException if {@code identifier} or {@code sequence} is outside
     *     0..65535 or the message does not fit {@code dst}
     */
    public static int echoRequest(MemorySegment dst, boolean ipv6, int identifier, int sequence, byte[] payload) {
        Checks.requireArg(dst, "buffer");
        Checks.requireArg(payload, "payload");
        if (identifier < 0 || identifier > 0xffff || sequence < 0 || sequence > 0xffff) {
            throw new IllegalArgumentException("identifier and sequence are 16-bit: " + identifier + ", " + sequence);
        }
        int len = HEADER + payload.length;
        if (dst.byteSize() < len) {
            throw new IllegalArgumentException("echo request of " + len + " bytes does not fit " + dst.byteSize());
        }
        dst.set(ValueLayout.JAVA_BYTE, TYPE, (byte) echoRequestType(ipv6));
        dst.set(ValueLayout.JAVA_BYTE, CODE, (byte) 0);
        putShort(dst, CHECKSUM, 0);
        putShort(dst, ID, identifier);
        putShort(dst, SEQUENCE, sequence);
        MemorySegment.copy(payload, 0, dst, ValueLayout.JAVA_BYTE, HEADER, payload.length);
        if (!ipv6) {
            putShort(dst, CHECKSUM, checksum(dst, len));
        }
        return len;
    }

    /** The Internet checksum (RFC 1071) of {@code dst[0, len)}: what goes in an ICMPv4 header whose checksum field is 0. */
    public static int checksum(MemorySegment data, int len) {
        if (len < 0 || len > data.byteSize()) {
            throw new IllegalArgumentException("length " + len + " outside segment of " + data.byteSize() + " bytes");
        }
        long sum = 0;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            sum += getShort(data, i);
        }
        if (i < len) {
            sum += (data.get(ValueLayout.JAVA_BYTE, i) & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /**
     * One received ICMP message.
     *
     * @param type       ICMP type ({@code ICMP_ECHOREPLY} 0, {@code ICMP6_ECHO_REPLY} 129, …)
     * @param code       ICMP code
     * @param identifier echo identifier (meaningful for echo messages)
     * @param sequence   echo sequence number
     * @param dataLength bytes after the 8-byte ICMP header
     * @param ttl        the IPv4 TTL from the IP header (raw IPv4 sockets), else -1
     */
    public record Packet(int type, int code, int identifier, int sequence, int dataLength, int ttl) {
        /** Whether this is an echo reply of the given family. */
        public boolean isEchoReply(boolean ipv6) {
            return type == echoReplyType(ipv6);
        }

        /** ICMP header plus data: what ping(8) prints as "N bytes from". */
        public int icmpLength() {
            return HEADER + dataLength;
        }
    }

    /**
     * Decodes the ICMP message in {@code buf[0, len)}. With {@code ipHeader} (what an IPv4 raw
     * socket receives) an IPv4 header comes first: its length is read from the IHL field and its
     * TTL reported. Reads nothing outside {@code [0, len)}.
     *
     * @return the message, or {@code null} if the bytes are too short for the headers they claim
     */
    public static Packet parse(MemorySegment buf, int len, boolean ipHeader) {
        Checks.requireArg(buf, "buffer");
        if (len < 0 || len > buf.byteSize()) {
            throw new IllegalArgumentException("length " + len + " outside segment of " + buf.byteSize() + " bytes");
        }
        int at = 0;
        int ttl = -1;
        if (ipHeader) {
            if (len < 20) {
                return null;
            }
            int first = buf.get(ValueLayout.JAVA_BYTE, 0) & 0xff;
            int ihl = (first & 0x0f) * 4;
            if ((first >>> 4) != 4 || ihl < 20) {
                return null;
            }
            ttl = buf.get(ValueLayout.JAVA_BYTE, 8) & 0xff;
            at = ihl;
        }
        if (len - at < HEADER) {
            return null;
        }
        return new Packet(buf.get(ValueLayout.JAVA_BYTE, at + TYPE) & 0xff, buf.get(ValueLayout.JAVA_BYTE, at + CODE) & 0xff,
                getShort(buf, at + ID), getShort(buf, at + SEQUENCE), len - at - HEADER, ttl);
    }

    private static int getShort(MemorySegment s, long at) {
        return ((s.get(ValueLayout.JAVA_BYTE, at) & 0xff) << 8) | (s.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff);
    }

    private static void putShort(MemorySegment s, long at, int v) {
        s.set(ValueLayout.JAVA_BYTE, at, (byte) (v >>> 8));
        s.set(ValueLayout.JAVA_BYTE, at + 1, (byte) v);
    }
}
