package dev.nativesockets;

import dev.nativesockets.libc.Platform;
import dev.nativesockets.linux.PacketMembership;
import java.net.NetworkInterface;
import java.time.Duration;

/**
 * Socket options beyond {@link java.net.StandardSocketOptions}, grouped by level as
 * {@code getsockopt(2)} groups them. Each is a {@link NativeOption}; one the running platform
 * lacks reports {@link NativeOption#isSupported()} false and fails with
 * {@link UnsupportedOperationException} when used — it is never silently ignored.
 *
 * <p>Anything not listed here is reachable by level and name through
 * {@link Socket#getIntOption(int, int)} and {@link Socket#getOption(int, int, java.lang.foreign.MemorySegment)}.
 */
public final class NativeOptions {
    private NativeOptions() {}

    private static final boolean LINUX = Platform.current().isLinux();

    private static <T> NativeOption<T> rw(String name, Class<T> type, String level, String opt, OptionCodec<T> codec) {
        return new NativeOption<>(name, type, level, opt, codec, true, true);
    }

    private static <T> NativeOption<T> ro(String name, Class<T> type, String level, String opt, OptionCodec<T> codec) {
        return new NativeOption<>(name, type, level, opt, codec, true, false);
    }

    private static <T> NativeOption<T> wo(String name, Class<T> type, String level, String opt, OptionCodec<T> codec) {
        return new NativeOption<>(name, type, level, opt, codec, false, true);
    }

