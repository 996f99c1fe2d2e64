package dev.nativesockets;

import dev.nativesockets.libc.Cmsghdr;
import dev.nativesockets.libc.Constants;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The {@code CMSG_*} macros of {@code <sys/socket.h>}, from the platform's facts: the header is
 * {@code CMSG_LEN(0)} bytes and payloads are padded to {@code CMSG_SPACE(1) - CMSG_LEN(0)} bytes
 * (8 on Linux, {@code sizeof(size_t)}; 4 on Darwin, {@code __DARWIN_ALIGN32}). The probe test
 * checks both constants against the C macros.
 *
 * <p>Reading is bounds-checked against the length given, never the header's word for it.
 */
final class Cmsg {
    private Cmsg() {}

    /** {@code CMSG_LEN(0)}: the aligned header, where the payload starts. */
    static final int HDR = Constants.CMSG_LEN_0;
    /** The alignment of every control message. */
    static final int ALIGN = Constants.CMSG_SPACE_1 - Constants.CMSG_LEN_0;
    /**
     * The most control data one call may carry. Linux refuses more than {@code net.core.optmem_max}
     * (20 KiB by default on older kernels) anyway; the bound keeps bad input from reaching it.
     */
    static final int MAX_CONTROL = 64 * 1024;
    /** {@code SCM_MAX_FD} (Linux): the most descriptors one SCM_RIGHTS message may carry. */
    static final int MAX_FDS = 253;

    private static final long LEN_OFF = Cmsghdr.CMSG_LEN.offset();
    private static final int LEN_WIDTH = Cmsghdr.CMSG_LEN.width();
    private static final long LEVEL_OFF = Cmsghdr.CMSG_LEVEL.offset();
    private static final long TYPE_OFF = Cmsghdr.CMSG_TYPE.offset();

    static {
        if (ALIGN <= 0 || Integer.bitCount(ALIGN) != 1 || HDR % ALIGN != 0 || HDR < Cmsghdr.SIZE) {
            throw new ExceptionInInitializerError("inconsistent CMSG facts: CMSG_LEN(0)=" + HDR + ", alignment " + ALIGN);
        }
    }

    static long align(long n) {
        return (n + ALIGN - 1) & -ALIGN;
    }

    /** {@code CMSG_LEN(n)}. */
    static int len(int n) {
        return HDR + n;
    }

    /** {@code CMSG_SPACE(n)}. */
    static int space(int n) {
        return (int) (HDR + align(n));
    }

    /** {@code cmsg_len} at {@code p}, unsigned (a huge or negative value comes back as Long.MAX_VALUE). */
    static long cmsgLen(MemorySegment buf, long p) {
        if (LEN_WIDTH == 8) {
            long v = buf.get(ValueLayout.JAVA_LONG_UNALIGNED, p + LEN_OFF);
            return v < 0 ? Long.MAX_VALUE : v;
        }
        return Integer.toUnsignedLong(buf.get(ValueLayout.JAVA_INT_UNALIGNED, p + LEN_OFF));
    }

    static int level(MemorySegment buf, long p) {
        return buf.get(ValueLayout.JAVA_INT_UNALIGNED, p + LEVEL_OFF);
    }

    static int type(MemorySegment buf, long p) {
        return buf.get(ValueLayout.JAVA_INT_UNALIGNED, p + TYPE_OFF);
    }

    /** Writes a header for {@code dataLength} payload bytes at {@code p}. */
    static void header(MemorySegment buf, long p, int level, int type, int dataLength) {
        if (LEN_WIDTH == 8) {
            buf.set(ValueLayout.JAVA_LONG_UNALIGNED, p + LEN_OFF, len(dataLength));
        } else {
            buf.set(ValueLayout.JAVA_INT_UNALIGNED, p + LEN_OFF, len(dataLength));
        }
        buf.set(ValueLayout.JAVA_INT_UNALIGNED, p + LEVEL_OFF, level);
        buf.set(ValueLayout.JAVA_INT_UNALIGNED, p + TYPE_OFF, type);
    }

    /**
     * How many payload bytes of the message at {@code p} lie inside {@code [0, len)}, or -1 if
     * there is no (well-formed) message at {@code p}: fewer than a header's bytes left, or a
     * {@code cmsg_len} below the header size. A {@code cmsg_len} reaching past {@code len} (what
     * the kernel writes when it truncates, MSG_CTRUNC) counts only what is there.
     */
    static int dataLength(MemorySegment buf, long len, long p) {
        if (p < 0 || p > len - HDR) {
            return -1;
        }
        long cl = cmsgLen(buf, p);
        if (cl < HDR) {
            return -1;
        }
        long end = Math.min(cl, len - p);
        return (int) (end - HDR);
    }

    /** Where the message after the one at {@code p} starts, or -1 if the one at {@code p} was the last. */
    static long next(MemorySegment buf, long len, long p) {
        long cl = cmsgLen(buf, p);
        if (cl > len - p) {
            return -1; // truncated: nothing valid follows
        }
        long n = p + align(cl);
        return n > len - HDR ? -1 : n;
    }
}
