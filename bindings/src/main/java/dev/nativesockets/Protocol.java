package dev.nativesockets;

import dev.nativesockets.libc.Constants;

/** The {@code protocol} argument of {@code socket(2)}; 0 picks the family's default for the type. */
public final class Protocol {
    private Protocol() {}

    /** 0: the default protocol for the domain and type. */
    public static final int DEFAULT = 0;
    /** {@code IPPROTO_TCP}; also PHP's {@code SOL_TCP}. */
    public static final int TCP = Constants.IPPROTO_TCP;
    /** {@code IPPROTO_UDP}; also PHP's {@code SOL_UDP}. */
    public static final int UDP = Constants.IPPROTO_UDP;
    /** {@code IPPROTO_ICMP}. */
    public static final int ICMP = Constants.IPPROTO_ICMP;
    /** {@code IPPROTO_ICMPV6}. */
    public static final int ICMPV6 = Constants.IPPROTO_ICMPV6;
}
