/*
 * probe.c - prints what the C headers say, for checking the Java platform tables.
 *
 * Output, one fact a line:
 *   NAME VALUE                   every constant and errno number the Java table declares
 *   sizeof.STRUCT N              every struct the Java table declares
 *   offsetof.STRUCT.MEMBER N     every named (non-padding) top-level member of those structs
 *
 * Values print as signed long long, so EPOLLET (1u << 31) reads 2147483648 and EAI_NONAME -2,
 * the same numbers the Java tables hold in their long values.
 *
 * The list must name exactly what LinuxTable.java / DarwinTable.java declare: ProbeTest fails
 * when the table has a name this program does not print, and when this program prints a name the
 * table lacks. A name the headers do not define fails to compile, which is the point.
 *
 * Build and run by hand:  cc -Wall -o /tmp/ns-probe native/probe/probe.c && /tmp/ns-probe
 */
#include "../include/nativesockets.h"

#include <stddef.h>
#include <stdio.h>

#define P(label, value) printf("%s %lld\n", (label), (long long)(value))
/* a constant or errno under its own name */
#define C(name) P(#name, name)
/* a value under a chosen name, e.g. V(CMSG_LEN_0, CMSG_LEN(0)) */
#define V(name, expr) P(#name, expr)
/* size and member offsets of "struct tag" */
#define S(tag) P("sizeof." #tag, sizeof(struct tag))
#define O(tag, member) P("offsetof." #tag "." #member, offsetof(struct tag, member))
/* the same for a typedef name (fd_set) */
#define TS(type) P("sizeof." #type, sizeof(type))
#define TO(type, member) P("offsetof." #type "." #member, offsetof(type, member))

