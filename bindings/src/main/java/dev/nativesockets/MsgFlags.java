package dev.nativesockets;

import dev.nativesockets.libc.Constants;

/**
 * Per-call flags of {@code send(2)}/{@code recv(2)} and friends, as the platform numbers them.
 * Combine with {@code |}. A flag the platform lacks is {@link #UNSUPPORTED}; passing it fails with
 * {@link UnsupportedOperationException} rather than being dropped.
 */
public final class MsgFlags {
    private MsgFlags() {}

    /** Marks a flag the running platform does not have. */
    public static final int UNSUPPORTED = Constants.UNSUPPORTED;

    /** {@code MSG_OOB}: out-of-band data. */
    public static final int OOB = Constants.MSG_OOB;
    /** {@code MSG_PEEK}: read without consuming. */
    public static final int PEEK = Constants.MSG_PEEK;
    /** {@code MSG_DONTROUTE}. */
    public static final int DONTROUTE = Constants.MSG_DONTROUTE;
    /**
     * {@code MSG_WAITALL}: block until the whole buffer is filled (stream sockets). On a virtual
     * thread, {@code recv} keeps this promise by parking between pieces; {@code recvFrom} and
     * {@code recvMsg} there return what one non-blocking receive found (their attempts carry
     * {@code MSG_DONTWAIT}, which the kernel lets override {@code MSG_WAITALL}): loop on them.
     */
    public static final int WAITALL = Constants.MSG_WAITALL;
    /** {@code MSG_DONTWAIT}: this call only is non-blocking. */
    public static final int DONTWAIT = Constants.MSG_DONTWAIT;
    /** {@code MSG_TRUNC}: on recv, return the real length of a longer datagram. */
    public static final int TRUNC = Constants.MSG_TRUNC;
    /** {@code MSG_CTRUNC}: reported by recvmsg when control data was cut. */
    public static final int CTRUNC = Constants.MSG_CTRUNC;
    /** {@code MSG_EOR}. */
    public static final int EOR = Constants.MSG_EOR;
    /** {@code MSG_NOSIGNAL}: always added on Linux; SIGPIPE is never raised by this library. */
    public static final int NOSIGNAL = Constants.MSG_NOSIGNAL;
    /** {@code MSG_MORE} (Linux): more data follows, like TCP_CORK for one call. */
    public static final int MORE = Constants.MSG_MORE;
    /** {@code MSG_CONFIRM} (Linux). */
    public static final int CONFIRM = Constants.MSG_CONFIRM;
    /** {@code MSG_ERRQUEUE} (Linux). */
    public static final int ERRQUEUE = Constants.MSG_ERRQUEUE;
    /** {@code MSG_WAITFORONE} (Linux, recvmmsg). */
    public static final int WAITFORONE = Constants.MSG_WAITFORONE;
    /**
     * {@code MSG_ZEROCOPY} (Linux 4.14+, with {@link NativeOptions#SO_ZEROCOPY}): send without
     * copying; the memory must stay untouched and alive until its completion arrives on the error
     * queue. Use {@link dev.nativesockets.linux.ZeroCopy}, which keeps that promise for you.
     */
    public static final int ZEROCOPY = Constants.MSG_ZEROCOPY;

    private static final int KNOWN = known();

    private static int known() {
        int k = 0;
        for (int f : new int[] {OOB, PEEK, DONTROUTE, WAITALL, DONTWAIT, TRUNC, CTRUNC, EOR, NOSIGNAL, MORE,
                CONFIRM, ERRQUEUE, WAITFORONE, ZEROCOPY}) {
            if (f != UNSUPPORTED) {
                k |= f;
            }
        }
        return k;
    }

    /** Rejects bits that are no flag of this platform. */
    static int check(int flags) {
        if (flags == UNSUPPORTED) {
            throw new UnsupportedOperationException("message flag not supported on this platform");
        }
        if ((flags & ~KNOWN) != 0) {
            throw new IllegalArgumentException("unknown message flag bits 0x" + Integer.toHexString(flags & ~KNOWN));
        }
        return flags;
    }
}
