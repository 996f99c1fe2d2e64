package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Platform;
import dev.nativesockets.libc.SockExtendedErr;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;

/**
 * The control messages only Linux has — {@link SegmentSize} (UDP segmentation offload:
 * {@code UDP_SEGMENT}, {@code UDP_GRO}) and {@link ExtendedError} (the error queue:
 * {@code IP_RECVERR}, {@code IPV6_RECVERR}) — kept out of {@link ControlMessages} so that file
 * only dispatches here. They stay in the core, not in {@code dev.nativesockets.linux}, because
 * {@link ControlMessage} is sealed. Decoding takes any bytes: a payload
 * too short for its kind is left to {@link ControlMessage.Raw}.
 */
final class LinuxControlMessages {
    private LinuxControlMessages() {}

    private static boolean is(int value, int constant) {
        return constant != Constants.UNSUPPORTED && value == constant;
    }

    static int payloadSize(int level, int type) {
        if (is(level, Constants.SOL_UDP)) {
            if (is(type, Constants.UDP_SEGMENT)) return 2;
            if (is(type, Constants.UDP_GRO)) return 4;
        }
        if ((is(level, Constants.IPPROTO_IP) && is(type, Constants.IP_RECVERR))
                || (is(level, Constants.IPPROTO_IPV6) && is(type, Constants.IPV6_RECVERR))) {
            return (int) SockExtendedErr.SIZE;
        }
        return -1;
    }

    /** The offload message for this level and type, or {@code null} if it is none (or too short). */
    static ControlMessage decode(int level, int type, MemorySegment data) {
        long n = data.byteSize();
        if (is(level, Constants.SOL_UDP)) {
            if (is(type, Constants.UDP_GRO) && n >= 4) {
                return new SegmentSize(data.get(ValueLayout.JAVA_INT_UNALIGNED, 0), true);
            }
            if (is(type, Constants.UDP_SEGMENT) && n >= 2) {
                return new SegmentSize(Short.toUnsignedInt(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0)), false);
            }
            return null;
        }
        boolean v4 = is(level, Constants.IPPROTO_IP) && is(type, Constants.IP_RECVERR);
        boolean v6 = is(level, Constants.IPPROTO_IPV6) && is(type, Constants.IPV6_RECVERR);
        if ((v4 || v6) && SockExtendedErr.SIZE > 0 && n >= SockExtendedErr.SIZE) {
            SocketAddress offender = null;
            long rest = n - SockExtendedErr.SIZE;
            MemorySegment after = data.asSlice(SockExtendedErr.SIZE);
            // SO_EE_OFFENDER: a sockaddr after the struct; family 0 (AF_UNSPEC) means none
            if (rest >= Addresses.FAMILY_END && Addresses.family(after) != 0) {
                int len = (int) Math.min(rest, Scratch.ADDR_SIZE);
                offender = Addresses.decode(after, len, false);
            }
            return new ExtendedError(level, type, SockExtendedErr.EE_ERRNO.getInt(data),
                    (int) SockExtendedErr.EE_ORIGIN.get(data), (int) SockExtendedErr.EE_TYPE.get(data),
                    (int) SockExtendedErr.EE_CODE.get(data), SockExtendedErr.EE_INFO.getInt(data),
                    SockExtendedErr.EE_DATA.getInt(data), offender);
        }
        return null;
    }

    static void check(SegmentSize g) {
        if (g.received()) {
            throw new IllegalArgumentException("UDP_GRO is receive-only; send SegmentSize.of(size) (UDP_SEGMENT)");
        }
        if (Constants.UDP_SEGMENT == Constants.UNSUPPORTED) {
            throw new UnsupportedOperationException("UDP_SEGMENT is not available on " + Platform.current());
        }
        if (g.size() < 0 || g.size() > 0xffff) {
            throw new IllegalArgumentException("UDP_SEGMENT size must be in 0..65535: " + g.size());
        }
    }

    static void encode(SegmentSize g, MemorySegment data) {
        data.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) g.size());
    }
}
