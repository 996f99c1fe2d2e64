package dev.nativesockets;

import dev.nativesockets.libc.Constants;

/**
 * The {@code level} argument of {@code getsockopt(2)}/{@code setsockopt(2)}, as the running
 * platform numbers it ({@code SOL_SOCKET} is 1 on Linux and 0xffff on Darwin), for the raw forms
 * {@link Socket#getIntOption(int, int)}, {@link Socket#setIntOption(int, int, int)} and
 * {@link Socket#getOption(int, int, java.lang.foreign.MemorySegment)}.
 *
 * <p>The option names go with them: every {@link NativeOption} gives its
 * {@link NativeOption#level() level} and {@link NativeOption#optname() optname} on this platform,
 * e.g. {@code socket.getIntOption(OptionLevel.SOL_SOCKET, NativeOptions.SO_RCVBUF.optname())}; a
 * name no {@code NativeOption} covers is in the raw layer's {@link Constants}. No system call.
 */
public final class OptionLevel {
    private OptionLevel() {}

    /** {@code SOL_SOCKET}: options of the socket itself ({@code SO_*}). */
    public static final int SOL_SOCKET = Constants.SOL_SOCKET;
    /** {@code IPPROTO_IP}: IPv4 options ({@code IP_*}); PHP's {@code SOL_IP}. */
    public static final int IPPROTO_IP = Constants.IPPROTO_IP;
    /** {@code IPPROTO_IPV6}: IPv6 options ({@code IPV6_*}). */
    public static final int IPPROTO_IPV6 = Constants.IPPROTO_IPV6;
    /** {@code IPPROTO_TCP}: TCP options ({@code TCP_*}); PHP's {@code SOL_TCP}. */
    public static final int IPPROTO_TCP = Constants.IPPROTO_TCP;
    /** {@code IPPROTO_UDP}: UDP options ({@code UDP_*}); PHP's {@code SOL_UDP}. */
    public static final int IPPROTO_UDP = Constants.IPPROTO_UDP;
    /** {@code IPPROTO_ICMPV6}: ICMPv6 socket options (e.g. {@code ICMP6_FILTER}). */
    public static final int IPPROTO_ICMPV6 = Constants.IPPROTO_ICMPV6;
    /** {@code IPPROTO_RAW}: raw IP socket options. */
    public static final int IPPROTO_RAW = Constants.IPPROTO_RAW;
    /** {@code SOL_PACKET} (Linux): packet-socket options ({@code PACKET_*}). */
    public static final int SOL_PACKET = Constants.SOL_PACKET;
    /** {@code SOL_NETLINK} (Linux): netlink-socket options ({@code NETLINK_*}). */
    public static final int SOL_NETLINK = Constants.SOL_NETLINK;
}