/* Names both Linux and Darwin define (values may differ). */
static void common_constants(void) {
    /* address families and socket types */
    C(AF_UNSPEC); C(AF_UNIX); C(AF_INET); C(AF_INET6);
    C(SOCK_STREAM); C(SOCK_DGRAM); C(SOCK_RAW); C(SOCK_SEQPACKET);

    /* protocol levels */
    C(SOL_SOCKET); C(IPPROTO_IP); C(IPPROTO_ICMP); C(IPPROTO_TCP); C(IPPROTO_UDP);
    C(IPPROTO_IPV6); C(IPPROTO_ICMPV6); C(IPPROTO_RAW);

    /* SOL_SOCKET options */
    C(SO_DEBUG); C(SO_REUSEADDR); C(SO_TYPE); C(SO_ERROR); C(SO_DONTROUTE); C(SO_BROADCAST);
    C(SO_SNDBUF); C(SO_RCVBUF); C(SO_KEEPALIVE); C(SO_OOBINLINE); C(SO_LINGER); C(SO_REUSEPORT);
    C(SO_RCVLOWAT); C(SO_SNDLOWAT); C(SO_RCVTIMEO); C(SO_SNDTIMEO); C(SO_TIMESTAMP);
    C(SO_ACCEPTCONN);
    C(SCM_RIGHTS); C(SCM_TIMESTAMP);

    /* send/recv flags */
    C(MSG_OOB); C(MSG_PEEK); C(MSG_DONTROUTE); C(MSG_CTRUNC); C(MSG_TRUNC); C(MSG_DONTWAIT);
    C(MSG_EOR); C(MSG_WAITALL); C(MSG_NOSIGNAL);
    C(SHUT_RD); C(SHUT_WR); C(SHUT_RDWR);
    C(SOMAXCONN);

    /* IPPROTO_TCP options */
    C(TCP_NODELAY); C(TCP_MAXSEG); C(TCP_KEEPINTVL); C(TCP_KEEPCNT); C(TCP_FASTOPEN);
    C(TCP_NOTSENT_LOWAT);

    /* IPPROTO_IP options */
    C(IP_TOS); C(IP_TTL); C(IP_HDRINCL); C(IP_OPTIONS); C(IP_PKTINFO); C(IP_RECVTTL);
    C(IP_RECVTOS); C(IP_MULTICAST_IF); C(IP_MULTICAST_TTL); C(IP_MULTICAST_LOOP);
    C(IP_ADD_MEMBERSHIP); C(IP_DROP_MEMBERSHIP);

    /* IPPROTO_IPV6 options */
    C(IPV6_UNICAST_HOPS); C(IPV6_MULTICAST_IF); C(IPV6_MULTICAST_HOPS); C(IPV6_MULTICAST_LOOP);
    C(IPV6_JOIN_GROUP); C(IPV6_LEAVE_GROUP); C(IPV6_V6ONLY); C(IPV6_RECVPKTINFO);
    C(IPV6_PKTINFO); C(IPV6_RECVHOPLIMIT); C(IPV6_HOPLIMIT); C(IPV6_RECVTCLASS); C(IPV6_TCLASS);

    /* fcntl, ioctl */
    C(F_GETFD); C(F_SETFD); C(F_GETFL); C(F_SETFL); C(FD_CLOEXEC); C(O_NONBLOCK); C(O_CLOEXEC);
    C(FIONREAD); C(SIOCATMARK);

    /* poll, select */
    C(POLLIN); C(POLLPRI); C(POLLOUT); C(POLLERR); C(POLLHUP); C(POLLNVAL);
    C(FD_SETSIZE);

    /* netdb */
    C(AI_PASSIVE); C(AI_CANONNAME); C(AI_NUMERICHOST); C(AI_V4MAPPED); C(AI_ALL);
    C(AI_ADDRCONFIG); C(AI_NUMERICSERV);
    C(NI_NUMERICHOST); C(NI_NUMERICSERV); C(NI_NOFQDN); C(NI_NAMEREQD); C(NI_DGRAM);
    C(NI_MAXHOST); C(NI_MAXSERV);
    C(EAI_BADFLAGS); C(EAI_NONAME); C(EAI_AGAIN); C(EAI_FAIL); C(EAI_NODATA); C(EAI_FAMILY);
    C(EAI_SOCKTYPE); C(EAI_SERVICE); C(EAI_ADDRFAMILY); C(EAI_MEMORY); C(EAI_SYSTEM);
    C(EAI_OVERFLOW);

    /* sizes and addresses */
    C(INADDR_ANY); C(INADDR_LOOPBACK); C(INET_ADDRSTRLEN); C(INET6_ADDRSTRLEN); C(IF_NAMESIZE);

    /* control-message arithmetic */
    V(CMSG_LEN_0, CMSG_LEN(0));
    V(CMSG_SPACE_1, CMSG_SPACE(1));
    V(CMSG_SPACE_4, CMSG_SPACE(4));
    V(CMSG_SPACE_12, CMSG_SPACE(12));
    V(CMSG_SPACE_16, CMSG_SPACE(16));
}