    // ---- SOL_SOCKET ----
    /** {@code SO_REUSEADDR}. */
    public static final NativeOption<Boolean> SO_REUSEADDR = rw("SO_REUSEADDR", Boolean.class, "SOL_SOCKET", "SO_REUSEADDR", OptionCodec.BOOL);
    /** {@code SO_REUSEPORT}: several sockets bound to one port share its load (Linux) or may bind it (Darwin). */
    public static final NativeOption<Boolean> SO_REUSEPORT = rw("SO_REUSEPORT", Boolean.class, "SOL_SOCKET", "SO_REUSEPORT", OptionCodec.BOOL);
    /** {@code SO_KEEPALIVE}. */
    public static final NativeOption<Boolean> SO_KEEPALIVE = rw("SO_KEEPALIVE", Boolean.class, "SOL_SOCKET", "SO_KEEPALIVE", OptionCodec.BOOL);
    /** {@code SO_BROADCAST}. */
    public static final NativeOption<Boolean> SO_BROADCAST = rw("SO_BROADCAST", Boolean.class, "SOL_SOCKET", "SO_BROADCAST", OptionCodec.BOOL);
    /** {@code SO_OOBINLINE}: out-of-band data arrives in the normal stream. */
    public static final NativeOption<Boolean> SO_OOBINLINE = rw("SO_OOBINLINE", Boolean.class, "SOL_SOCKET", "SO_OOBINLINE", OptionCodec.BOOL);
    /** {@code SO_SNDBUF} in bytes (Linux doubles what is set and reports the doubled value). */
    public static final NativeOption<Integer> SO_SNDBUF = rw("SO_SNDBUF", Integer.class, "SOL_SOCKET", "SO_SNDBUF", OptionCodec.NON_NEGATIVE_INT);
    /** {@code SO_RCVBUF} in bytes (Linux doubles what is set). */
    public static final NativeOption<Integer> SO_RCVBUF = rw("SO_RCVBUF", Integer.class, "SOL_SOCKET", "SO_RCVBUF", OptionCodec.NON_NEGATIVE_INT);
    /** {@code SO_RCVLOWAT}. */
    public static final NativeOption<Integer> SO_RCVLOWAT = rw("SO_RCVLOWAT", Integer.class, "SOL_SOCKET", "SO_RCVLOWAT", OptionCodec.NON_NEGATIVE_INT);
    /** {@code SO_LINGER} in seconds, negative for off ({@code SO_LINGER_SEC} on Darwin, whose SO_LINGER counts ticks). */
    public static final NativeOption<Integer> SO_LINGER = rw("SO_LINGER", Integer.class, "SOL_SOCKET", LINUX ? "SO_LINGER" : "SO_LINGER_SEC", OptionCodec.LINGER);
    /**
     * {@code SO_RCVTIMEO} ({@code struct timeval}): a blocking receive (and on Linux accept) fails
     * with {@link java.net.SocketTimeoutException} after this long; zero waits forever. The kernel
     * keeps it in clock ticks, so it reads back rounded up to one (a few milliseconds at most).
     */
    public static final NativeOption<Duration> SO_RCVTIMEO = rw("SO_RCVTIMEO", Duration.class, "SOL_SOCKET", "SO_RCVTIMEO", OptionCodec.TIMEVAL);
    /** {@code SO_SNDTIMEO} ({@code struct timeval}): the same for a blocking send (and on Linux a Unix connect). */
    public static final NativeOption<Duration> SO_SNDTIMEO = rw("SO_SNDTIMEO", Duration.class, "SOL_SOCKET", "SO_SNDTIMEO", OptionCodec.TIMEVAL);
    /** {@code SO_TYPE} (read-only): the {@code SOCK_*} value. */
    public static final NativeOption<Integer> SO_TYPE = ro("SO_TYPE", Integer.class, "SOL_SOCKET", "SO_TYPE", OptionCodec.INT);
    /** {@code SO_ERROR} (read-only, and clears the pending error). */
    public static final NativeOption<Integer> SO_ERROR = ro("SO_ERROR", Integer.class, "SOL_SOCKET", "SO_ERROR", OptionCodec.INT);
    /** {@code SO_ACCEPTCONN} (read-only): whether the socket listens. */
    public static final NativeOption<Boolean> SO_ACCEPTCONN = ro("SO_ACCEPTCONN", Boolean.class, "SOL_SOCKET", "SO_ACCEPTCONN", OptionCodec.BOOL);
    /** {@code SO_PEERCRED} (Linux) / {@code LOCAL_PEERCRED} (Darwin): the peer process of a Unix socket. */
    public static final NativeOption<Credentials> SO_PEERCRED = LINUX
            ? ro("SO_PEERCRED", Credentials.class, "SOL_SOCKET", "SO_PEERCRED", OptionCodec.PEER_CREDENTIALS)
            : ro("SO_PEERCRED", Credentials.class, "SOL_LOCAL", "LOCAL_PEERCRED", OptionCodec.PEER_CREDENTIALS);
    /** {@code SO_PASSCRED} (Linux): receive {@code SCM_CREDENTIALS} with every message. */
    public static final NativeOption<Boolean> SO_PASSCRED = rw("SO_PASSCRED", Boolean.class, "SOL_SOCKET", "SO_PASSCRED", OptionCodec.BOOL);
    /** {@code SO_BINDTODEVICE} (Linux): restrict to one interface by name; may need CAP_NET_RAW. */
    public static final NativeOption<String> SO_BINDTODEVICE = rw("SO_BINDTODEVICE", String.class, "SOL_SOCKET", "SO_BINDTODEVICE", OptionCodec.STRING);
    /** {@code SO_TIMESTAMP}: receive {@code SCM_TIMESTAMP} (a timeval) with each datagram. */
    public static final NativeOption<Boolean> SO_TIMESTAMP = rw("SO_TIMESTAMP", Boolean.class, "SOL_SOCKET", "SO_TIMESTAMP", OptionCodec.BOOL);
    /** {@code SO_TIMESTAMPNS} (Linux): receive {@code SCM_TIMESTAMPNS} (a timespec). */
    public static final NativeOption<Boolean> SO_TIMESTAMPNS = rw("SO_TIMESTAMPNS", Boolean.class, "SOL_SOCKET", "SO_TIMESTAMPNS", OptionCodec.BOOL);
    /** {@code SO_NOSIGPIPE} (Darwin): set on every socket this library creates. */
    public static final NativeOption<Boolean> SO_NOSIGPIPE = rw("SO_NOSIGPIPE", Boolean.class, "SOL_SOCKET", "SO_NOSIGPIPE", OptionCodec.BOOL);

