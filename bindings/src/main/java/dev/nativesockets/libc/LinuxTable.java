package dev.nativesockets.libc;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Linux (glibc) values, from {@code <sys/socket.h>}, {@code <netinet/in.h>}, {@code <netinet/tcp.h>},
 * {@code <errno.h>}, {@code <poll.h>}, {@code <sys/epoll.h>}, {@code <netdb.h>} and friends, as listed
 * in {@code native/include/nativesockets.h}. x86_64 and aarch64 share the generic socket ABI; they differ
 * here only in {@code struct epoll_event}, which x86_64 packs.
 */
final class LinuxTable {
    private LinuxTable() {}

    /** Network-order 16-bit value (ports). */
    static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    static PlatformTable create(Platform.Arch arch) {
        var b = PlatformTable.builder(arch == Platform.Arch.X86_64 ? Platform.LINUX_X86_64 : Platform.LINUX_AARCH64);
        constants(b);
        syscalls(b, arch);
        familyConstants(b);
        errnos(b);
        structs(b, arch);
        familyStructs(b);
        return b.build();
    }

    /**
     * The numbers of the message calls that {@code CriticalCalls.syscallPinned} issues. x86_64 kept its own
     * table; aarch64 uses the generic one ({@code asm-generic/unistd.h}).
     */
    private static void syscalls(PlatformTable.Builder b, Platform.Arch arch) {
        if (arch == Platform.Arch.X86_64) {
            b.constant("SYS_readv", 19).constant("SYS_writev", 20).constant("SYS_sendmsg", 46)
                    .constant("SYS_recvmsg", 47).constant("SYS_recvmmsg", 299).constant("SYS_sendmmsg", 307);
        } else {
            b.constant("SYS_readv", 65).constant("SYS_writev", 66).constant("SYS_sendmsg", 211)
                    .constant("SYS_recvmsg", 212).constant("SYS_recvmmsg", 243).constant("SYS_sendmmsg", 269);
        }
    }

