package dev.nativesockets;

import dev.nativesockets.libc.Constants;

/** The address family of a socket: the {@code domain} argument of {@code socket(2)}. */
public enum Domain {
    /** {@code AF_INET}: IPv4. */
    INET(Constants.AF_INET),
    /** {@code AF_INET6}: IPv6 (and IPv4-mapped addresses unless {@code IPV6_V6ONLY}). */
    INET6(Constants.AF_INET6),
    /** {@code AF_UNIX}: local sockets, by path or (Linux) abstract name. */
    UNIX(Constants.AF_UNIX),
    /** {@code AF_NETLINK} (Linux): kernel interfaces such as routing ({@link dev.nativesockets.linux.Netlink}); addresses are {@link dev.nativesockets.linux.NetlinkAddress}. */
    NETLINK(Constants.AF_NETLINK),
    /** {@code AF_PACKET} (Linux): link-layer frames; addresses are {@link dev.nativesockets.linux.PacketAddress}. Needs CAP_NET_RAW. */
    PACKET(Constants.AF_PACKET),
    /** {@code AF_VSOCK} (Linux; macOS 11+ headers): VM host/guest channels; addresses are {@link VsockAddress}. */
    VSOCK(Constants.AF_VSOCK);

    private final int value;

    Domain(int value) {
        this.value = value;
    }

    /** The platform's {@code AF_*} value; {@link Constants#UNSUPPORTED} where the platform lacks the family. */
    public int value() {
        return value;
    }

    /** The domain for an {@code AF_*} value, or {@code null} if it is none of these. */
    public static Domain of(int family) {
        for (Domain d : values()) {
            if (d.value == family) {
                return d;
            }
        }
        return null;
    }
}