    // ---- IPPROTO_TCP ----
    /** {@code TCP_NODELAY}: disable Nagle. */
    public static final NativeOption<Boolean> TCP_NODELAY = rw("TCP_NODELAY", Boolean.class, "IPPROTO_TCP", "TCP_NODELAY", OptionCodec.BOOL);
    /** {@code TCP_QUICKACK} (Linux): ack at once; the kernel may clear it again. */
    public static final NativeOption<Boolean> TCP_QUICKACK = rw("TCP_QUICKACK", Boolean.class, "IPPROTO_TCP", "TCP_QUICKACK", OptionCodec.BOOL);
    /** {@code TCP_CORK} (Linux): hold partial frames until uncorked. */
    public static final NativeOption<Boolean> TCP_CORK = rw("TCP_CORK", Boolean.class, "IPPROTO_TCP", "TCP_CORK", OptionCodec.BOOL);
    /** {@code TCP_USER_TIMEOUT} (Linux) in milliseconds. */
    public static final NativeOption<Integer> TCP_USER_TIMEOUT = rw("TCP_USER_TIMEOUT", Integer.class, "IPPROTO_TCP", "TCP_USER_TIMEOUT", OptionCodec.NON_NEGATIVE_INT);
    /** {@code TCP_KEEPIDLE} (Darwin: {@code TCP_KEEPALIVE}) in seconds. */
    public static final NativeOption<Integer> TCP_KEEPIDLE = rw("TCP_KEEPIDLE", Integer.class, "IPPROTO_TCP", LINUX ? "TCP_KEEPIDLE" : "TCP_KEEPALIVE", OptionCodec.NON_NEGATIVE_INT);
    /** {@code TCP_KEEPINTVL} in seconds. */
    public static final NativeOption<Integer> TCP_KEEPINTVL = rw("TCP_KEEPINTVL", Integer.class, "IPPROTO_TCP", "TCP_KEEPINTVL", OptionCodec.NON_NEGATIVE_INT);
    /** {@code TCP_KEEPCNT}. */
    public static final NativeOption<Integer> TCP_KEEPCNT = rw("TCP_KEEPCNT", Integer.class, "IPPROTO_TCP", "TCP_KEEPCNT", OptionCodec.NON_NEGATIVE_INT);
    /** {@code TCP_FASTOPEN}: on a listener, the queue length of pending fast-open requests. */
    public static final NativeOption<Integer> TCP_FASTOPEN = rw("TCP_FASTOPEN", Integer.class, "IPPROTO_TCP", "TCP_FASTOPEN", OptionCodec.NON_NEGATIVE_INT);
    /** {@code TCP_MAXSEG}. */
    public static final NativeOption<Integer> TCP_MAXSEG = rw("TCP_MAXSEG", Integer.class, "IPPROTO_TCP", "TCP_MAXSEG", OptionCodec.NON_NEGATIVE_INT);
    /** {@code TCP_NOTSENT_LOWAT}. */
    public static final NativeOption<Integer> TCP_NOTSENT_LOWAT = rw("TCP_NOTSENT_LOWAT", Integer.class, "IPPROTO_TCP", "TCP_NOTSENT_LOWAT", OptionCodec.NON_NEGATIVE_INT);
    /** {@code TCP_CONGESTION} (Linux): the congestion-control algorithm by name. */
    public static final NativeOption<String> TCP_CONGESTION = rw("TCP_CONGESTION", String.class, "IPPROTO_TCP", "TCP_CONGESTION", OptionCodec.STRING);
    /** {@code TCP_INFO} (Linux, read-only): a {@link TcpInfo} snapshot. */
    public static final NativeOption<TcpInfo> TCP_INFO = ro("TCP_INFO", TcpInfo.class, "IPPROTO_TCP", "TCP_INFO", OptionCodec.TCP_INFO);