/* Structs both systems have; the members both name the same way. */
static void common_structs(void) {
    S(sockaddr); O(sockaddr, sa_family); O(sockaddr, sa_data);
    S(sockaddr_in); O(sockaddr_in, sin_family); O(sockaddr_in, sin_port); O(sockaddr_in, sin_addr);
    O(sockaddr_in, sin_zero);
    S(sockaddr_in6); O(sockaddr_in6, sin6_family); O(sockaddr_in6, sin6_port);
    O(sockaddr_in6, sin6_flowinfo); O(sockaddr_in6, sin6_addr); O(sockaddr_in6, sin6_scope_id);
    S(sockaddr_un); O(sockaddr_un, sun_family); O(sockaddr_un, sun_path);
    S(sockaddr_storage); O(sockaddr_storage, ss_family); O(sockaddr_storage, __ss_align);
    S(iovec); O(iovec, iov_base); O(iovec, iov_len);
    S(msghdr); O(msghdr, msg_name); O(msghdr, msg_namelen); O(msghdr, msg_iov);
    O(msghdr, msg_iovlen); O(msghdr, msg_control); O(msghdr, msg_controllen); O(msghdr, msg_flags);
    S(cmsghdr); O(cmsghdr, cmsg_len); O(cmsghdr, cmsg_level); O(cmsghdr, cmsg_type);
    S(linger); O(linger, l_onoff); O(linger, l_linger);
    S(timeval); O(timeval, tv_sec); O(timeval, tv_usec);
    S(timespec); O(timespec, tv_sec); O(timespec, tv_nsec);
    S(pollfd); O(pollfd, fd); O(pollfd, events); O(pollfd, revents);
    TS(fd_set); TO(fd_set, fds_bits);
    S(in_pktinfo); O(in_pktinfo, ipi_ifindex); O(in_pktinfo, ipi_spec_dst); O(in_pktinfo, ipi_addr);
    S(in6_pktinfo); O(in6_pktinfo, ipi6_addr); O(in6_pktinfo, ipi6_ifindex);
    S(ip_mreq); O(ip_mreq, imr_multiaddr); O(ip_mreq, imr_interface);
    S(ip_mreqn); O(ip_mreqn, imr_multiaddr); O(ip_mreqn, imr_address); O(ip_mreqn, imr_ifindex);
    S(ipv6_mreq); O(ipv6_mreq, ipv6mr_multiaddr); O(ipv6_mreq, ipv6mr_interface);
    S(addrinfo); O(addrinfo, ai_flags); O(addrinfo, ai_family); O(addrinfo, ai_socktype);
    O(addrinfo, ai_protocol); O(addrinfo, ai_addrlen); O(addrinfo, ai_addr);
    O(addrinfo, ai_canonname); O(addrinfo, ai_next);
}

#if defined(__linux__)

