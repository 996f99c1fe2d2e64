package dev.nativesockets.linux;

import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import dev.nativesockets.Domain;
import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Routing netlink ({@code AF_NETLINK}, {@code NETLINK_ROUTE}, Linux): list the links and addresses
 * of this network namespace (the {@code RTM_GETLINK}/{@code RTM_GETADDR} dumps behind
 * {@code ip link} and {@code ip addr}) and watch them change (multicast groups
 * {@code RTNLGRP_LINK}, {@code RTNLGRP_IPV4_IFADDR}, {@code RTNLGRP_IPV6_IFADDR}).
 *
 * <p>The sockets are ordinary {@link Socket}s: {@code socket(2)}, {@code bind(2)} to a
 * {@link NetlinkAddress}, {@code sendto(2)} to the kernel, {@code recv(2)},
 * {@code setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP)}. Replies are decoded by {@link #parse},
 * which reads any bytes safely (fuzzed). No privilege is needed to read; changing links is not
 * offered here.
 *
 * <pre>{@code
 * for (NetlinkMessage.Link link : Netlink.links()) {
 *     System.out.println(link.index() + ": " + link.name() + " mtu " + link.mtu());
 * }
 * }</pre>
 */
public final class Netlink {
    private Netlink() {}

    /** {@code RTNLGRP_LINK}: link changes. */
    public static final int GROUP_LINK = Constants.RTNLGRP_LINK;
    /** {@code RTNLGRP_IPV4_IFADDR}: IPv4 address changes. */
    public static final int GROUP_IPV4_ADDRESS = Constants.RTNLGRP_IPV4_IFADDR;
    /** {@code RTNLGRP_IPV6_IFADDR}: IPv6 address changes. */
    public static final int GROUP_IPV6_ADDRESS = Constants.RTNLGRP_IPV6_IFADDR;

    /** What one receive can bring: the kernel sends dump parts of up to 32 KiB. */
    static final int RECEIVE_BUFFER = 64 * 1024;

    private static final AtomicInteger SEQUENCE = new AtomicInteger((int) System.nanoTime() & 0x7fff_ffff);

    /**
     * {@code socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)} bound to a port id the kernel picks.
     *
     * @throws UnsupportedOperationException off Linux
     */
    public static Socket openRoute() throws IOException {
        if (Constants.AF_NETLINK == Constants.UNSUPPORTED) {
            throw new UnsupportedOperationException("netlink is Linux-only");
        }
        Socket s = Socket.open(Domain.NETLINK, Type.RAW, Constants.NETLINK_ROUTE);
        try {
            s.bind(NetlinkAddress.of(0, 0));
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * {@code setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group)}: from now on {@code socket}
     * receives the group's notifications ({@link #GROUP_LINK}, {@link #GROUP_IPV4_ADDRESS},
     * {@link #GROUP_IPV6_ADDRESS}; any {@code RTNLGRP_*} number). Read them with {@link #receive}.
     */
    public static void joinGroup(Socket socket, int group) throws IOException {
        membership(socket, group, Constants.NETLINK_ADD_MEMBERSHIP);
    }

    /** {@code setsockopt(SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, group)}. */
    public static void leaveGroup(Socket socket, int group) throws IOException {
        membership(socket, group, Constants.NETLINK_DROP_MEMBERSHIP);
    }

    private static void membership(Socket socket, int group, int option) throws IOException {
        Internals.requireArg(socket, "socket");
        if (group < 1) {
            throw new IllegalArgumentException("netlink groups are numbered from 1: " + group);
        }
        requireNetlink(socket);
        socket.setIntOption(Constants.SOL_NETLINK, option, group);
    }

    /** Every link in this network namespace: an {@code RTM_GETLINK} dump on a socket of its own. */
    public static List<NetlinkMessage.Link> links() throws IOException {
        try (Socket s = openRoute()) {
            return links(s);
        }
    }

    /** {@code RTM_GETLINK} dump over {@code socket} (an {@link #openRoute()} socket). */
    public static List<NetlinkMessage.Link> links(Socket socket) throws IOException {
        return dumpOf(socket, Constants.RTM_GETLINK, NetlinkMessage.Link.class);
    }

    /** The messages of one kind in a dump of {@code request} over {@code socket}. */
    private static <T extends NetlinkMessage> List<T> dumpOf(Socket socket, int request, Class<T> kind) throws IOException {
        List<T> out = new ArrayList<>();
        for (NetlinkMessage m : dump(socket, request)) {
            if (kind.isInstance(m)) {
                out.add(kind.cast(m));
            }
        }
        return out;
    }

    /** Every interface address in this network namespace: an {@code RTM_GETADDR} dump on a socket of its own. */
    public static List<NetlinkMessage.Address> addresses() throws IOException {
        try (Socket s = openRoute()) {
            return addresses(s);
        }
    }

    /** {@code RTM_GETADDR} dump over {@code socket}. */
    public static List<NetlinkMessage.Address> addresses(Socket socket) throws IOException {
        return dumpOf(socket, Constants.RTM_GETADDR, NetlinkMessage.Address.class);
    }

    /**
     * Sends a dump request of {@code type} ({@code RTM_GETLINK}, {@code RTM_GETADDR}, or another
     * {@code RTM_GET*} whose fixed part is an {@code ifinfomsg}) and collects the replies up to
     * {@code NLMSG_DONE}. Messages of other sequence numbers (notifications on a subscribed
     * socket) are skipped.
     *
     * @throws IOException the kernel's {@code NLMSG_ERROR} as an errno exception, or a socket error
     */
    public static List<NetlinkMessage> dump(Socket socket, int type) throws IOException {
        Internals.requireArg(socket, "socket");
        requireNetlink(socket);
        int seq = SEQUENCE.incrementAndGet() & 0x7fff_ffff;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(RECEIVE_BUFFER, 8);
            int len = NetlinkCodec.dumpRequest(buf, type, seq);
            socket.sendTo(buf.asSlice(0, len), 0, NetlinkAddress.KERNEL);
            List<NetlinkMessage> out = new ArrayList<>();
            while (true) {
                int n = socket.recv(buf, 0);
                if (n == Socket.WOULD_BLOCK) {
                    throw new IllegalStateException("netlink dump on a non-blocking socket: use a blocking one");
                }
                for (NetlinkMessage m : NetlinkCodec.parse(buf, Math.min(n, RECEIVE_BUFFER))) {
                    if (m.sequence() != seq) {
                        continue;
                    }
                    if (m instanceof NetlinkMessage.Done) {
                        return out;
                    }
                    if (m instanceof NetlinkMessage.Error e) {
                        if (e.errno() == 0) {
                            continue;
                        }
                        throw Internals.CORE.errnoException("netlink dump (type " + type + ")", e.errno());
                    }
                    out.add(m);
                }
            }
        }
    }

    /**
     * One {@code recv(2)} on a subscribed socket into {@code buffer}, decoded: the notifications
     * that datagram carried (one or more messages). Use a buffer of at least 8 KiB; a message
     * longer than the buffer is cut and dropped.
     *
     * @return the messages; empty if the socket is non-blocking and nothing is there
     */
    public static List<NetlinkMessage> receive(Socket socket, MemorySegment buffer) throws IOException {
        Internals.requireArg(socket, "socket");
        requireNetlink(socket);
        int n = socket.recv(buffer, 0);
        if (n == Socket.WOULD_BLOCK) {
            return List.of();
        }
        return NetlinkCodec.parse(buffer, Math.min(n, buffer.byteSize()));
    }

    /**
     * Decodes the netlink messages in {@code buffer[0, length)}, for any bytes: lengths are checked
     * before use, nothing outside the range is read, and an attribute never runs past its message.
     *
     * @throws IllegalArgumentException if {@code length} is negative or beyond the segment
     */
    public static List<NetlinkMessage> parse(MemorySegment buffer, long length) {
        Internals.requireArg(buffer, "buffer");
        if (length < 0 || length > buffer.byteSize()) {
            throw new IllegalArgumentException("length " + length + " outside segment of " + buffer.byteSize() + " bytes");
        }
        return NetlinkCodec.parse(buffer, length);
    }

    private static void requireNetlink(Socket socket) {
        if (socket.family() != Constants.AF_NETLINK) {
            throw new IllegalArgumentException("not a netlink socket: family " + socket.family());
        }
    }
}