    // ---- IPPROTO_IP ----
    /** {@code IP_TTL}. */
    public static final NativeOption<Integer> IP_TTL = rw("IP_TTL", Integer.class, "IPPROTO_IP", "IP_TTL", OptionCodec.NON_NEGATIVE_INT);
    /** {@code IP_TOS}. */
    public static final NativeOption<Integer> IP_TOS = rw("IP_TOS", Integer.class, "IPPROTO_IP", "IP_TOS", OptionCodec.NON_NEGATIVE_INT);
    /** {@code IP_MULTICAST_TTL}. */
    public static final NativeOption<Integer> IP_MULTICAST_TTL = rw("IP_MULTICAST_TTL", Integer.class, "IPPROTO_IP", "IP_MULTICAST_TTL", OptionCodec.NON_NEGATIVE_INT);
    /** {@code IP_MULTICAST_LOOP}. */
    public static final NativeOption<Boolean> IP_MULTICAST_LOOP = rw("IP_MULTICAST_LOOP", Boolean.class, "IPPROTO_IP", "IP_MULTICAST_LOOP", OptionCodec.BOOL);
    /**
     * {@code IP_MULTICAST_IF}: the interface IPv4 multicast leaves by ({@code struct ip_mreqn} with
     * its index); reads back {@code null} until set. {@link java.net.StandardSocketOptions#IP_MULTICAST_IF}
     * maps here on IPv4 sockets.
     */
    public static final NativeOption<NetworkInterface> IP_MULTICAST_IF = rw("IP_MULTICAST_IF", NetworkInterface.class, "IPPROTO_IP", "IP_MULTICAST_IF", OptionCodec.MULTICAST_IF_V4);
    /** {@code IP_ADD_MEMBERSHIP} (write-only). */
    public static final NativeOption<Membership> IP_ADD_MEMBERSHIP = wo("IP_ADD_MEMBERSHIP", Membership.class, "IPPROTO_IP", "IP_ADD_MEMBERSHIP", OptionCodec.MEMBERSHIP_V4);
    /** {@code IP_DROP_MEMBERSHIP} (write-only). */
    public static final NativeOption<Membership> IP_DROP_MEMBERSHIP = wo("IP_DROP_MEMBERSHIP", Membership.class, "IPPROTO_IP", "IP_DROP_MEMBERSHIP", OptionCodec.MEMBERSHIP_V4);
    /** {@code IP_PKTINFO}: receive {@code IP_PKTINFO} control messages (destination address, interface). */
    public static final NativeOption<Boolean> IP_PKTINFO = rw("IP_PKTINFO", Boolean.class, "IPPROTO_IP", LINUX ? "IP_PKTINFO" : "IP_RECVPKTINFO", OptionCodec.BOOL);
    /** {@code IP_RECVTTL}: receive the TTL of each datagram. */
    public static final NativeOption<Boolean> IP_RECVTTL = rw("IP_RECVTTL", Boolean.class, "IPPROTO_IP", "IP_RECVTTL", OptionCodec.BOOL);
    /** {@code IP_RECVTOS}: receive the TOS byte of each datagram. */
    public static final NativeOption<Boolean> IP_RECVTOS = rw("IP_RECVTOS", Boolean.class, "IPPROTO_IP", "IP_RECVTOS", OptionCodec.BOOL);
    /** {@code IP_FREEBIND} (Linux): bind to addresses not (yet) configured. */
    public static final NativeOption<Boolean> IP_FREEBIND = rw("IP_FREEBIND", Boolean.class, "IPPROTO_IP", "IP_FREEBIND", OptionCodec.BOOL);

    // ---- IPPROTO_IPV6 ----
    /** {@code IPV6_V6ONLY}: refuse IPv4-mapped traffic on an IPv6 socket. */
    public static final NativeOption<Boolean> IPV6_V6ONLY = rw("IPV6_V6ONLY", Boolean.class, "IPPROTO_IPV6", "IPV6_V6ONLY", OptionCodec.BOOL);
    /** {@code IPV6_UNICAST_HOPS}. */
    public static final NativeOption<Integer> IPV6_UNICAST_HOPS = rw("IPV6_UNICAST_HOPS", Integer.class, "IPPROTO_IPV6", "IPV6_UNICAST_HOPS", OptionCodec.INT);
    /** {@code IPV6_TCLASS}. */
    public static final NativeOption<Integer> IPV6_TCLASS = rw("IPV6_TCLASS", Integer.class, "IPPROTO_IPV6", "IPV6_TCLASS", OptionCodec.INT);
    /** {@code IPV6_MULTICAST_HOPS}. */
    public static final NativeOption<Integer> IPV6_MULTICAST_HOPS = rw("IPV6_MULTICAST_HOPS", Integer.class, "IPPROTO_IPV6", "IPV6_MULTICAST_HOPS", OptionCodec.INT);
    /** {@code IPV6_MULTICAST_LOOP}. */
    public static final NativeOption<Boolean> IPV6_MULTICAST_LOOP = rw("IPV6_MULTICAST_LOOP", Boolean.class, "IPPROTO_IPV6", "IPV6_MULTICAST_LOOP", OptionCodec.BOOL);
    /**
     * {@code IPV6_MULTICAST_IF}: the interface (by index) IPv6 multicast leaves by; {@code null}
     * until set. {@link java.net.StandardSocketOptions#IP_MULTICAST_IF} maps here on IPv6 sockets.
     */
    public static final NativeOption<NetworkInterface> IPV6_MULTICAST_IF = rw("IPV6_MULTICAST_IF", NetworkInterface.class, "IPPROTO_IPV6", "IPV6_MULTICAST_IF", OptionCodec.MULTICAST_IF_V6);
    /** {@code IPV6_JOIN_GROUP} (write-only). */
    public static final NativeOption<Membership> IPV6_JOIN_GROUP = wo("IPV6_JOIN_GROUP", Membership.class, "IPPROTO_IPV6", "IPV6_JOIN_GROUP", OptionCodec.MEMBERSHIP_V6);
    /** {@code IPV6_LEAVE_GROUP} (write-only). */
    public static final NativeOption<Membership> IPV6_LEAVE_GROUP = wo("IPV6_LEAVE_GROUP", Membership.class, "IPPROTO_IPV6", "IPV6_LEAVE_GROUP", OptionCodec.MEMBERSHIP_V6);
    /** {@code IPV6_RECVPKTINFO}: receive {@code IPV6_PKTINFO} control messages. */
    public static final NativeOption<Boolean> IPV6_RECVPKTINFO = rw("IPV6_RECVPKTINFO", Boolean.class, "IPPROTO_IPV6", "IPV6_RECVPKTINFO", OptionCodec.BOOL);
    /** {@code IPV6_RECVHOPLIMIT}: receive the hop limit of each datagram. */
    public static final NativeOption<Boolean> IPV6_RECVHOPLIMIT = rw("IPV6_RECVHOPLIMIT", Boolean.class, "IPPROTO_IPV6", "IPV6_RECVHOPLIMIT", OptionCodec.BOOL);
    /** {@code IPV6_RECVTCLASS}: receive the traffic class of each datagram. */
    public static final NativeOption<Boolean> IPV6_RECVTCLASS = rw("IPV6_RECVTCLASS", Boolean.class, "IPPROTO_IPV6", "IPV6_RECVTCLASS", OptionCodec.BOOL);

