package dev.nativesockets;

/**
 * A snapshot of the kernel's {@code struct tcp_info} ({@code getsockopt(IPPROTO_TCP, TCP_INFO)},
 * Linux): connection state, timers in microseconds, segment counts, round-trip estimate.
 */
public record TcpInfo(
        int state, int caState, int retransmits, int probes, int backoff, int options,
        int rtoMicros, int atoMicros, int sndMss, int rcvMss, int unacked, int sacked, int lost,
        int retrans, int lastDataSentMillis, int lastDataRecvMillis, int lastAckRecvMillis, int pmtu,
        int rcvSsthresh, int rttMicros, int rttVarMicros, int sndSsthresh, int sndCwnd, int advMss,
        int reordering, int rcvRttMicros, int rcvSpace, int totalRetrans) {

    /** {@code TCP_ESTABLISHED} in {@link #state()}. */
    public static final int ESTABLISHED = 1;
    /** {@code TCP_LISTEN} in {@link #state()}. */
    public static final int LISTEN = 10;
}
