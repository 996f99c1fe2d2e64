package dev.nativesockets.linux;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One decoded {@code NETLINK_ROUTE} message: what a dump ({@link Netlink#links}, {@link Netlink#addresses})
 * returns and what a socket subscribed to link or address groups receives ({@link Netlink#receive}).
 * Decoded from {@code struct nlmsghdr}, {@code struct ifinfomsg}/{@code struct ifaddrmsg} and their
 * {@code struct rtattr} attributes.
 */
public sealed interface NetlinkMessage
        permits NetlinkMessage.Link, NetlinkMessage.Address, NetlinkMessage.Done, NetlinkMessage.Error,
                NetlinkMessage.Other {

    /** {@code nlmsg_type}. */
    int type();

    /** {@code nlmsg_seq}: the request it answers; a notification carries that of the change that caused it. */
    int sequence();

    /**
     * {@code RTM_NEWLINK} / {@code RTM_DELLINK}: an interface.
     *
     * @param index        {@code ifi_index}
     * @param name         {@code IFLA_IFNAME}, or {@code null} if absent
     * @param flags        {@code ifi_flags}: {@code IFF_UP}, {@code IFF_LOOPBACK}, {@code IFF_LOWER_UP}, …
     * @param hardwareType {@code ifi_type}: an {@code ARPHRD_*} value
     * @param mtu          {@code IFLA_MTU}, or -1
     * @param txQueueLength {@code IFLA_TXQLEN}, or -1
     * @param operState    {@code IFLA_OPERSTATE} (RFC 2863: 0 unknown … 6 up), or -1
     * @param qdisc        {@code IFLA_QDISC}, or {@code null}
     * @param address      {@code IFLA_ADDRESS}: the hardware address, empty if absent
     * @param broadcast    {@code IFLA_BROADCAST}, empty if absent
     * @param deleted      whether this is {@code RTM_DELLINK}
     */
    record Link(int type, int sequence, int index, String name, int flags, int hardwareType, int mtu, int txQueueLength,
                int operState, String qdisc, byte[] address, byte[] broadcast, boolean deleted) implements NetlinkMessage {
        public Link {
            address = address.clone();
            broadcast = broadcast.clone();
        }

        @Override
        public byte[] address() {
            return address.clone();
        }

        @Override
        public byte[] broadcast() {
            return broadcast.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Link l && l.type == type && l.sequence == sequence && l.index == index
                    && java.util.Objects.equals(l.name, name) && l.flags == flags && l.hardwareType == hardwareType
                    && l.mtu == mtu && l.txQueueLength == txQueueLength && l.operState == operState
                    && java.util.Objects.equals(l.qdisc, qdisc) && Arrays.equals(l.address, address)
                    && Arrays.equals(l.broadcast, broadcast) && l.deleted == deleted;
        }

        @Override
        public int hashCode() {
            return (index * 31 + flags) * 31 + java.util.Objects.hashCode(name);
        }

        @Override
        public String toString() {
            return "Link[" + index + ": " + name + " flags=0x" + Integer.toHexString(flags) + " mtu=" + mtu
                    + " addr=" + HexFormat.ofDelimiter(":").formatHex(address) + (deleted ? " deleted" : "") + "]";
        }
    }

    /**
     * {@code RTM_NEWADDR} / {@code RTM_DELADDR}: an address on an interface.
     *
     * @param family       {@code ifa_family}: {@code AF_INET} or {@code AF_INET6}
     * @param prefixLength {@code ifa_prefixlen}
     * @param flags        {@code IFA_FLAGS} where present, else {@code ifa_flags}
     * @param scope        {@code ifa_scope}: 0 universe, 253 link, 254 host
     * @param index        {@code ifa_index}: the interface
     * @param address      {@code IFA_ADDRESS}, or {@code null} if absent or of an unexpected length
     * @param local        {@code IFA_LOCAL} (IPv4), or {@code null}
     * @param label        {@code IFA_LABEL}, or {@code null}
     * @param deleted      whether this is {@code RTM_DELADDR}
     */
    record Address(int type, int sequence, int family, int prefixLength, int flags, int scope, int index,
                   InetAddress address, InetAddress local, String label, boolean deleted) implements NetlinkMessage {}

    /** {@code NLMSG_DONE}: the end of a dump. */
    record Done(int type, int sequence) implements NetlinkMessage {}

    /**
     * {@code NLMSG_ERROR}: {@code errno} is the positive error number, 0 for an acknowledgement.
     *
     * @param requestType {@code nlmsg_type} of the request it answers, or -1 if not included
     */
    record Error(int type, int sequence, int errno, int requestType) implements NetlinkMessage {}

    /**
     * Any other message, or one too short for its kind: type, flags and the payload after the
     * {@code nlmsghdr}.
     */
    record Other(int type, int sequence, int flags, byte[] payload) implements NetlinkMessage {
        public Other {
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Other x && x.type == type && x.sequence == sequence && x.flags == flags
                    && Arrays.equals(x.payload, payload);
        }

        @Override
        public int hashCode() {
            return (type * 31 + sequence) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Other[type=" + type + ", seq=" + sequence + ", " + payload.length + " bytes]";
        }
    }
}
