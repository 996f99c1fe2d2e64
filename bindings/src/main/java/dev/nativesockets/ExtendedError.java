package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import java.net.SocketAddress;

/**
 * An error-queue entry (Linux): {@code IPPROTO_IP}/{@code IP_RECVERR} or
 * {@code IPPROTO_IPV6}/{@code IPV6_RECVERR} carrying a {@code struct sock_extended_err} and, for
 * ICMP errors, the offender's address ({@code SO_EE_OFFENDER}). Read from
 * {@code recvmsg(MSG_ERRQUEUE)}; receive-only (sending one is refused).
 *
 * <p>A zero-copy completion ({@link #isZeroCopy()}) reports that the sends numbered
 * {@link #info()}..{@link #data()} (inclusive, counting from 0 per socket) are done with their
 * buffers; {@link #copied()} says the kernel copied the data after all (as it always does over
 * loopback). {@link dev.nativesockets.linux.ZeroCopy} reads these for you.
 *
 * @param level    {@code cmsg_level}
 * @param type     {@code cmsg_type}
 * @param errno    {@code ee_errno}: the error (0 for a zero-copy completion)
 * @param origin   {@code ee_origin}: {@code SO_EE_ORIGIN_LOCAL}, {@code _ICMP}, {@code _ICMP6}, {@code _ZEROCOPY}, …
 * @param icmpType {@code ee_type}
 * @param code     {@code ee_code} ({@code SO_EE_CODE_ZEROCOPY_COPIED} for zero-copy)
 * @param info     {@code ee_info} (zero-copy: the first send of the range)
 * @param data     {@code ee_data} (zero-copy: the last send of the range)
 * @param offender the address that reported an ICMP error, or {@code null}
 */
public record ExtendedError(int level, int type, int errno, int origin, int icmpType, int code, int info, int data,
                            SocketAddress offender) implements ControlMessage {

    @Override
    public int dataLength() {
        return (int) dev.nativesockets.libc.SockExtendedErr.SIZE;
    }

    /** Whether this is a {@code SO_EE_ORIGIN_ZEROCOPY} completion. */
    public boolean isZeroCopy() {
        return origin == Constants.SO_EE_ORIGIN_ZEROCOPY;
    }

    /** Zero-copy: whether the kernel fell back to copying ({@code SO_EE_CODE_ZEROCOPY_COPIED}). */
    public boolean copied() {
        return isZeroCopy() && (code & Constants.SO_EE_CODE_ZEROCOPY_COPIED) != 0;
    }
}