    private static void constants(PlatformTable.Builder b) {
        // address families and socket types
        b.constant("AF_UNSPEC", 0).constant("AF_UNIX", 1).constant("AF_INET", 2).constant("AF_INET6", 10);
        b.constant("SOCK_STREAM", 1).constant("SOCK_DGRAM", 2).constant("SOCK_RAW", 3).constant("SOCK_SEQPACKET", 5);
        b.constant("SOCK_NONBLOCK", 04000).constant("SOCK_CLOEXEC", 02000000);
        // protocol levels
        b.constant("SOL_SOCKET", 1).constant("IPPROTO_IP", 0).constant("IPPROTO_ICMP", 1).constant("IPPROTO_TCP", 6)
                .constant("IPPROTO_UDP", 17).constant("IPPROTO_IPV6", 41).constant("IPPROTO_ICMPV6", 58)
                .constant("IPPROTO_RAW", 255);
        // SOL_SOCKET options
        b.constant("SO_DEBUG", 1).constant("SO_REUSEADDR", 2).constant("SO_TYPE", 3).constant("SO_ERROR", 4)
                .constant("SO_DONTROUTE", 5).constant("SO_BROADCAST", 6).constant("SO_SNDBUF", 7)
                .constant("SO_RCVBUF", 8).constant("SO_KEEPALIVE", 9).constant("SO_OOBINLINE", 10)
                .constant("SO_PRIORITY", 12).constant("SO_LINGER", 13).constant("SO_REUSEPORT", 15)
                .constant("SO_PASSCRED", 16).constant("SO_PEERCRED", 17).constant("SO_RCVLOWAT", 18)
                .constant("SO_SNDLOWAT", 19).constant("SO_RCVTIMEO", 20).constant("SO_SNDTIMEO", 21)
                .constant("SO_BINDTODEVICE", 25).constant("SO_TIMESTAMP", 29).constant("SO_ACCEPTCONN", 30)
                .constant("SO_TIMESTAMPNS", 35).constant("SO_MARK", 36).constant("SO_PROTOCOL", 38)
                .constant("SO_DOMAIN", 39);
        b.constant("SCM_RIGHTS", 1).constant("SCM_CREDENTIALS", 2).constant("SCM_TIMESTAMP", 29)
                .constant("SCM_TIMESTAMPNS", 35);
        // send/recv flags
        b.constant("MSG_OOB", 0x1).constant("MSG_PEEK", 0x2).constant("MSG_DONTROUTE", 0x4)
                .constant("MSG_CTRUNC", 0x8).constant("MSG_TRUNC", 0x20).constant("MSG_DONTWAIT", 0x40)
                .constant("MSG_EOR", 0x80).constant("MSG_WAITALL", 0x100).constant("MSG_CONFIRM", 0x800)
                .constant("MSG_ERRQUEUE", 0x2000).constant("MSG_NOSIGNAL", 0x4000).constant("MSG_MORE", 0x8000)
                .constant("MSG_WAITFORONE", 0x10000).constant("MSG_FASTOPEN", 0x20000000)
                .constant("MSG_CMSG_CLOEXEC", 0x40000000);
        b.constant("SHUT_RD", 0).constant("SHUT_WR", 1).constant("SHUT_RDWR", 2);
        b.constant("SOMAXCONN", 4096);
        // IPPROTO_TCP options
        b.constant("TCP_NODELAY", 1).constant("TCP_MAXSEG", 2).constant("TCP_CORK", 3).constant("TCP_KEEPIDLE", 4)
                .constant("TCP_KEEPINTVL", 5).constant("TCP_KEEPCNT", 6).constant("TCP_SYNCNT", 7)
                .constant("TCP_LINGER2", 8).constant("TCP_DEFER_ACCEPT", 9).constant("TCP_WINDOW_CLAMP", 10)
                .constant("TCP_INFO", 11).constant("TCP_QUICKACK", 12).constant("TCP_CONGESTION", 13)
                .constant("TCP_USER_TIMEOUT", 18).constant("TCP_FASTOPEN", 23).constant("TCP_NOTSENT_LOWAT", 25)
                .constant("TCP_FASTOPEN_CONNECT", 30);
        // IPPROTO_IP options
        b.constant("IP_TOS", 1).constant("IP_TTL", 2).constant("IP_HDRINCL", 3).constant("IP_OPTIONS", 4)
                .constant("IP_PKTINFO", 8).constant("IP_MTU_DISCOVER", 10).constant("IP_RECVERR", 11)
                .constant("IP_RECVTTL", 12).constant("IP_RECVTOS", 13).constant("IP_FREEBIND", 15)
                .constant("IP_TRANSPARENT", 19).constant("IP_BIND_ADDRESS_NO_PORT", 24)
                .constant("IP_MULTICAST_IF", 32).constant("IP_MULTICAST_TTL", 33).constant("IP_MULTICAST_LOOP", 34)
                .constant("IP_ADD_MEMBERSHIP", 35).constant("IP_DROP_MEMBERSHIP", 36);
        // IPPROTO_IPV6 options
        b.constant("IPV6_UNICAST_HOPS", 16).constant("IPV6_MULTICAST_IF", 17).constant("IPV6_MULTICAST_HOPS", 18)
                .constant("IPV6_MULTICAST_LOOP", 19).constant("IPV6_JOIN_GROUP", 20).constant("IPV6_LEAVE_GROUP", 21)
                .constant("IPV6_V6ONLY", 26).constant("IPV6_RECVPKTINFO", 49).constant("IPV6_PKTINFO", 50)
                .constant("IPV6_RECVHOPLIMIT", 51).constant("IPV6_HOPLIMIT", 52).constant("IPV6_RECVTCLASS", 66)
                .constant("IPV6_TCLASS", 67);
        // fcntl, ioctl
        b.constant("F_GETFD", 1).constant("F_SETFD", 2).constant("F_GETFL", 3).constant("F_SETFL", 4)
                .constant("FD_CLOEXEC", 1).constant("O_NONBLOCK", 04000).constant("O_CLOEXEC", 02000000);
        b.constant("FIONREAD", 0x541B).constant("SIOCATMARK", 0x8905);
        // poll, select, epoll
        b.constant("POLLIN", 0x1).constant("POLLPRI", 0x2).constant("POLLOUT", 0x4).constant("POLLERR", 0x8)
                .constant("POLLHUP", 0x10).constant("POLLNVAL", 0x20).constant("POLLRDHUP", 0x2000);
        b.constant("FD_SETSIZE", 1024);
        b.constant("EPOLLIN", 0x1).constant("EPOLLPRI", 0x2).constant("EPOLLOUT", 0x4).constant("EPOLLERR", 0x8)
                .constant("EPOLLHUP", 0x10).constant("EPOLLRDHUP", 0x2000).constant("EPOLLEXCLUSIVE", 1L << 28)
                .constant("EPOLLONESHOT", 1L << 30).constant("EPOLLET", 1L << 31);
        b.constant("EPOLL_CTL_ADD", 1).constant("EPOLL_CTL_DEL", 2).constant("EPOLL_CTL_MOD", 3)
                .constant("EPOLL_CLOEXEC", 02000000).constant("EPOLLWAKEUP", 1L << 29);
        b.constant("EFD_SEMAPHORE", 1).constant("EFD_CLOEXEC", 02000000).constant("EFD_NONBLOCK", 04000);
        // netdb
        b.constant("AI_PASSIVE", 0x1).constant("AI_CANONNAME", 0x2).constant("AI_NUMERICHOST", 0x4)
                .constant("AI_V4MAPPED", 0x8).constant("AI_ALL", 0x10).constant("AI_ADDRCONFIG", 0x20)
                .constant("AI_NUMERICSERV", 0x400);
        b.constant("NI_NUMERICHOST", 1).constant("NI_NUMERICSERV", 2).constant("NI_NOFQDN", 4)
                .constant("NI_NAMEREQD", 8).constant("NI_DGRAM", 16).constant("NI_MAXHOST", 1025)
                .constant("NI_MAXSERV", 32);
        b.constant("EAI_BADFLAGS", -1).constant("EAI_NONAME", -2).constant("EAI_AGAIN", -3).constant("EAI_FAIL", -4)
                .constant("EAI_NODATA", -5).constant("EAI_FAMILY", -6).constant("EAI_SOCKTYPE", -7)
                .constant("EAI_SERVICE", -8).constant("EAI_ADDRFAMILY", -9).constant("EAI_MEMORY", -10)
                .constant("EAI_SYSTEM", -11).constant("EAI_OVERFLOW", -12);
        // sizes and addresses
        b.constant("INADDR_ANY", 0).constant("INADDR_LOOPBACK", 0x7f000001L).constant("INET_ADDRSTRLEN", 16)
                .constant("INET6_ADDRSTRLEN", 46).constant("IF_NAMESIZE", 16);
        // what CMSG_LEN / CMSG_SPACE give: proves the control-message arithmetic
        b.constant("CMSG_LEN_0", 16).constant("CMSG_SPACE_1", 24).constant("CMSG_SPACE_4", 24)
                .constant("CMSG_SPACE_12", 32).constant("CMSG_SPACE_16", 32);
    }

