package dev.nativesockets;

import dev.nativesockets.libc.Constants;

/**
 * UDP segmentation offload as a control message (Linux):
 *
 * <ul>
 *   <li>On send, {@code SOL_UDP}/{@code UDP_SEGMENT} ({@code __u16}, {@link #of(int)}): the data of
 *       this one {@code sendmsg(2)} (up to 64 KiB, at most 64 segments) leaves as datagrams of
 *       {@code size} bytes each, the last possibly shorter — GSO for one message, the same as the
 *       {@link NativeOptions#UDP_SEGMENT} socket option for all. Works with {@link Socket#sendMsg},
 *       {@link Socket#sendMmsg} and {@link MessageBatch}.</li>
 *   <li>On receive, {@code SOL_UDP}/{@code UDP_GRO} ({@code int}, {@link #received()} true): with
 *       {@link NativeOptions#UDP_GRO} on, one {@code recvmsg(2)} may return several datagrams of one
 *       flow back to back; each is {@code size} bytes but the last, which may be shorter. Read it
 *       with {@code message.received(SegmentSize.class)}; absent, the buffer holds one datagram.</li>
 * </ul>
 *
 * @param size     segment size in bytes
 * @param received whether this is the receive side's {@code UDP_GRO}; {@link #of} makes the send side's
 */
public record SegmentSize(int size, boolean received) implements ControlMessage {
    /** {@code UDP_SEGMENT} for one send: segments of {@code size} bytes (1..65535; checked when sent). */
    public static SegmentSize of(int size) {
        return new SegmentSize(size, false);
    }

    @Override
    public int level() {
        return Constants.SOL_UDP;
    }

    @Override
    public int type() {
        return received ? Constants.UDP_GRO : Constants.UDP_SEGMENT;
    }

    @Override
    public int dataLength() {
        return received ? 4 : 2;
    }

    /**
     * How many datagrams {@code length} received bytes hold under this segment size (the last may
     * be shorter): {@code ceil(length / size)}.
     */
    public int segments(long length) {
        if (size <= 0 || length <= 0) {
            return length > 0 ? 1 : 0;
        }
        return (int) ((length + size - 1) / size);
    }
}