    // ---- SOL_PACKET (Linux) ----
    /** {@code PACKET_ADD_MEMBERSHIP} (write-only): promiscuous, all-multicast or a multicast address on a packet socket. */
    public static final NativeOption<PacketMembership> PACKET_ADD_MEMBERSHIP = wo("PACKET_ADD_MEMBERSHIP", PacketMembership.class, "SOL_PACKET", "PACKET_ADD_MEMBERSHIP", OptionCodec.PACKET_MEMBERSHIP);
    /** {@code PACKET_DROP_MEMBERSHIP} (write-only). */
    public static final NativeOption<PacketMembership> PACKET_DROP_MEMBERSHIP = wo("PACKET_DROP_MEMBERSHIP", PacketMembership.class, "SOL_PACKET", "PACKET_DROP_MEMBERSHIP", OptionCodec.PACKET_MEMBERSHIP);

    // ---- SOL_UDP (Linux offloads) ----
    /**
     * {@code UDP_SEGMENT} (Linux 4.18+): generic segmentation offload. A send of up to 64 KiB is
     * cut by the kernel (or the NIC) into datagrams of this many bytes (the last may be shorter);
     * 0 turns it off. Per message, {@link SegmentSize} does the same.
     */
    public static final NativeOption<Integer> UDP_SEGMENT = rw("UDP_SEGMENT", Integer.class, "SOL_UDP", "UDP_SEGMENT", OptionCodec.NON_NEGATIVE_INT);
    /**
     * {@code UDP_GRO} (Linux 5.0+): receive coalesced datagrams of one flow as one buffer with a
     * {@link SegmentSize} control message giving the size of each; see {@link Socket#recvMsg}.
     */
    public static final NativeOption<Boolean> UDP_GRO = rw("UDP_GRO", Boolean.class, "SOL_UDP", "UDP_GRO", OptionCodec.BOOL);

    // ---- error queue and zero-copy (Linux) ----
    /** {@code SO_ZEROCOPY} (Linux 4.14+): allow {@code MSG_ZEROCOPY} sends; see {@link dev.nativesockets.linux.ZeroCopy}. */
    public static final NativeOption<Boolean> SO_ZEROCOPY = rw("SO_ZEROCOPY", Boolean.class, "SOL_SOCKET", "SO_ZEROCOPY", OptionCodec.BOOL);
    /** {@code IP_RECVERR} (Linux): queue extended errors (ICMP errors, zero-copy completions) on the error queue. */
    public static final NativeOption<Boolean> IP_RECVERR = rw("IP_RECVERR", Boolean.class, "IPPROTO_IP", "IP_RECVERR", OptionCodec.BOOL);
    /** {@code IPV6_RECVERR} (Linux): the same for IPv6. */
    public static final NativeOption<Boolean> IPV6_RECVERR = rw("IPV6_RECVERR", Boolean.class, "IPPROTO_IPV6", "IPV6_RECVERR", OptionCodec.BOOL);
}
