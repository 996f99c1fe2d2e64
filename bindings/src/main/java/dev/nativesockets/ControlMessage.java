package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.In6Pktinfo;
import dev.nativesockets.libc.InPktinfo;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Timespec;
import dev.nativesockets.libc.Timeval;
import dev.nativesockets.libc.Ucred;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * One ancillary-data item of {@code sendmsg(2)}/{@code recvmsg(2)}: a {@code struct cmsghdr}
 * (level, type) and its payload. PHP's {@code socket_sendmsg}/{@code socket_recvmsg} "control"
 * entries; {@link #cmsgSpace} is {@code socket_cmsg_space}.
 *
 * <table>
 *   <caption>Kinds</caption>
 *   <tr><th>type</th><th>level / cmsg_type</th><th>received when</th><th>on send</th></tr>
 *   <tr><td>{@link Rights}</td><td>SOL_SOCKET / SCM_RIGHTS</td><td>always (Unix sockets)</td><td>passes descriptors</td></tr>
 *   <tr><td>{@link Creds}</td><td>SOL_SOCKET / SCM_CREDENTIALS (Linux)</td><td>{@link NativeOptions#SO_PASSCRED}</td><td>states pid/uid/gid (checked by the kernel)</td></tr>
 *   <tr><td>{@link PacketInfo}</td><td>IPPROTO_IP / IP_PKTINFO, IPPROTO_IPV6 / IPV6_PKTINFO</td><td>{@link NativeOptions#IP_PKTINFO}, {@link NativeOptions#IPV6_RECVPKTINFO}</td><td>picks source address and interface</td></tr>
 *   <tr><td>{@link Ttl}, {@link HopLimit}</td><td>IP_TTL, IPV6_HOPLIMIT</td><td>{@link NativeOptions#IP_RECVTTL}, {@link NativeOptions#IPV6_RECVHOPLIMIT}</td><td>sets it for one datagram</td></tr>
 *   <tr><td>{@link Tos}, {@link TrafficClass}</td><td>IP_TOS, IPV6_TCLASS</td><td>{@link NativeOptions#IP_RECVTOS}, {@link NativeOptions#IPV6_RECVTCLASS}</td><td>sets it for one datagram</td></tr>
 *   <tr><td>{@link Timestamp}</td><td>SOL_SOCKET / SCM_TIMESTAMP, SCM_TIMESTAMPNS (Linux)</td><td>{@link NativeOptions#SO_TIMESTAMP}, {@link NativeOptions#SO_TIMESTAMPNS}</td><td>—</td></tr>
 *   <tr><td>{@link SegmentSize}</td><td>SOL_UDP / UDP_SEGMENT, UDP_GRO (Linux)</td><td>{@link NativeOptions#UDP_GRO}</td><td>GSO for one message</td></tr>
 *   <tr><td>{@link ExtendedError}</td><td>IP_RECVERR, IPV6_RECVERR (Linux)</td><td>{@code MSG_ERRQUEUE}</td><td>—</td></tr>
 *   <tr><td>{@link Raw}</td><td>any</td><td>anything else</td><td>bytes as given</td></tr>
 * </table>
 *
 * <p>Darwin carries no credentials in messages ({@code struct cmsgcred} is not declared there);
 * use {@link NativeOptions#SO_PEERCRED}. Darwin reports IP_RECVTTL/IP_RECVTOS as one byte under
 * those type numbers; they still parse as {@link Ttl}/{@link Tos}.
 *
 * <p>Values are checked when a message is sent (before the native call), not when a record is
 * made, so {@link #parse} can build any record from any bytes.
 */
public sealed interface ControlMessage
        permits ControlMessage.Rights, ControlMessage.Creds, ControlMessage.PacketInfo, ControlMessage.Ttl,
                ControlMessage.HopLimit, ControlMessage.Tos, ControlMessage.TrafficClass,
                ControlMessage.Timestamp, ControlMessage.Raw, SegmentSize, ExtendedError {

    /** {@code cmsg_level} on this platform. */
    int level();

    /** {@code cmsg_type} on this platform. */
    int type();

    /** Payload bytes: {@code cmsg_len - CMSG_LEN(0)}. */
    int dataLength();

    // ---- factories ---------------------------------------------------------------------------

    /** {@code SCM_RIGHTS} passing these descriptor numbers (they must stay open until the send returns). */
    static Rights rights(int... fds) {
        Checks.requireArg(fds, "descriptors");
        return new Rights(fds.clone(), null, null, List.of());
    }

    /**
     * {@code SCM_RIGHTS} passing these sockets' descriptors; each is held open for the send. Closing
     * one of them while the send runs does not shut it down (that would break the connection being
     * handed over): its descriptor is released when the send is over.
     */
    static Rights rights(Socket... sockets) {
        Checks.requireArg(sockets, "sockets");
        int[] numbers = new int[sockets.length];
        for (int i = 0; i < sockets.length; i++) {
            numbers[i] = Checks.requireArg(sockets[i], "socket").fd();
        }
        return new Rights(numbers, sockets.clone(), null, List.of());
    }

    /** {@code SCM_RIGHTS} passing these descriptors; each is held open for the send. */
    static Rights rights(Fd... fds) {
        Checks.requireArg(fds, "descriptors");
        int[] numbers = new int[fds.length];
        for (int i = 0; i < fds.length; i++) {
            numbers[i] = Checks.requireArg(fds[i], "descriptor").value();
        }
        return new Rights(numbers, null, fds.clone(), List.of());
    }

    /** {@code SCM_CREDENTIALS} with this process's pid, uid and gid (Linux). */
    static Creds credentials() {
        return new Creds(new Credentials(LibC.getpid(), LibC.getuid(), LibC.getgid()));
    }

    /** {@code SCM_CREDENTIALS} with the given values; the kernel refuses ones the sender may not claim (EPERM). */
    static Creds credentials(Credentials credentials) {
        return new Creds(Checks.requireArg(credentials, "credentials"));
    }

    /**
     * {@code IP_PKTINFO} (an {@link Inet4Address}) or {@code IPV6_PKTINFO} (an {@link Inet6Address})
     * for sending: the datagram leaves from {@code source} (if not the wildcard) through interface
     * {@code interfaceIndex} (if not 0).
     */
    static PacketInfo packetInfo(InetAddress source, int interfaceIndex) {
        Checks.requireArg(source, "source address");
        return new PacketInfo(source, source, interfaceIndex, source instanceof Inet6Address);
    }

    /** {@code IP_TTL} for one datagram (1–255). */
    static Ttl ttl(int ttl) {
        return new Ttl(ttl);
    }

    /** {@code IPV6_HOPLIMIT} for one datagram (0–255, or -1 for the route's default). */
    static HopLimit hopLimit(int hops) {
        return new HopLimit(hops);
    }

    /** {@code IP_TOS} for one datagram (0–255). */
    static Tos tos(int tos) {
        return new Tos(tos);
    }

    /** {@code IPV6_TCLASS} for one datagram (0–255, or -1 for the default). */
    static TrafficClass trafficClass(int tclass) {
        return new TrafficClass(tclass);
    }

    /** Any control message, its payload given as bytes. */
    static Raw raw(int level, int type, byte[] data) {
        return new Raw(level, type, Checks.requireArg(data, "data"));
    }

    // ---- arithmetic ----------------------------------------------------------------------------

    /** {@code CMSG_SPACE(dataLength)}: the buffer room one message with that payload takes. */
    static int space(int dataLength) {
        if (dataLength < 0 || dataLength > Cmsg.MAX_CONTROL) {
            throw new IllegalArgumentException("payload length out of range: " + dataLength);
        }
        return Cmsg.space(dataLength);
    }

    /** {@code CMSG_LEN(dataLength)}: the {@code cmsg_len} of one message with that payload. */
    static int length(int dataLength) {
        if (dataLength < 0 || dataLength > Cmsg.MAX_CONTROL) {
            throw new IllegalArgumentException("payload length out of range: " + dataLength);
        }
        return Cmsg.len(dataLength);
    }

    /**
     * PHP's {@code socket_cmsg_space(level, type, n)}: the buffer room for one message of a kind
     * this library knows, with {@code n} items where the kind has several (descriptors of
     * {@code SCM_RIGHTS}); {@code n} is ignored for the others.
     *
     * @throws IllegalArgumentException for a level/type pair with no known payload size, or a bad {@code n}
     */
    static int cmsgSpace(int level, int type, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("count must not be negative: " + n);
        }
        int size = ControlMessages.payloadSize(level, type, n);
        if (size < 0) {
            throw new IllegalArgumentException("no known payload size for level " + level + ", type " + type);
        }
        return space(size);
    }

    // ---- parsing -------------------------------------------------------------------------------

    /**
     * Reads the control messages in the first {@code length} bytes of {@code buffer}, as
     * {@code CMSG_FIRSTHDR}/{@code CMSG_NXTHDR} walk them, for any bytes: every {@code cmsg_len}
     * is checked against {@code length}; a message cut short (the kernel's MSG_CTRUNC case) yields
     * what is there (a {@link Raw} when too short for its kind); a {@code cmsg_len} smaller than a
     * header ends the walk. Nothing is read outside {@code [0, length)}.
     *
     * <p>Descriptors in {@code SCM_RIGHTS} are reported as numbers only ({@link Rights#numbers()}),
     * never owned: this method closes nothing and adopts nothing. {@link Socket#recvMsg} is what
     * takes ownership of received descriptors.
     *
     * @throws IllegalArgumentException if {@code length} is negative or beyond the segment
     */
    static List<ControlMessage> parse(MemorySegment buffer, long length) {
        Checks.requireArg(buffer, "buffer");
        if (length < 0 || length > buffer.byteSize()) {
            throw new IllegalArgumentException("length " + length + " outside segment of " + buffer.byteSize() + " bytes");
        }
        if (!buffer.scope().isAlive()) {
            throw new IllegalStateException("segment's arena is closed");
        }
        return ControlMessages.parse(buffer, Math.min(length, Integer.MAX_VALUE), null);
    }

    // ---- kinds ---------------------------------------------------------------------------------

    /**
     * {@code SCM_RIGHTS}: descriptors. Received ones are owned {@link Fd}s ({@link #descriptors()});
     * close this (or each {@code Fd}) when done — ones never claimed are closed when unreachable.
     * Outgoing ones name descriptors the sender keeps; on stream sockets send at least one byte of
     * data with them (unix(7)). Closing a {@link Socket} or {@link Fd} while a send carrying it is
     * in flight shuts it down, as closing does for any call in flight on it.
     */
    final class Rights implements ControlMessage, AutoCloseable {
        private final int[] numbers;
        private final Socket[] sockets;
        private final Fd[] sources;
        private final List<Fd> received;

        Rights(int[] numbers, Socket[] sockets, Fd[] sources, List<Fd> received) {
            this.numbers = numbers;
            this.sockets = sockets;
            this.sources = sources;
            this.received = received;
        }

        static Rights received(List<Fd> fds) {
            int[] n = new int[fds.size()];
            for (int i = 0; i < n.length; i++) {
                n[i] = fds.get(i).value();
            }
            return new Rights(n, null, null, Collections.unmodifiableList(fds));
        }

        @Override public int level() { return Constants.SOL_SOCKET; }

        @Override public int type() { return Constants.SCM_RIGHTS; }

        @Override public int dataLength() { return numbers.length * 4; }

        /** The descriptor numbers as sent or as they arrived. */
        public int[] numbers() {
            return numbers.clone();
        }

        /** How many descriptors. */
        public int count() {
            return numbers.length;
        }

        /** The received descriptors, owned (empty for outgoing or {@link ControlMessage#parse parsed} ones). */
        public List<Fd> descriptors() {
            return received;
        }

        /** The {@code i}th received descriptor as a {@link Socket} ({@link Fd#toSocket()}). */
        public Socket socket(int i) throws java.io.IOException {
            return received.get(i).toSocket();
        }

        Socket[] sockets() { return sockets; }

        Fd[] sources() { return sources; }

        int[] rawNumbers() { return numbers; }

        /** Closes every received descriptor not yet detached or made a socket. */
        @Override
        public void close() {
            for (Fd fd : received) {
                fd.close();
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Rights r && Arrays.equals(r.numbers, numbers);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(numbers);
        }

        @Override
        public String toString() {
            return "Rights" + Arrays.toString(numbers);
        }
    }

    /** {@code SCM_CREDENTIALS} (Linux): the sending process's pid, uid and gid, checked by the kernel. */
    record Creds(Credentials credentials) implements ControlMessage {
        @Override public int level() { return Constants.SOL_SOCKET; }

        @Override public int type() { return Constants.SCM_CREDENTIALS; }

        @Override public int dataLength() { return (int) Ucred.SIZE; }
    }

    /**
     * {@code IP_PKTINFO} ({@code struct in_pktinfo}) or {@code IPV6_PKTINFO} ({@code struct in6_pktinfo}).
     *
     * @param address        received: the datagram's destination ({@code ipi_addr}, {@code ipi6_addr});
     *                       sent: the source address to use
     * @param localAddress   IPv4 {@code ipi_spec_dst}: received, the local address the route picks;
     *                       sent, the source address. The same as {@code address} for IPv6
     * @param interfaceIndex {@code ipi_ifindex}/{@code ipi6_ifindex}: the arrival or departure interface, 0 for any
     * @param ipv6           whether this is {@code IPV6_PKTINFO}
     */
    record PacketInfo(InetAddress address, InetAddress localAddress, int interfaceIndex, boolean ipv6)
            implements ControlMessage {
        @Override public int level() { return ipv6 ? Constants.IPPROTO_IPV6 : Constants.IPPROTO_IP; }

        @Override public int type() { return ipv6 ? Constants.IPV6_PKTINFO : Constants.IP_PKTINFO; }

        @Override public int dataLength() { return (int) (ipv6 ? In6Pktinfo.SIZE : InPktinfo.SIZE); }
    }

    /** {@code IP_TTL}: an IPv4 datagram's time to live. */
    record Ttl(int value) implements ControlMessage {
        @Override public int level() { return Constants.IPPROTO_IP; }

        @Override public int type() { return Constants.IP_TTL; }

        @Override public int dataLength() { return 4; }
    }

    /** {@code IPV6_HOPLIMIT}: an IPv6 datagram's hop limit. */
    record HopLimit(int value) implements ControlMessage {
        @Override public int level() { return Constants.IPPROTO_IPV6; }

        @Override public int type() { return Constants.IPV6_HOPLIMIT; }

        @Override public int dataLength() { return 4; }
    }

    /** {@code IP_TOS}: an IPv4 datagram's type-of-service byte (DSCP and ECN). */
    record Tos(int value) implements ControlMessage {
        @Override public int level() { return Constants.IPPROTO_IP; }

        @Override public int type() { return Constants.IP_TOS; }

        @Override public int dataLength() { return 4; }
    }

    /** {@code IPV6_TCLASS}: an IPv6 datagram's traffic class (DSCP and ECN). */
    record TrafficClass(int value) implements ControlMessage {
        @Override public int level() { return Constants.IPPROTO_IPV6; }

        @Override public int type() { return Constants.IPV6_TCLASS; }

        @Override public int dataLength() { return 4; }
    }

    /**
     * {@code SCM_TIMESTAMP} ({@code struct timeval}, microseconds) or {@code SCM_TIMESTAMPNS}
     * ({@code struct timespec}, Linux): when the kernel received the datagram.
     *
     * @param seconds     {@code tv_sec} since the epoch
     * @param nanos       {@code tv_nsec}, or {@code tv_usec * 1000}
     * @param nanoseconds whether it came as {@code SCM_TIMESTAMPNS}
     */
    record Timestamp(long seconds, long nanos, boolean nanoseconds) implements ControlMessage {
        /** As an {@link Instant}; throws {@link java.time.DateTimeException} for values no kernel gives. */
        public Instant instant() {
            return Instant.ofEpochSecond(seconds, nanos);
        }

        @Override public int level() { return Constants.SOL_SOCKET; }

        @Override public int type() { return nanoseconds ? Constants.SCM_TIMESTAMPNS : Constants.SCM_TIMESTAMP; }

        @Override public int dataLength() { return (int) (nanoseconds ? Timespec.SIZE : Timeval.SIZE); }
    }

    /** Any other control message, or one too short for its kind: level, type and payload bytes. */
    record Raw(int level, int type, byte[] data) implements ControlMessage {
        public Raw {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override public int dataLength() { return data.length; }

        @Override
        public boolean equals(Object o) {
            return o instanceof Raw r && r.level == level && r.type == type && Arrays.equals(r.data, data);
        }

        @Override
        public int hashCode() {
            return (31 * level + type) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Raw[level=" + level + ", type=" + type + ", data=" + HexFormat.of().formatHex(data) + "]";
        }
    }
}