static void os_constants(void) {
    C(SOCK_NONBLOCK); C(SOCK_CLOEXEC);
    C(SO_PRIORITY); C(SO_PASSCRED); C(SO_PEERCRED); C(SO_BINDTODEVICE); C(SO_TIMESTAMPNS);
    C(SO_MARK); C(SO_PROTOCOL); C(SO_DOMAIN);
    C(SCM_CREDENTIALS); C(SCM_TIMESTAMPNS);
    C(MSG_CONFIRM); C(MSG_ERRQUEUE); C(MSG_MORE); C(MSG_WAITFORONE);
    C(MSG_FASTOPEN); C(MSG_CMSG_CLOEXEC);
    C(TCP_CORK); C(TCP_KEEPIDLE); C(TCP_SYNCNT); C(TCP_LINGER2); C(TCP_DEFER_ACCEPT);
    C(TCP_WINDOW_CLAMP); C(TCP_INFO); C(TCP_QUICKACK); C(TCP_CONGESTION); C(TCP_USER_TIMEOUT);
    C(TCP_FASTOPEN_CONNECT);
    C(IP_MTU_DISCOVER); C(IP_RECVERR); C(IP_FREEBIND); C(IP_TRANSPARENT);
    C(IP_BIND_ADDRESS_NO_PORT);
    C(POLLRDHUP);
    C(EPOLLIN); C(EPOLLPRI); C(EPOLLOUT); C(EPOLLERR); C(EPOLLHUP); C(EPOLLRDHUP);
    C(EPOLLEXCLUSIVE); C(EPOLLONESHOT); C(EPOLLET);
    C(EPOLL_CTL_ADD); C(EPOLL_CTL_DEL); C(EPOLL_CTL_MOD); C(EPOLL_CLOEXEC);
    /* per architecture: the message calls issued through syscall(2) to pin caller memory */
    C(SYS_readv); C(SYS_writev); C(SYS_sendmsg); C(SYS_recvmsg); C(SYS_sendmmsg); C(SYS_recvmmsg);
    C(EPOLLWAKEUP);
    C(EFD_SEMAPHORE); C(EFD_CLOEXEC); C(EFD_NONBLOCK);

    /* netlink, packet and vsock families */
    C(AF_NETLINK); C(AF_PACKET); C(AF_VSOCK);
    C(NETLINK_ROUTE); C(SOL_NETLINK); C(NETLINK_ADD_MEMBERSHIP); C(NETLINK_DROP_MEMBERSHIP);
    C(NLM_F_REQUEST); C(NLM_F_MULTI); C(NLM_F_ACK); C(NLM_F_ROOT); C(NLM_F_MATCH); C(NLM_F_DUMP);
    C(NLMSG_NOOP); C(NLMSG_ERROR); C(NLMSG_DONE); C(NLMSG_OVERRUN);
    C(NLMSG_ALIGNTO); C(NLMSG_HDRLEN); C(RTA_ALIGNTO);
    C(RTM_NEWLINK); C(RTM_DELLINK); C(RTM_GETLINK); C(RTM_NEWADDR); C(RTM_DELADDR); C(RTM_GETADDR);
    C(RTMGRP_LINK); C(RTMGRP_IPV4_IFADDR); C(RTMGRP_IPV6_IFADDR);
    C(RTNLGRP_LINK); C(RTNLGRP_IPV4_IFADDR); C(RTNLGRP_IPV6_IFADDR);
    C(IFLA_ADDRESS); C(IFLA_BROADCAST); C(IFLA_IFNAME); C(IFLA_MTU); C(IFLA_QDISC); C(IFLA_TXQLEN);
    C(IFLA_OPERSTATE); C(IFLA_GROUP);
    C(IFA_ADDRESS); C(IFA_LOCAL); C(IFA_LABEL); C(IFA_BROADCAST); C(IFA_FLAGS);
    C(IFF_UP); C(IFF_BROADCAST); C(IFF_DEBUG); C(IFF_LOOPBACK); C(IFF_POINTOPOINT); C(IFF_NOTRAILERS);
    C(IFF_RUNNING); C(IFF_NOARP); C(IFF_PROMISC); C(IFF_ALLMULTI); C(IFF_MASTER); C(IFF_SLAVE);
    C(IFF_MULTICAST); C(IFF_PORTSEL); C(IFF_AUTOMEDIA); C(IFF_DYNAMIC); C(IFF_LOWER_UP); C(IFF_DORMANT);
    C(IFF_ECHO);
    C(ARPHRD_ETHER); C(ARPHRD_LOOPBACK); C(ARPHRD_NONE);
    C(ETH_P_ALL); C(ETH_P_IP); C(ETH_P_ARP); C(ETH_P_IPV6); C(ETH_ALEN); C(ETH_HLEN);
    C(SOL_PACKET); C(PACKET_ADD_MEMBERSHIP); C(PACKET_DROP_MEMBERSHIP);
    C(PACKET_MR_MULTICAST); C(PACKET_MR_PROMISC); C(PACKET_MR_ALLMULTI);
    C(PACKET_HOST); C(PACKET_BROADCAST); C(PACKET_MULTICAST); C(PACKET_OTHERHOST); C(PACKET_OUTGOING);
    C(VMADDR_CID_ANY); C(VMADDR_PORT_ANY); C(VMADDR_CID_HYPERVISOR); C(VMADDR_CID_LOCAL); C(VMADDR_CID_HOST);

    /* ICMP */
    C(ICMP_ECHOREPLY); C(ICMP_DEST_UNREACH); C(ICMP_ECHO); C(ICMP_TIME_EXCEEDED);
    C(ICMP6_DST_UNREACH); C(ICMP6_TIME_EXCEEDED); C(ICMP6_ECHO_REQUEST); C(ICMP6_ECHO_REPLY);

    /* UDP offloads, error queue, zero-copy */
    C(SOL_UDP); C(UDP_SEGMENT); C(UDP_GRO);
    C(IPV6_RECVERR); C(SO_ZEROCOPY); C(MSG_ZEROCOPY);
    C(SO_EE_ORIGIN_NONE); C(SO_EE_ORIGIN_LOCAL); C(SO_EE_ORIGIN_ICMP); C(SO_EE_ORIGIN_ICMP6);
    C(SO_EE_ORIGIN_TXSTATUS); C(SO_EE_ORIGIN_ZEROCOPY); C(SO_EE_CODE_ZEROCOPY_COPIED);
}

