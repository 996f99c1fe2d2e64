/*
 * nativesockets.h - the C headers NativeSockets mirrors.
 *
 * This is the header list a binding generator such as jextract would be given: every constant,
 * errno number and struct layout in the Java platform tables (bindings/.../libc/LinuxTable.java
 * and DarwinTable.java) comes from one of the headers included here. native/probe/probe.c
 * includes this file and prints those facts so the tests can check the tables against the
 * real headers.
 *
 * Nothing is compiled into the library from here: the Java side calls libc directly through
 * the Foreign Function & Memory API.
 */
#ifndef NATIVESOCKETS_H
#define NATIVESOCKETS_H

#if defined(__linux__)
/* glibc hides SCM_CREDENTIALS, struct ucred, struct mmsghdr, struct in_pktinfo, POLLRDHUP,
 * EAI_ADDRFAMILY/EAI_NODATA, MSG_* extensions and the fds_bits member name behind this. */
#  ifndef _GNU_SOURCE
#    define _GNU_SOURCE 1
#  endif
#elif defined(__APPLE__)
/* RFC 3542 (advanced IPv6 API) option numbers: IPV6_RECVPKTINFO, IPV6_PKTINFO, IPV6_HOPLIMIT...
 * Without it the SDK gives the obsolete RFC 2292 values. */
#  ifndef __APPLE_USE_RFC_3542
#    define __APPLE_USE_RFC_3542 1
#  endif
#else
#  error "NativeSockets supports Linux and Darwin (macOS) only"
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <net/if.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/uio.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <errno.h>
#include <unistd.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#if defined(__linux__)
#  include <sys/epoll.h>
#  include <sys/syscall.h> /* SYS_* numbers: calls whose caller memory is pinned (Pins.java) */
#  include <sys/eventfd.h> /* eventfd, EFD_* (the readiness loop's wake-up) */
#  include <netinet/udp.h>       /* UDP_SEGMENT, UDP_GRO */
#  include <netinet/ip_icmp.h>   /* struct icmphdr, ICMP_ECHO */
#  include <netinet/icmp6.h>     /* struct icmp6_hdr, ICMP6_ECHO_REQUEST */
#  include <net/if_arp.h>        /* ARPHRD_* */
#  include <net/ethernet.h>      /* ETH_P_*, ETH_ALEN */
#  include <netpacket/packet.h>  /* struct sockaddr_ll, struct packet_mreq, PACKET_* */
#  include <linux/if.h>          /* IFF_LOWER_UP, IFF_DORMANT, IFF_ECHO (after net/if.h: libc-compat) */
#  include <linux/netlink.h>     /* struct sockaddr_nl, struct nlmsghdr, NLM_F_*, NLMSG_* */
#  include <linux/rtnetlink.h>   /* RTM_*, RTMGRP_*, struct ifinfomsg, struct ifaddrmsg, IFLA_*, IFA_* */
#  include <linux/vm_sockets.h>  /* struct sockaddr_vm, VMADDR_* */
#  include <linux/errqueue.h>    /* struct sock_extended_err, SO_EE_ORIGIN_* */
#endif

#if defined(__APPLE__)
#  include <sys/event.h>   /* kqueue, struct kevent, EVFILT_*, EV_* */
#  include <sys/ucred.h>   /* struct xucred, XUCRED_VERSION (LOCAL_PEERCRED) */
#  include <sys/filio.h>   /* FIONREAD */
#  include <sys/sockio.h>  /* SIOCATMARK */
#  include <sys/vsock.h>   /* struct sockaddr_vm, VMADDR_* (AF_VSOCK is in sys/socket.h) */
#endif

#endif /* NATIVESOCKETS_H */
