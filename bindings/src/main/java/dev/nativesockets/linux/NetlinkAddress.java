package dev.nativesockets.linux;

import dev.nativesockets.Socket;
import java.net.SocketAddress;

/**
 * A netlink address, {@code struct sockaddr_nl} (Linux): the port id of a netlink socket
 * ({@code nl_pid}; 0 is the kernel, or "let the kernel pick" when binding) and a bit mask of
 * multicast groups ({@code nl_groups}, the legacy {@code RTMGRP_*} bits; groups above 32 are joined
 * with {@link Netlink#joinGroup}).
 *
 * <p>Immutable. Bind a netlink socket to it, send to it, or receive it from
 * {@link Socket#recvFrom}.
 */
public final class NetlinkAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;

    /** The kernel, port id 0, no groups: where requests go. */
    public static final NetlinkAddress KERNEL = new NetlinkAddress(0, 0);

    private final int pid;
    private final int groups;

    private NetlinkAddress(int pid, int groups) {
        this.pid = pid;
        this.groups = groups;
    }

    /**
     * A netlink address.
     *
     * @param pid    {@code nl_pid}, the port id (unsigned; 0 for the kernel or to have one assigned)
     * @param groups {@code nl_groups}, the multicast group bit mask (unsigned)
     */
    public static NetlinkAddress of(int pid, int groups) {
        return new NetlinkAddress(pid, groups);
    }

    /** {@code nl_pid}: the port id, unsigned. */
    public int pid() {
        return pid;
    }

    /** {@code nl_groups}: the multicast group bit mask, unsigned. */
    public int groups() {
        return groups;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetlinkAddress n && n.pid == pid && n.groups == groups;
    }

    @Override
    public int hashCode() {
        return 31 * pid + groups;
    }

    @Override
    public String toString() {
        return "netlink(pid=" + Integer.toUnsignedString(pid) + ", groups=0x" + Integer.toHexString(groups) + ")";
    }
}