static void os_errnos(void) {
    C(EPERM); C(ENOENT); C(ESRCH); C(EINTR); C(EIO); C(ENXIO); C(E2BIG); C(ENOEXEC); C(EBADF);
    C(ECHILD); C(EAGAIN); C(ENOMEM); C(EACCES); C(EFAULT); C(ENOTBLK); C(EBUSY); C(EEXIST);
    C(EXDEV); C(ENODEV); C(ENOTDIR); C(EISDIR); C(EINVAL); C(ENFILE); C(EMFILE); C(ENOTTY);
    C(ETXTBSY); C(EFBIG); C(ENOSPC); C(ESPIPE); C(EROFS); C(EMLINK); C(EPIPE); C(EDOM); C(ERANGE);
    C(EDEADLK); C(ENAMETOOLONG); C(ENOLCK); C(ENOSYS); C(ENOTEMPTY); C(ELOOP); C(ENOMSG);
    C(EIDRM); C(ECHRNG); C(EL2NSYNC); C(EL3HLT); C(EL3RST); C(ELNRNG); C(EUNATCH); C(ENOCSI);
    C(EL2HLT); C(EBADE); C(EBADR); C(EXFULL); C(ENOANO); C(EBADRQC); C(EBADSLT); C(EBFONT);
    C(ENOSTR); C(ENODATA); C(ETIME); C(ENOSR); C(ENONET); C(ENOPKG); C(EREMOTE); C(ENOLINK);
    C(EADV); C(ESRMNT); C(ECOMM); C(EPROTO); C(EMULTIHOP); C(EDOTDOT); C(EBADMSG); C(EOVERFLOW);
    C(ENOTUNIQ); C(EBADFD); C(EREMCHG); C(ELIBACC); C(ELIBBAD); C(ELIBSCN); C(ELIBMAX);
    C(ELIBEXEC); C(EILSEQ); C(ERESTART); C(ESTRPIPE); C(EUSERS); C(ENOTSOCK); C(EDESTADDRREQ);
    C(EMSGSIZE); C(EPROTOTYPE); C(ENOPROTOOPT); C(EPROTONOSUPPORT); C(ESOCKTNOSUPPORT);
    C(EOPNOTSUPP); C(EPFNOSUPPORT); C(EAFNOSUPPORT); C(EADDRINUSE); C(EADDRNOTAVAIL);
    C(ENETDOWN); C(ENETUNREACH); C(ENETRESET); C(ECONNABORTED); C(ECONNRESET); C(ENOBUFS);
    C(EISCONN); C(ENOTCONN); C(ESHUTDOWN); C(ETOOMANYREFS); C(ETIMEDOUT); C(ECONNREFUSED);
    C(EHOSTDOWN); C(EHOSTUNREACH); C(EALREADY); C(EINPROGRESS); C(ESTALE); C(EUCLEAN);
    C(ENOTNAM); C(ENAVAIL); C(EISNAM); C(EREMOTEIO); C(EDQUOT); C(ENOMEDIUM); C(EMEDIUMTYPE);
    C(ECANCELED); C(ENOKEY); C(EKEYEXPIRED); C(EKEYREVOKED); C(EKEYREJECTED); C(EOWNERDEAD);
    C(ENOTRECOVERABLE); C(ERFKILL); C(EHWPOISON);
    /* aliases */
    C(EWOULDBLOCK); C(EDEADLOCK); C(ENOTSUP);
}