    /**
     * Netlink, packet and vsock sockets, ICMP, UDP offloads and zero-copy: {@code <linux/netlink.h>},
     * {@code <linux/rtnetlink.h>}, {@code <netpacket/packet.h>}, {@code <linux/vm_sockets.h>},
     * {@code <linux/errqueue.h>}, {@code <netinet/udp.h>}, {@code <netinet/ip_icmp.h>},
     * {@code <netinet/icmp6.h>}.
     */
    private static void familyConstants(PlatformTable.Builder b) {
        b.constant("AF_NETLINK", 16).constant("AF_PACKET", 17).constant("AF_VSOCK", 40);
        // netlink
        b.constant("NETLINK_ROUTE", 0).constant("SOL_NETLINK", 270).constant("NETLINK_ADD_MEMBERSHIP", 1)
                .constant("NETLINK_DROP_MEMBERSHIP", 2);
        b.constant("NLM_F_REQUEST", 0x1).constant("NLM_F_MULTI", 0x2).constant("NLM_F_ACK", 0x4)
                .constant("NLM_F_ROOT", 0x100).constant("NLM_F_MATCH", 0x200).constant("NLM_F_DUMP", 0x300);
        b.constant("NLMSG_NOOP", 1).constant("NLMSG_ERROR", 2).constant("NLMSG_DONE", 3).constant("NLMSG_OVERRUN", 4);
        b.constant("NLMSG_ALIGNTO", 4).constant("NLMSG_HDRLEN", 16).constant("RTA_ALIGNTO", 4);
        b.constant("RTM_NEWLINK", 16).constant("RTM_DELLINK", 17).constant("RTM_GETLINK", 18)
                .constant("RTM_NEWADDR", 20).constant("RTM_DELADDR", 21).constant("RTM_GETADDR", 22);
        b.constant("RTMGRP_LINK", 0x1).constant("RTMGRP_IPV4_IFADDR", 0x10).constant("RTMGRP_IPV6_IFADDR", 0x100);
        b.constant("RTNLGRP_LINK", 1).constant("RTNLGRP_IPV4_IFADDR", 5).constant("RTNLGRP_IPV6_IFADDR", 9);
        b.constant("IFLA_ADDRESS", 1).constant("IFLA_BROADCAST", 2).constant("IFLA_IFNAME", 3).constant("IFLA_MTU", 4)
                .constant("IFLA_QDISC", 6).constant("IFLA_TXQLEN", 13).constant("IFLA_OPERSTATE", 16)
                .constant("IFLA_GROUP", 27);
        b.constant("IFA_ADDRESS", 1).constant("IFA_LOCAL", 2).constant("IFA_LABEL", 3).constant("IFA_BROADCAST", 4)
                .constant("IFA_FLAGS", 8);
        b.constant("IFF_UP", 0x1).constant("IFF_BROADCAST", 0x2).constant("IFF_DEBUG", 0x4).constant("IFF_LOOPBACK", 0x8)
                .constant("IFF_POINTOPOINT", 0x10).constant("IFF_NOTRAILERS", 0x20).constant("IFF_RUNNING", 0x40)
                .constant("IFF_NOARP", 0x80).constant("IFF_PROMISC", 0x100).constant("IFF_ALLMULTI", 0x200)
                .constant("IFF_MASTER", 0x400).constant("IFF_SLAVE", 0x800).constant("IFF_MULTICAST", 0x1000)
                .constant("IFF_PORTSEL", 0x2000).constant("IFF_AUTOMEDIA", 0x4000).constant("IFF_DYNAMIC", 0x8000)
                .constant("IFF_LOWER_UP", 0x10000).constant("IFF_DORMANT", 0x20000).constant("IFF_ECHO", 0x40000);
        b.constant("ARPHRD_ETHER", 1).constant("ARPHRD_LOOPBACK", 772).constant("ARPHRD_NONE", 0xfffe);
        // packet sockets
        b.constant("ETH_P_ALL", 0x3).constant("ETH_P_IP", 0x800).constant("ETH_P_ARP", 0x806)
                .constant("ETH_P_IPV6", 0x86dd).constant("ETH_ALEN", 6).constant("ETH_HLEN", 14);
        b.constant("SOL_PACKET", 263).constant("PACKET_ADD_MEMBERSHIP", 1).constant("PACKET_DROP_MEMBERSHIP", 2)
                .constant("PACKET_MR_MULTICAST", 0).constant("PACKET_MR_PROMISC", 1).constant("PACKET_MR_ALLMULTI", 2);
        b.constant("PACKET_HOST", 0).constant("PACKET_BROADCAST", 1).constant("PACKET_MULTICAST", 2)
                .constant("PACKET_OTHERHOST", 3).constant("PACKET_OUTGOING", 4);
        // vsock
        b.constant("VMADDR_CID_ANY", 0xffffffffL).constant("VMADDR_PORT_ANY", 0xffffffffL)
                .constant("VMADDR_CID_HYPERVISOR", 0).constant("VMADDR_CID_LOCAL", 1).constant("VMADDR_CID_HOST", 2);
        // ICMP
        b.constant("ICMP_ECHOREPLY", 0).constant("ICMP_DEST_UNREACH", 3).constant("ICMP_ECHO", 8)
                .constant("ICMP_TIME_EXCEEDED", 11).constant("ICMP6_DST_UNREACH", 1).constant("ICMP6_TIME_EXCEEDED", 3)
                .constant("ICMP6_ECHO_REQUEST", 128).constant("ICMP6_ECHO_REPLY", 129);
        // UDP offloads, error queue, zero-copy
        b.constant("SOL_UDP", 17).constant("UDP_SEGMENT", 103).constant("UDP_GRO", 104);
        b.constant("IPV6_RECVERR", 25).constant("SO_ZEROCOPY", 60).constant("MSG_ZEROCOPY", 0x4000000);
        b.constant("SO_EE_ORIGIN_NONE", 0).constant("SO_EE_ORIGIN_LOCAL", 1).constant("SO_EE_ORIGIN_ICMP", 2)
                .constant("SO_EE_ORIGIN_ICMP6", 3).constant("SO_EE_ORIGIN_TXSTATUS", 4)
                .constant("SO_EE_ORIGIN_ZEROCOPY", 5).constant("SO_EE_CODE_ZEROCOPY_COPIED", 1);
    }

