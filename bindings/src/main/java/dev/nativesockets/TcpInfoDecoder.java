package dev.nativesockets;

import dev.nativesockets.libc.TcpInfo;
import java.lang.foreign.MemorySegment;

/**
 * Reads {@code struct tcp_info} into the public {@link dev.nativesockets.TcpInfo} record. The
 * imported {@code TcpInfo} is the raw layer's layout of the C struct (named after it, as every
 * struct class in {@code dev.nativesockets.libc} is); this is the one file that sees both.
 */
final class TcpInfoDecoder {
    private TcpInfoDecoder() {}

    static dev.nativesockets.TcpInfo decode(MemorySegment s) {
        return new dev.nativesockets.TcpInfo(
                TcpInfo.TCPI_STATE.getInt(s), TcpInfo.TCPI_CA_STATE.getInt(s), TcpInfo.TCPI_RETRANSMITS.getInt(s),
                TcpInfo.TCPI_PROBES.getInt(s), TcpInfo.TCPI_BACKOFF.getInt(s), TcpInfo.TCPI_OPTIONS.getInt(s),
                TcpInfo.TCPI_RTO.getInt(s), TcpInfo.TCPI_ATO.getInt(s), TcpInfo.TCPI_SND_MSS.getInt(s),
                TcpInfo.TCPI_RCV_MSS.getInt(s), TcpInfo.TCPI_UNACKED.getInt(s), TcpInfo.TCPI_SACKED.getInt(s),
                TcpInfo.TCPI_LOST.getInt(s), TcpInfo.TCPI_RETRANS.getInt(s), TcpInfo.TCPI_LAST_DATA_SENT.getInt(s),
                TcpInfo.TCPI_LAST_DATA_RECV.getInt(s), TcpInfo.TCPI_LAST_ACK_RECV.getInt(s), TcpInfo.TCPI_PMTU.getInt(s),
                TcpInfo.TCPI_RCV_SSTHRESH.getInt(s), TcpInfo.TCPI_RTT.getInt(s), TcpInfo.TCPI_RTTVAR.getInt(s),
                TcpInfo.TCPI_SND_SSTHRESH.getInt(s), TcpInfo.TCPI_SND_CWND.getInt(s), TcpInfo.TCPI_ADVMSS.getInt(s),
                TcpInfo.TCPI_REORDERING.getInt(s), TcpInfo.TCPI_RCV_RTT.getInt(s), TcpInfo.TCPI_RCV_SPACE.getInt(s),
                TcpInfo.TCPI_TOTAL_RETRANS.getInt(s));
    }
}