static void os_structs(void) {
    S(mmsghdr); O(mmsghdr, msg_hdr); O(mmsghdr, msg_len);
    S(ucred); O(ucred, pid); O(ucred, uid); O(ucred, gid);
    /* tcpi_snd_wscale / tcpi_rcv_wscale are bit-fields: no offsetof, the table keeps them as padding */
    S(tcp_info);
    O(tcp_info, tcpi_state); O(tcp_info, tcpi_ca_state); O(tcp_info, tcpi_retransmits);
    O(tcp_info, tcpi_probes); O(tcp_info, tcpi_backoff); O(tcp_info, tcpi_options);
    O(tcp_info, tcpi_rto); O(tcp_info, tcpi_ato); O(tcp_info, tcpi_snd_mss);
    O(tcp_info, tcpi_rcv_mss); O(tcp_info, tcpi_unacked); O(tcp_info, tcpi_sacked);
    O(tcp_info, tcpi_lost); O(tcp_info, tcpi_retrans); O(tcp_info, tcpi_fackets);
    O(tcp_info, tcpi_last_data_sent); O(tcp_info, tcpi_last_ack_sent);
    O(tcp_info, tcpi_last_data_recv); O(tcp_info, tcpi_last_ack_recv);
    O(tcp_info, tcpi_pmtu); O(tcp_info, tcpi_rcv_ssthresh); O(tcp_info, tcpi_rtt);
    O(tcp_info, tcpi_rttvar); O(tcp_info, tcpi_snd_ssthresh); O(tcp_info, tcpi_snd_cwnd);
    O(tcp_info, tcpi_advmss); O(tcp_info, tcpi_reordering); O(tcp_info, tcpi_rcv_rtt);
    O(tcp_info, tcpi_rcv_space); O(tcp_info, tcpi_total_retrans);
    S(epoll_event); O(epoll_event, events); O(epoll_event, data);
    S(sockaddr_nl); O(sockaddr_nl, nl_family); O(sockaddr_nl, nl_pad); O(sockaddr_nl, nl_pid);
    O(sockaddr_nl, nl_groups);
    S(sockaddr_ll); O(sockaddr_ll, sll_family); O(sockaddr_ll, sll_protocol); O(sockaddr_ll, sll_ifindex);
    O(sockaddr_ll, sll_hatype); O(sockaddr_ll, sll_pkttype); O(sockaddr_ll, sll_halen); O(sockaddr_ll, sll_addr);
    S(sockaddr_vm); O(sockaddr_vm, svm_family); O(sockaddr_vm, svm_reserved1); O(sockaddr_vm, svm_port);
    O(sockaddr_vm, svm_cid); O(sockaddr_vm, svm_flags); O(sockaddr_vm, svm_zero);
    S(packet_mreq); O(packet_mreq, mr_ifindex); O(packet_mreq, mr_type); O(packet_mreq, mr_alen);
    O(packet_mreq, mr_address);
    S(nlmsghdr); O(nlmsghdr, nlmsg_len); O(nlmsghdr, nlmsg_type); O(nlmsghdr, nlmsg_flags);
    O(nlmsghdr, nlmsg_seq); O(nlmsghdr, nlmsg_pid);
    S(nlmsgerr); O(nlmsgerr, error); O(nlmsgerr, msg);
    S(rtattr); O(rtattr, rta_len); O(rtattr, rta_type);
    S(ifinfomsg); O(ifinfomsg, ifi_family); O(ifinfomsg, __ifi_pad); O(ifinfomsg, ifi_type);
    O(ifinfomsg, ifi_index); O(ifinfomsg, ifi_flags); O(ifinfomsg, ifi_change);
    S(ifaddrmsg); O(ifaddrmsg, ifa_family); O(ifaddrmsg, ifa_prefixlen); O(ifaddrmsg, ifa_flags);
    O(ifaddrmsg, ifa_scope); O(ifaddrmsg, ifa_index);
    S(sock_extended_err); O(sock_extended_err, ee_errno); O(sock_extended_err, ee_origin);
    O(sock_extended_err, ee_type); O(sock_extended_err, ee_code); O(sock_extended_err, ee_pad);
    O(sock_extended_err, ee_info); O(sock_extended_err, ee_data);
    S(icmphdr); O(icmphdr, type); O(icmphdr, code); O(icmphdr, checksum); O(icmphdr, un);
    S(icmp6_hdr); O(icmp6_hdr, icmp6_type); O(icmp6_hdr, icmp6_code); O(icmp6_hdr, icmp6_cksum);
    O(icmp6_hdr, icmp6_dataun);
}

#elif defined(__APPLE__)

