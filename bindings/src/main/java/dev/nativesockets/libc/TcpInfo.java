package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct tcp_info}: TCP_INFO read-out (Linux only); the fields glibc's header declares. */
public final class TcpInfo {
    private TcpInfo() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("tcp_info");
    /** {@code sizeof(struct tcp_info)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field TCPI_STATE = Field.of(LAYOUT, "tcpi_state");
    public static final Field TCPI_CA_STATE = Field.of(LAYOUT, "tcpi_ca_state");
    public static final Field TCPI_RETRANSMITS = Field.of(LAYOUT, "tcpi_retransmits");
    public static final Field TCPI_PROBES = Field.of(LAYOUT, "tcpi_probes");
    public static final Field TCPI_BACKOFF = Field.of(LAYOUT, "tcpi_backoff");
    public static final Field TCPI_OPTIONS = Field.of(LAYOUT, "tcpi_options");
    public static final Field TCPI_RTO = Field.of(LAYOUT, "tcpi_rto");
    public static final Field TCPI_ATO = Field.of(LAYOUT, "tcpi_ato");
    public static final Field TCPI_SND_MSS = Field.of(LAYOUT, "tcpi_snd_mss");
    public static final Field TCPI_RCV_MSS = Field.of(LAYOUT, "tcpi_rcv_mss");
    public static final Field TCPI_UNACKED = Field.of(LAYOUT, "tcpi_unacked");
    public static final Field TCPI_SACKED = Field.of(LAYOUT, "tcpi_sacked");
    public static final Field TCPI_LOST = Field.of(LAYOUT, "tcpi_lost");
    public static final Field TCPI_RETRANS = Field.of(LAYOUT, "tcpi_retrans");
    public static final Field TCPI_FACKETS = Field.of(LAYOUT, "tcpi_fackets");
    public static final Field TCPI_LAST_DATA_SENT = Field.of(LAYOUT, "tcpi_last_data_sent");
    public static final Field TCPI_LAST_ACK_SENT = Field.of(LAYOUT, "tcpi_last_ack_sent");
    public static final Field TCPI_LAST_DATA_RECV = Field.of(LAYOUT, "tcpi_last_data_recv");
    public static final Field TCPI_LAST_ACK_RECV = Field.of(LAYOUT, "tcpi_last_ack_recv");
    public static final Field TCPI_PMTU = Field.of(LAYOUT, "tcpi_pmtu");
    public static final Field TCPI_RCV_SSTHRESH = Field.of(LAYOUT, "tcpi_rcv_ssthresh");
    public static final Field TCPI_RTT = Field.of(LAYOUT, "tcpi_rtt");
    public static final Field TCPI_RTTVAR = Field.of(LAYOUT, "tcpi_rttvar");
    public static final Field TCPI_SND_SSTHRESH = Field.of(LAYOUT, "tcpi_snd_ssthresh");
    public static final Field TCPI_SND_CWND = Field.of(LAYOUT, "tcpi_snd_cwnd");
    public static final Field TCPI_ADVMSS = Field.of(LAYOUT, "tcpi_advmss");
    public static final Field TCPI_REORDERING = Field.of(LAYOUT, "tcpi_reordering");
    public static final Field TCPI_RCV_RTT = Field.of(LAYOUT, "tcpi_rcv_rtt");
    public static final Field TCPI_RCV_SPACE = Field.of(LAYOUT, "tcpi_rcv_space");
    public static final Field TCPI_TOTAL_RETRANS = Field.of(LAYOUT, "tcpi_total_retrans");
}