    private static void errnos(PlatformTable.Builder b) {
        String[] names = {
            null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
            "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",
            "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
            "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY",
            "ELOOP", null, "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH",
            "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", null, "EBFONT",
            "ENOSTR", "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT",
            "ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG",
            "ELIBACC", "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS",
            "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT",
            "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL",
            "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN",
            "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH",
            "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM", "EREMOTEIO",
            "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED",
            "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON",
        };
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                b.errno(names[i], i);
            }
        }
        // aliases come after the primary names, so number -> name stays the primary one
        b.errno("EWOULDBLOCK", 11).errno("EDEADLOCK", 35).errno("ENOTSUP", 95);
    }

    private static void structs(PlatformTable.Builder b, Platform.Arch arch) {
        b.struct("sockaddr", JAVA_SHORT.withName("sa_family"), sequenceLayout(14, JAVA_BYTE).withName("sa_data"));
        b.struct("sockaddr_in",
                JAVA_SHORT.withName("sin_family"), NET_SHORT.withName("sin_port"),
                sequenceLayout(4, JAVA_BYTE).withName("sin_addr"), sequenceLayout(8, JAVA_BYTE).withName("sin_zero"));
        b.struct("sockaddr_in6",
                JAVA_SHORT.withName("sin6_family"), NET_SHORT.withName("sin6_port"),
                JAVA_INT.withName("sin6_flowinfo"), sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
                JAVA_INT.withName("sin6_scope_id"));
        b.struct("sockaddr_un", JAVA_SHORT.withName("sun_family"), sequenceLayout(108, JAVA_BYTE).withName("sun_path"));
        b.struct(MemoryLayout.structLayout(
                JAVA_SHORT.withName("ss_family"), paddingLayout(118), JAVA_LONG.withName("__ss_align"))
                .withName("sockaddr_storage"));
        b.struct("iovec", ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));
        GroupLayout msghdr = MemoryLayout.structLayout(
                ADDRESS.withName("msg_name"), JAVA_INT.withName("msg_namelen"), paddingLayout(4),
                ADDRESS.withName("msg_iov"), JAVA_LONG.withName("msg_iovlen"),
                ADDRESS.withName("msg_control"), JAVA_LONG.withName("msg_controllen"),
                JAVA_INT.withName("msg_flags"), paddingLayout(4)).withName("msghdr");
        b.struct(msghdr);
        b.struct("mmsghdr", msghdr.withName("msg_hdr"), JAVA_INT.withName("msg_len"), paddingLayout(4));
        b.struct("cmsghdr", JAVA_LONG.withName("cmsg_len"), JAVA_INT.withName("cmsg_level"), JAVA_INT.withName("cmsg_type"));
        b.struct("linger", JAVA_INT.withName("l_onoff"), JAVA_INT.withName("l_linger"));
        b.struct("timeval", JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_usec"));
        b.struct("timespec", JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));
        b.struct("pollfd", JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));
        b.struct("fd_set", sequenceLayout(16, JAVA_LONG).withName("fds_bits"));
        b.struct("ucred", JAVA_INT.withName("pid"), JAVA_INT.withName("uid"), JAVA_INT.withName("gid"));
        b.struct("in_pktinfo", JAVA_INT.withName("ipi_ifindex"),
                sequenceLayout(4, JAVA_BYTE).withName("ipi_spec_dst"), sequenceLayout(4, JAVA_BYTE).withName("ipi_addr"));
        b.struct("in6_pktinfo", sequenceLayout(16, JAVA_BYTE).withName("ipi6_addr"), JAVA_INT.withName("ipi6_ifindex"));
        b.struct("ip_mreq", sequenceLayout(4, JAVA_BYTE).withName("imr_multiaddr"),
                sequenceLayout(4, JAVA_BYTE).withName("imr_interface"));
        b.struct("ip_mreqn", sequenceLayout(4, JAVA_BYTE).withName("imr_multiaddr"),
                sequenceLayout(4, JAVA_BYTE).withName("imr_address"), JAVA_INT.withName("imr_ifindex"));
        b.struct("ipv6_mreq", sequenceLayout(16, JAVA_BYTE).withName("ipv6mr_multiaddr"),
                JAVA_INT.withName("ipv6mr_interface"));
        b.struct("tcp_info",
                JAVA_BYTE.withName("tcpi_state"), JAVA_BYTE.withName("tcpi_ca_state"),
                JAVA_BYTE.withName("tcpi_retransmits"), JAVA_BYTE.withName("tcpi_probes"),
                JAVA_BYTE.withName("tcpi_backoff"), JAVA_BYTE.withName("tcpi_options"),
                paddingLayout(2), // tcpi_snd_wscale:4, tcpi_rcv_wscale:4 and later bit-fields
                JAVA_INT.withName("tcpi_rto"), JAVA_INT.withName("tcpi_ato"), JAVA_INT.withName("tcpi_snd_mss"),
                JAVA_INT.withName("tcpi_rcv_mss"), JAVA_INT.withName("tcpi_unacked"), JAVA_INT.withName("tcpi_sacked"),
                JAVA_INT.withName("tcpi_lost"), JAVA_INT.withName("tcpi_retrans"), JAVA_INT.withName("tcpi_fackets"),
                JAVA_INT.withName("tcpi_last_data_sent"), JAVA_INT.withName("tcpi_last_ack_sent"),
                JAVA_INT.withName("tcpi_last_data_recv"), JAVA_INT.withName("tcpi_last_ack_recv"),
                JAVA_INT.withName("tcpi_pmtu"), JAVA_INT.withName("tcpi_rcv_ssthresh"), JAVA_INT.withName("tcpi_rtt"),
                JAVA_INT.withName("tcpi_rttvar"), JAVA_INT.withName("tcpi_snd_ssthresh"),
                JAVA_INT.withName("tcpi_snd_cwnd"), JAVA_INT.withName("tcpi_advmss"),
                JAVA_INT.withName("tcpi_reordering"), JAVA_INT.withName("tcpi_rcv_rtt"),
                JAVA_INT.withName("tcpi_rcv_space"), JAVA_INT.withName("tcpi_total_retrans"));
        b.struct("addrinfo",
                JAVA_INT.withName("ai_flags"), JAVA_INT.withName("ai_family"), JAVA_INT.withName("ai_socktype"),
                JAVA_INT.withName("ai_protocol"), JAVA_INT.withName("ai_addrlen"), paddingLayout(4),
                ADDRESS.withName("ai_addr"), ADDRESS.withName("ai_canonname"), ADDRESS.withName("ai_next"));
        if (arch == Platform.Arch.X86_64) {
            // x86_64 declares epoll_event __attribute__((packed)): data sits at offset 4
            b.struct("epoll_event", JAVA_INT.withName("events"), JAVA_LONG.withByteAlignment(4).withName("data"));
        } else {
            b.struct("epoll_event", JAVA_INT.withName("events"), paddingLayout(4), JAVA_LONG.withName("data"));
        }
    }

    /** Netlink, packet, vsock, error-queue and ICMP structs: one layout for x86_64 and aarch64. */
    private static void familyStructs(PlatformTable.Builder b) {
        b.struct("sockaddr_nl", JAVA_SHORT.withName("nl_family"), JAVA_SHORT.withName("nl_pad"),
                JAVA_INT.withName("nl_pid"), JAVA_INT.withName("nl_groups"));
        b.struct("sockaddr_ll", JAVA_SHORT.withName("sll_family"), NET_SHORT.withName("sll_protocol"),
                JAVA_INT.withName("sll_ifindex"), JAVA_SHORT.withName("sll_hatype"), JAVA_BYTE.withName("sll_pkttype"),
                JAVA_BYTE.withName("sll_halen"), sequenceLayout(8, JAVA_BYTE).withName("sll_addr"));
        b.struct("sockaddr_vm", JAVA_SHORT.withName("svm_family"), JAVA_SHORT.withName("svm_reserved1"),
                JAVA_INT.withName("svm_port"), JAVA_INT.withName("svm_cid"), JAVA_BYTE.withName("svm_flags"),
                sequenceLayout(3, JAVA_BYTE).withName("svm_zero"));
        b.struct("packet_mreq", JAVA_INT.withName("mr_ifindex"), JAVA_SHORT.withName("mr_type"),
                JAVA_SHORT.withName("mr_alen"), sequenceLayout(8, JAVA_BYTE).withName("mr_address"));
        GroupLayout nlmsghdr = MemoryLayout.structLayout(
                JAVA_INT.withName("nlmsg_len"), JAVA_SHORT.withName("nlmsg_type"), JAVA_SHORT.withName("nlmsg_flags"),
                JAVA_INT.withName("nlmsg_seq"), JAVA_INT.withName("nlmsg_pid")).withName("nlmsghdr");
        b.struct(nlmsghdr);
        b.struct("nlmsgerr", JAVA_INT.withName("error"), nlmsghdr.withName("msg"));
        b.struct("rtattr", JAVA_SHORT.withName("rta_len"), JAVA_SHORT.withName("rta_type"));
        b.struct("ifinfomsg", JAVA_BYTE.withName("ifi_family"), JAVA_BYTE.withName("__ifi_pad"),
                JAVA_SHORT.withName("ifi_type"), JAVA_INT.withName("ifi_index"), JAVA_INT.withName("ifi_flags"),
                JAVA_INT.withName("ifi_change"));
        b.struct("ifaddrmsg", JAVA_BYTE.withName("ifa_family"), JAVA_BYTE.withName("ifa_prefixlen"),
                JAVA_BYTE.withName("ifa_flags"), JAVA_BYTE.withName("ifa_scope"), JAVA_INT.withName("ifa_index"));
        b.struct("sock_extended_err", JAVA_INT.withName("ee_errno"), JAVA_BYTE.withName("ee_origin"),
                JAVA_BYTE.withName("ee_type"), JAVA_BYTE.withName("ee_code"), JAVA_BYTE.withName("ee_pad"),
                JAVA_INT.withName("ee_info"), JAVA_INT.withName("ee_data"));
        // the echo fields of the unions are wire format (RFC 792, RFC 4443): id and sequence after the checksum
        b.struct("icmphdr", JAVA_BYTE.withName("type"), JAVA_BYTE.withName("code"), NET_SHORT.withName("checksum"),
                JAVA_INT.withName("un"));
        b.struct("icmp6_hdr", JAVA_BYTE.withName("icmp6_type"), JAVA_BYTE.withName("icmp6_code"),
                NET_SHORT.withName("icmp6_cksum"), JAVA_INT.withName("icmp6_dataun"));
    }
}