static void os_constants(void) {
    /* SOL_SOCKET options and control messages */
    C(SO_TIMESTAMP_MONOTONIC); C(SO_NREAD); C(SO_NOSIGPIPE); C(SO_NWRITE); C(SO_LINGER_SEC);
    C(SCM_CREDS); C(SCM_TIMESTAMP_MONOTONIC);

    /* AF_UNIX (SOL_LOCAL) options, <sys/un.h>, <sys/ucred.h> */
    C(SOL_LOCAL); C(LOCAL_PEERCRED); C(LOCAL_PEERPID); C(XUCRED_VERSION);

    /* send/recv flags */
    C(MSG_EOF);

    /* IPPROTO_TCP options */
    C(TCP_NOPUSH); C(TCP_NOOPT); C(TCP_KEEPALIVE); C(TCP_CONNECTIONTIMEOUT); C(TCP_RXT_CONNDROPTIME);
    C(TCP_CONNECTION_INFO);

    /* IPPROTO_IP options */
    C(IP_RECVDSTADDR); C(IP_RECVIF); C(IP_BOUND_IF); C(IP_RECVPKTINFO); C(IP_DONTFRAG);
    C(IP_MULTICAST_IFINDEX);

    /* IPPROTO_IPV6 options (RFC 3542 numbering: nativesockets.h defines __APPLE_USE_RFC_3542) */
    C(IPV6_DONTFRAG); C(IPV6_BOUND_IF);

    /* fcntl, ioctl */
    C(F_DUPFD); C(F_DUPFD_CLOEXEC); C(F_SETNOSIGPIPE); C(F_GETNOSIGPIPE);
    C(FIONBIO);

    /* kqueue */
    C(EVFILT_READ); C(EVFILT_WRITE); C(EVFILT_TIMER); C(EVFILT_USER); C(EVFILT_EXCEPT);
    C(EV_ADD); C(EV_DELETE); C(EV_ENABLE); C(EV_DISABLE); C(EV_ONESHOT); C(EV_CLEAR);
    C(EV_RECEIPT); C(EV_DISPATCH); C(EV_ERROR); C(EV_EOF);
    C(NOTE_LOWAT); C(NOTE_TRIGGER);
    C(NOTE_FFNOP); C(NOTE_FFAND); C(NOTE_FFOR); C(NOTE_FFCOPY); C(NOTE_FFCTRLMASK); C(NOTE_FFLAGSMASK);

    /* vsock, <sys/vsock.h>: Darwin calls CID 1 VMADDR_CID_RESERVED, Linux VMADDR_CID_LOCAL */
    C(AF_VSOCK);
    C(VMADDR_CID_ANY); C(VMADDR_PORT_ANY); C(VMADDR_CID_HYPERVISOR); C(VMADDR_CID_RESERVED); C(VMADDR_CID_HOST);

    /* netdb (Libinfo) */
    C(AI_V4MAPPED_CFG);
    C(EAI_BADHINTS); C(EAI_PROTOCOL);
}

static void os_errnos(void) {
    C(EPERM); C(ENOENT); C(ESRCH); C(EINTR); C(EIO); C(ENXIO); C(E2BIG); C(ENOEXEC); C(EBADF);
    C(ECHILD); C(EDEADLK); C(ENOMEM); C(EACCES); C(EFAULT); C(ENOTBLK); C(EBUSY); C(EEXIST);
    C(EXDEV); C(ENODEV); C(ENOTDIR); C(EISDIR); C(EINVAL); C(ENFILE); C(EMFILE); C(ENOTTY);
    C(ETXTBSY); C(EFBIG); C(ENOSPC); C(ESPIPE); C(EROFS); C(EMLINK); C(EPIPE); C(EDOM); C(ERANGE);
    C(EAGAIN); C(EINPROGRESS); C(EALREADY); C(ENOTSOCK); C(EDESTADDRREQ); C(EMSGSIZE);
    C(EPROTOTYPE); C(ENOPROTOOPT); C(EPROTONOSUPPORT); C(ESOCKTNOSUPPORT); C(ENOTSUP);
    C(EPFNOSUPPORT); C(EAFNOSUPPORT); C(EADDRINUSE); C(EADDRNOTAVAIL); C(ENETDOWN);
    C(ENETUNREACH); C(ENETRESET); C(ECONNABORTED); C(ECONNRESET); C(ENOBUFS); C(EISCONN);
    C(ENOTCONN); C(ESHUTDOWN); C(ETOOMANYREFS); C(ETIMEDOUT); C(ECONNREFUSED); C(ELOOP);
    C(ENAMETOOLONG); C(EHOSTDOWN); C(EHOSTUNREACH); C(ENOTEMPTY); C(EPROCLIM); C(EUSERS);
    C(EDQUOT); C(ESTALE); C(EREMOTE); C(EBADRPC); C(ERPCMISMATCH); C(EPROGUNAVAIL);
    C(EPROGMISMATCH); C(EPROCUNAVAIL); C(ENOLCK); C(ENOSYS); C(EFTYPE); C(EAUTH); C(ENEEDAUTH);
    C(EPWROFF); C(EDEVERR); C(EOVERFLOW); C(EBADEXEC); C(EBADARCH); C(ESHLIBVERS); C(EBADMACHO);
    C(ECANCELED); C(EIDRM); C(ENOMSG); C(EILSEQ); C(ENOATTR); C(EBADMSG); C(EMULTIHOP);
    C(ENODATA); C(ENOLINK); C(ENOSR); C(ENOSTR); C(EPROTO); C(ETIME); C(EOPNOTSUPP);
    C(ENOPOLICY); C(ENOTRECOVERABLE); C(EOWNERDEAD); C(EQFULL);
    /* aliases */
    C(EWOULDBLOCK);
}

static void os_structs(void) {
    /* BSD length bytes in front of the family */
    O(sockaddr, sa_len);
    O(sockaddr_in, sin_len);
    O(sockaddr_in6, sin6_len);
    O(sockaddr_un, sun_len);
    O(sockaddr_storage, ss_len);
    S(xucred); O(xucred, cr_version); O(xucred, cr_uid); O(xucred, cr_ngroups);
    O(xucred, cr_groups);
    /* tcpi_tfo_* are bit-fields: no offsetof, the table keeps them (with __pad1, __pad2) as padding */
    S(tcp_connection_info);
    O(tcp_connection_info, tcpi_state); O(tcp_connection_info, tcpi_snd_wscale);
    O(tcp_connection_info, tcpi_rcv_wscale); O(tcp_connection_info, tcpi_options);
    O(tcp_connection_info, tcpi_flags); O(tcp_connection_info, tcpi_rto);
    O(tcp_connection_info, tcpi_maxseg); O(tcp_connection_info, tcpi_snd_ssthresh);
    O(tcp_connection_info, tcpi_snd_cwnd); O(tcp_connection_info, tcpi_snd_wnd);
    O(tcp_connection_info, tcpi_snd_sbbytes); O(tcp_connection_info, tcpi_rcv_wnd);
    O(tcp_connection_info, tcpi_rttcur); O(tcp_connection_info, tcpi_srtt);
    O(tcp_connection_info, tcpi_rttvar); O(tcp_connection_info, tcpi_txpackets);
    O(tcp_connection_info, tcpi_txbytes); O(tcp_connection_info, tcpi_txretransmitbytes);
    O(tcp_connection_info, tcpi_rxpackets); O(tcp_connection_info, tcpi_rxbytes);
    O(tcp_connection_info, tcpi_rxoutoforderbytes); O(tcp_connection_info, tcpi_txretransmitpackets);
    /* declared __attribute__((__packed__)) */
    S(sockaddr_vm); O(sockaddr_vm, svm_len); O(sockaddr_vm, svm_family); O(sockaddr_vm, svm_reserved1);
    O(sockaddr_vm, svm_port); O(sockaddr_vm, svm_cid);
    /* declared under #pragma pack(4) */
    S(kevent); O(kevent, ident); O(kevent, filter); O(kevent, flags); O(kevent, fflags);
    O(kevent, data); O(kevent, udata);
}

#endif

int main(void) {
    common_constants();
    os_constants();
    os_errnos();
    common_structs();
    os_structs();
    return fflush(stdout) == 0 ? 0 : 1;
}
