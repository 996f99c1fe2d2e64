package dev.nativesockets.libc;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Darwin (macOS) values, read from Apple's published xnu and Libinfo headers. x86_64 and arm64 are
 * both LP64 and share every value and layout here, so {@link #create} only picks the platform tag.
 *
 * <p>Sources (repository, path, stored commit):
 * <ul>
 *   <li>{@code apple-oss-distributions/xnu} {@code bsd/sys/socket.h} (1031c584): SOCK_*, SO_*, SOL_SOCKET,
 *       AF_*, MSG_*, SCM_*, SHUT_*, SOMAXCONN, CMSG_* macros, sockaddr, sockaddr_storage, msghdr, cmsghdr,
 *       linger. {@code apple/darwin-xnu} {@code bsd/sys/socket.h} (0a798f67) was read too: that older
 *       header has no MSG_NOSIGNAL, see below.</li>
 *   <li>{@code apple/darwin-xnu} {@code bsd/sys/vsock.h} (d4061fb0): sockaddr_vm (declared
 *       {@code __attribute__((__packed__))}), VMADDR_*. AF_VSOCK (40) is in the socket.h above. Darwin names
 *       CID 1 VMADDR_CID_RESERVED; it has no VMADDR_CID_LOCAL (no vsock loopback transport).</li>
 *   <li>{@code apple-oss-distributions/xnu} {@code bsd/netinet/in.h} (5c2921b0): IPPROTO_*, IP_*,
 *       INADDR_*, INET_ADDRSTRLEN, sockaddr_in, ip_mreq, ip_mreqn, in_pktinfo.</li>
 *   <li>{@code apple-oss-distributions/xnu} {@code bsd/netinet6/in6.h} (5c2921b0): IPV6_*, INET6_ADDRSTRLEN,
 *       sockaddr_in6, ipv6_mreq, in6_pktinfo. IPV6_PKTINFO, IPV6_HOPLIMIT, IPV6_RECVPKTINFO,
 *       IPV6_RECVHOPLIMIT and IPV6_DONTFRAG exist only when {@code __APPLE_USE_RFC_3542} is defined
 *       before including {@code <netinet/in.h>}; the RFC 3542 values are the ones given here (a probe must
 *       define that macro).</li>
 *   <li>{@code apple-oss-distributions/xnu} {@code bsd/netinet/tcp.h} (4f1223e8): TCP_*, tcp_connection_info.</li>
 *   <li>{@code apple-oss-distributions/xnu} {@code bsd/sys/errno.h} (94d3b452): every errno, EPERM 1 to EQFULL 106.
 *       EOPNOTSUPP is 102 under {@code __DARWIN_UNIX03}, which every 64-bit compile has.</li>
 *   <li>{@code ProjectCalamari/xnu} {@code bsd/sys/un.h} (a430cb18, a copy of current xnu): sockaddr_un,
 *       SOL_LOCAL, LOCAL_PEERCRED, LOCAL_PEERPID. ({@code apple/darwin-xnu} {@code bsd/sys/un.h} (03489ce2)
 *       agrees on sockaddr_un and LOCAL_PEERCRED but predates the SOL_LOCAL macro; the level was 0 before it
 *       had a name.)</li>
 *   <li>{@code apple-oss-distributions/xnu} {@code bsd/sys/ucred.h} (836167ae) and {@code bsd/sys/syslimits.h}
 *       (8d741a5d, NGROUPS_MAX 16): xucred, XUCRED_VERSION.</li>
 *   <li>{@code apple-oss-distributions/xnu} {@code bsd/sys/event.h} (1031c584): EVFILT_*, EV_*, NOTE_*, kevent
 *       (declared under {@code #pragma pack(4)}).</li>
 *   <li>{@code apple/darwin-xnu} {@code bsd/sys/poll.h} (03489ce2): POLL*, pollfd.</li>
 *   <li>{@code apple-oss-distributions/xnu} {@code bsd/sys/filio.h} (5c2921b0) and {@code bsd/sys/sockio.h}
 *       (1031c584), with {@code ProjectCalamari/xnu} {@code bsd/sys/ioccom.h} (a430cb18) for the _IOR/_IOW
 *       encoding: FIONREAD, FIONBIO, SIOCATMARK.</li>
 *   <li>{@code apple-oss-distributions/xnu} {@code bsd/sys/fcntl.h} (1031c584): F_*, FD_CLOEXEC, O_NONBLOCK,
 *       O_CLOEXEC.</li>
 *   <li>{@code apple/darwin-xnu} {@code bsd/sys/_types/_fd_def.h} (0a798f67), {@code bsd/sys/_types/_timeval.h}
 *       (0a798f67), {@code bsd/sys/_types/_timespec.h} (0a798f67), {@code bsd/sys/_types.h} (suseconds_t is
 *       {@code __int32_t}): fd_set, FD_SETSIZE, timeval, timespec.</li>
 *   <li>{@code apple/darwin-xnu} {@code bsd/i386/_param.h} and {@code bsd/arm/_param.h}: {@code __DARWIN_ALIGN32}
 *       rounds to 4 bytes, which is all the CMSG_* macros use.</li>
 *   <li>{@code apple/darwin-xnu} {@code bsd/net/if.h}: IF_NAMESIZE.</li>
 *   <li>{@code apple-open-source/macos} {@code Libinfo/lookup.subproj/netdb.h} (303513c8): addrinfo, AI_*,
 *       NI_*, EAI_* (positive numbers on Darwin).</li>
 * </ul>
 *
 * <p>Notes a reader of this table should know:
 * <ul>
 *   <li>MSG_NOSIGNAL (0x80000) is in current xnu headers (guarded by {@code __DARWIN_C_LEVEL >= 200809L}) but
 *       absent from older ones; older kernels do not honour it. Use SO_NOSIGPIPE for sockets regardless.</li>
 *   <li>SO_LINGER is 0x80 with the default (Darwin) feature set, and takes its time in ticks per the
 *       header's comment; SO_LINGER_SEC (0x1080) takes seconds. Strict POSIX compiles see SO_LINGER as 0x1080.</li>
 *   <li>SCM_CREDS is defined, but {@code struct cmsgcred} sits under {@code #ifndef __APPLE__}, so Darwin
 *       declares no such struct; peer credentials come from LOCAL_PEERCRED ({@code struct xucred}).</li>
 *   <li>Darwin's NI_* flag values differ from Linux's (NI_NOFQDN is 1, NI_NUMERICHOST 2, ...), as do AI_*.</li>
 * </ul>
 */
final class DarwinTable {
    private DarwinTable() {}

    /** Network-order 16-bit value (ports). */
    static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    static PlatformTable create(Platform.Arch arch) {
        var b = PlatformTable.builder(arch == Platform.Arch.X86_64 ? Platform.DARWIN_X86_64 : Platform.DARWIN_AARCH64);
        constants(b);
        errnos(b);
        structs(b);
        return b.build();
    }

    private static void constants(PlatformTable.Builder b) {
        // address families and socket types (no SOCK_NONBLOCK / SOCK_CLOEXEC flags on Darwin)
        b.constant("AF_UNSPEC", 0).constant("AF_UNIX", 1).constant("AF_INET", 2).constant("AF_INET6", 30);
        b.constant("SOCK_STREAM", 1).constant("SOCK_DGRAM", 2).constant("SOCK_RAW", 3).constant("SOCK_SEQPACKET", 5);
        // vsock (the family Virtualization.framework guests talk to their host over)
        b.constant("AF_VSOCK", 40);
        b.constant("VMADDR_CID_ANY", 0xffffffffL).constant("VMADDR_PORT_ANY", 0xffffffffL)
                .constant("VMADDR_CID_HYPERVISOR", 0).constant("VMADDR_CID_RESERVED", 1).constant("VMADDR_CID_HOST", 2);
        // protocol levels
        b.constant("SOL_SOCKET", 0xffff).constant("SOL_LOCAL", 0).constant("IPPROTO_IP", 0).constant("IPPROTO_ICMP", 1)
                .constant("IPPROTO_TCP", 6).constant("IPPROTO_UDP", 17).constant("IPPROTO_IPV6", 41)
                .constant("IPPROTO_ICMPV6", 58).constant("IPPROTO_RAW", 255);
        // SOL_SOCKET options
        b.constant("SO_DEBUG", 0x0001).constant("SO_ACCEPTCONN", 0x0002).constant("SO_REUSEADDR", 0x0004)
                .constant("SO_KEEPALIVE", 0x0008).constant("SO_DONTROUTE", 0x0010).constant("SO_BROADCAST", 0x0020)
                .constant("SO_LINGER", 0x0080).constant("SO_OOBINLINE", 0x0100).constant("SO_REUSEPORT", 0x0200)
                .constant("SO_TIMESTAMP", 0x0400).constant("SO_TIMESTAMP_MONOTONIC", 0x0800)
                .constant("SO_SNDBUF", 0x1001).constant("SO_RCVBUF", 0x1002).constant("SO_SNDLOWAT", 0x1003)
                .constant("SO_RCVLOWAT", 0x1004).constant("SO_SNDTIMEO", 0x1005).constant("SO_RCVTIMEO", 0x1006)
                .constant("SO_ERROR", 0x1007).constant("SO_TYPE", 0x1008).constant("SO_NREAD", 0x1020)
                .constant("SO_NOSIGPIPE", 0x1022).constant("SO_NWRITE", 0x1024).constant("SO_LINGER_SEC", 0x1080);
        b.constant("SCM_RIGHTS", 0x01).constant("SCM_TIMESTAMP", 0x02).constant("SCM_CREDS", 0x03)
                .constant("SCM_TIMESTAMP_MONOTONIC", 0x04);
        // AF_UNIX (SOL_LOCAL) options
        b.constant("LOCAL_PEERCRED", 0x001).constant("LOCAL_PEERPID", 0x002).constant("XUCRED_VERSION", 0);
        // send/recv flags
        b.constant("MSG_OOB", 0x1).constant("MSG_PEEK", 0x2).constant("MSG_DONTROUTE", 0x4).constant("MSG_EOR", 0x8)
                .constant("MSG_TRUNC", 0x10).constant("MSG_CTRUNC", 0x20).constant("MSG_WAITALL", 0x40)
                .constant("MSG_DONTWAIT", 0x80).constant("MSG_EOF", 0x100).constant("MSG_NOSIGNAL", 0x80000);
        b.constant("SHUT_RD", 0).constant("SHUT_WR", 1).constant("SHUT_RDWR", 2);
        b.constant("SOMAXCONN", 128);
        // IPPROTO_TCP options; TCP_KEEPALIVE is Darwin's keep-idle (seconds)
        b.constant("TCP_NODELAY", 0x01).constant("TCP_MAXSEG", 0x02).constant("TCP_NOPUSH", 0x04)
                .constant("TCP_NOOPT", 0x08).constant("TCP_KEEPALIVE", 0x10).constant("TCP_CONNECTIONTIMEOUT", 0x20)
                .constant("TCP_RXT_CONNDROPTIME", 0x80).constant("TCP_KEEPINTVL", 0x101).constant("TCP_KEEPCNT", 0x102)
                .constant("TCP_FASTOPEN", 0x105).constant("TCP_CONNECTION_INFO", 0x106)
                .constant("TCP_NOTSENT_LOWAT", 0x201);
        // IPPROTO_IP options
        b.constant("IP_OPTIONS", 1).constant("IP_HDRINCL", 2).constant("IP_TOS", 3).constant("IP_TTL", 4)
                .constant("IP_RECVDSTADDR", 7).constant("IP_MULTICAST_IF", 9).constant("IP_MULTICAST_TTL", 10)
                .constant("IP_MULTICAST_LOOP", 11).constant("IP_ADD_MEMBERSHIP", 12).constant("IP_DROP_MEMBERSHIP", 13)
                .constant("IP_RECVIF", 20).constant("IP_RECVTTL", 24).constant("IP_BOUND_IF", 25)
                .constant("IP_PKTINFO", 26).constant("IP_RECVPKTINFO", 26).constant("IP_RECVTOS", 27)
                .constant("IP_DONTFRAG", 28).constant("IP_MULTICAST_IFINDEX", 66);
        // IPPROTO_IPV6 options (RFC 3542 numbering, i.e. with __APPLE_USE_RFC_3542)
        b.constant("IPV6_UNICAST_HOPS", 4).constant("IPV6_MULTICAST_IF", 9).constant("IPV6_MULTICAST_HOPS", 10)
                .constant("IPV6_MULTICAST_LOOP", 11).constant("IPV6_JOIN_GROUP", 12).constant("IPV6_LEAVE_GROUP", 13)
                .constant("IPV6_V6ONLY", 27).constant("IPV6_RECVTCLASS", 35).constant("IPV6_TCLASS", 36)
                .constant("IPV6_RECVHOPLIMIT", 37).constant("IPV6_PKTINFO", 46).constant("IPV6_HOPLIMIT", 47)
                .constant("IPV6_RECVPKTINFO", 61).constant("IPV6_DONTFRAG", 62).constant("IPV6_BOUND_IF", 125);
        // fcntl, ioctl
        b.constant("F_DUPFD", 0).constant("F_GETFD", 1).constant("F_SETFD", 2).constant("F_GETFL", 3)
                .constant("F_SETFL", 4).constant("F_DUPFD_CLOEXEC", 67).constant("F_SETNOSIGPIPE", 73)
                .constant("F_GETNOSIGPIPE", 74).constant("FD_CLOEXEC", 1).constant("O_NONBLOCK", 0x00000004)
                .constant("O_CLOEXEC", 0x01000000);
        // _IOR('f', 127, int), _IOW('f', 126, int), _IOR('s', 7, int)
        b.constant("FIONREAD", 0x4004667fL).constant("FIONBIO", 0x8004667eL).constant("SIOCATMARK", 0x40047307L);
        // poll, select, kqueue
        b.constant("POLLIN", 0x1).constant("POLLPRI", 0x2).constant("POLLOUT", 0x4).constant("POLLERR", 0x8)
                .constant("POLLHUP", 0x10).constant("POLLNVAL", 0x20);
        b.constant("FD_SETSIZE", 1024);
        b.constant("EVFILT_READ", -1).constant("EVFILT_WRITE", -2).constant("EVFILT_TIMER", -7)
                .constant("EVFILT_USER", -10).constant("EVFILT_EXCEPT", -15);
        b.constant("EV_ADD", 0x0001).constant("EV_DELETE", 0x0002).constant("EV_ENABLE", 0x0004)
                .constant("EV_DISABLE", 0x0008).constant("EV_ONESHOT", 0x0010).constant("EV_CLEAR", 0x0020)
                .constant("EV_RECEIPT", 0x0040).constant("EV_DISPATCH", 0x0080).constant("EV_ERROR", 0x4000)
                .constant("EV_EOF", 0x8000);
        b.constant("NOTE_LOWAT", 0x00000001).constant("NOTE_TRIGGER", 0x01000000);
        b.constant("NOTE_FFNOP", 0).constant("NOTE_FFAND", 0x40000000).constant("NOTE_FFOR", 0x80000000L)
                .constant("NOTE_FFCOPY", 0xc0000000L).constant("NOTE_FFCTRLMASK", 0xc0000000L)
                .constant("NOTE_FFLAGSMASK", 0x00ffffff);
        // netdb (Libinfo)
        b.constant("AI_PASSIVE", 0x1).constant("AI_CANONNAME", 0x2).constant("AI_NUMERICHOST", 0x4)
                .constant("AI_ALL", 0x100).constant("AI_V4MAPPED_CFG", 0x200).constant("AI_ADDRCONFIG", 0x400)
                .constant("AI_V4MAPPED", 0x800).constant("AI_NUMERICSERV", 0x1000);
        b.constant("NI_NOFQDN", 0x1).constant("NI_NUMERICHOST", 0x2).constant("NI_NAMEREQD", 0x4)
                .constant("NI_NUMERICSERV", 0x8).constant("NI_DGRAM", 0x10).constant("NI_MAXHOST", 1025)
                .constant("NI_MAXSERV", 32);
        b.constant("EAI_ADDRFAMILY", 1).constant("EAI_AGAIN", 2).constant("EAI_BADFLAGS", 3).constant("EAI_FAIL", 4)
                .constant("EAI_FAMILY", 5).constant("EAI_MEMORY", 6).constant("EAI_NODATA", 7).constant("EAI_NONAME", 8)
                .constant("EAI_SERVICE", 9).constant("EAI_SOCKTYPE", 10).constant("EAI_SYSTEM", 11)
                .constant("EAI_BADHINTS", 12).constant("EAI_PROTOCOL", 13).constant("EAI_OVERFLOW", 14);
        // sizes and addresses
        b.constant("INADDR_ANY", 0).constant("INADDR_LOOPBACK", 0x7f000001L).constant("INET_ADDRSTRLEN", 16)
                .constant("INET6_ADDRSTRLEN", 46).constant("IF_NAMESIZE", 16);
        // what CMSG_LEN / CMSG_SPACE give: Darwin aligns control messages to 4 bytes (__DARWIN_ALIGN32)
        b.constant("CMSG_LEN_0", 12).constant("CMSG_SPACE_1", 16).constant("CMSG_SPACE_4", 16)
                .constant("CMSG_SPACE_12", 24).constant("CMSG_SPACE_16", 28);
    }

    private static void errnos(PlatformTable.Builder b) {
        String[] names = {
            null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
            "EDEADLK", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",
            "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
            "EMLINK", "EPIPE", "EDOM", "ERANGE", "EAGAIN", "EINPROGRESS", "EALREADY", "ENOTSOCK", "EDESTADDRREQ",
            "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "ENOTSUP",
            "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET",
            "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS",
            "ETIMEDOUT", "ECONNREFUSED", "ELOOP", "ENAMETOOLONG", "EHOSTDOWN", "EHOSTUNREACH", "ENOTEMPTY",
            "EPROCLIM", "EUSERS", "EDQUOT", "ESTALE", "EREMOTE", "EBADRPC", "ERPCMISMATCH", "EPROGUNAVAIL",
            "EPROGMISMATCH", "EPROCUNAVAIL", "ENOLCK", "ENOSYS", "EFTYPE", "EAUTH", "ENEEDAUTH", "EPWROFF",
            "EDEVERR", "EOVERFLOW", "EBADEXEC", "EBADARCH", "ESHLIBVERS", "EBADMACHO", "ECANCELED", "EIDRM",
            "ENOMSG", "EILSEQ", "ENOATTR", "EBADMSG", "EMULTIHOP", "ENODATA", "ENOLINK", "ENOSR", "ENOSTR",
            "EPROTO", "ETIME", "EOPNOTSUPP", "ENOPOLICY", "ENOTRECOVERABLE", "EOWNERDEAD", "EQFULL",
        };
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                b.errno(names[i], i);
            }
        }
        // aliases come after the primary names, so number -> name stays the primary one
        b.errno("EWOULDBLOCK", 35);
    }

    private static void structs(PlatformTable.Builder b) {
        // BSD sockaddrs start with a length byte; sa_family_t is one byte
        b.struct("sockaddr", JAVA_BYTE.withName("sa_len"), JAVA_BYTE.withName("sa_family"),
                sequenceLayout(14, JAVA_BYTE).withName("sa_data"));
        b.struct("sockaddr_in",
                JAVA_BYTE.withName("sin_len"), JAVA_BYTE.withName("sin_family"), NET_SHORT.withName("sin_port"),
                sequenceLayout(4, JAVA_BYTE).withName("sin_addr"), sequenceLayout(8, JAVA_BYTE).withName("sin_zero"));
        b.struct("sockaddr_in6",
                JAVA_BYTE.withName("sin6_len"), JAVA_BYTE.withName("sin6_family"), NET_SHORT.withName("sin6_port"),
                JAVA_INT.withName("sin6_flowinfo"), sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
                JAVA_INT.withName("sin6_scope_id"));
        b.struct("sockaddr_un", JAVA_BYTE.withName("sun_len"), JAVA_BYTE.withName("sun_family"),
                sequenceLayout(104, JAVA_BYTE).withName("sun_path"));
        // declared __attribute__((__packed__)): alignment 1, though every member still sits at its natural offset
        b.struct("sockaddr_vm",
                JAVA_BYTE.withName("svm_len"), JAVA_BYTE.withName("svm_family"),
                JAVA_SHORT.withByteAlignment(1).withName("svm_reserved1"), JAVA_INT.withByteAlignment(1).withName("svm_port"),
                JAVA_INT.withByteAlignment(1).withName("svm_cid"));
        b.struct(MemoryLayout.structLayout(
                JAVA_BYTE.withName("ss_len"), JAVA_BYTE.withName("ss_family"), paddingLayout(6),
                JAVA_LONG.withName("__ss_align"), paddingLayout(112))
                .withName("sockaddr_storage"));
        b.struct("iovec", ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));
        // msg_iovlen is int and msg_controllen socklen_t on Darwin
        b.struct("msghdr",
                ADDRESS.withName("msg_name"), JAVA_INT.withName("msg_namelen"), paddingLayout(4),
                ADDRESS.withName("msg_iov"), JAVA_INT.withName("msg_iovlen"), paddingLayout(4),
                ADDRESS.withName("msg_control"), JAVA_INT.withName("msg_controllen"), JAVA_INT.withName("msg_flags"));
        b.struct("cmsghdr", JAVA_INT.withName("cmsg_len"), JAVA_INT.withName("cmsg_level"), JAVA_INT.withName("cmsg_type"));
        b.struct("linger", JAVA_INT.withName("l_onoff"), JAVA_INT.withName("l_linger"));
        // suseconds_t is __int32_t: tv_usec is 4 bytes followed by 4 bytes of tail padding
        b.struct("timeval", JAVA_LONG.withName("tv_sec"), JAVA_INT.withName("tv_usec"), paddingLayout(4));
        b.struct("timespec", JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));
        b.struct("pollfd", JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));
        b.struct("fd_set", sequenceLayout(32, JAVA_INT).withName("fds_bits"));
        // getsockopt(SOL_LOCAL, LOCAL_PEERCRED); NGROUPS is 16
        b.struct("xucred", JAVA_INT.withName("cr_version"), JAVA_INT.withName("cr_uid"),
                JAVA_SHORT.withName("cr_ngroups"), paddingLayout(2), sequenceLayout(16, JAVA_INT).withName("cr_groups"));
        b.struct("in_pktinfo", JAVA_INT.withName("ipi_ifindex"),
                sequenceLayout(4, JAVA_BYTE).withName("ipi_spec_dst"), sequenceLayout(4, JAVA_BYTE).withName("ipi_addr"));
        b.struct("in6_pktinfo", sequenceLayout(16, JAVA_BYTE).withName("ipi6_addr"), JAVA_INT.withName("ipi6_ifindex"));
        b.struct("ip_mreq", sequenceLayout(4, JAVA_BYTE).withName("imr_multiaddr"),
                sequenceLayout(4, JAVA_BYTE).withName("imr_interface"));
        b.struct("ip_mreqn", sequenceLayout(4, JAVA_BYTE).withName("imr_multiaddr"),
                sequenceLayout(4, JAVA_BYTE).withName("imr_address"), JAVA_INT.withName("imr_ifindex"));
        b.struct("ipv6_mreq", sequenceLayout(16, JAVA_BYTE).withName("ipv6mr_multiaddr"),
                JAVA_INT.withName("ipv6mr_interface"));
        // getsockopt(IPPROTO_TCP, TCP_CONNECTION_INFO): Darwin's nearest thing to Linux's tcp_info
        b.struct("tcp_connection_info",
                JAVA_BYTE.withName("tcpi_state"), JAVA_BYTE.withName("tcpi_snd_wscale"),
                JAVA_BYTE.withName("tcpi_rcv_wscale"), paddingLayout(1), // __pad1
                JAVA_INT.withName("tcpi_options"), JAVA_INT.withName("tcpi_flags"), JAVA_INT.withName("tcpi_rto"),
                JAVA_INT.withName("tcpi_maxseg"), JAVA_INT.withName("tcpi_snd_ssthresh"),
                JAVA_INT.withName("tcpi_snd_cwnd"), JAVA_INT.withName("tcpi_snd_wnd"),
                JAVA_INT.withName("tcpi_snd_sbbytes"), JAVA_INT.withName("tcpi_rcv_wnd"),
                JAVA_INT.withName("tcpi_rttcur"), JAVA_INT.withName("tcpi_srtt"), JAVA_INT.withName("tcpi_rttvar"),
                paddingLayout(4), // tcpi_tfo_* bit-fields and __pad2
                JAVA_LONG.withName("tcpi_txpackets"), JAVA_LONG.withName("tcpi_txbytes"),
                JAVA_LONG.withName("tcpi_txretransmitbytes"), JAVA_LONG.withName("tcpi_rxpackets"),
                JAVA_LONG.withName("tcpi_rxbytes"), JAVA_LONG.withName("tcpi_rxoutoforderbytes"),
                JAVA_LONG.withName("tcpi_txretransmitpackets"));
        // Darwin order: ai_canonname comes before ai_addr
        b.struct("addrinfo",
                JAVA_INT.withName("ai_flags"), JAVA_INT.withName("ai_family"), JAVA_INT.withName("ai_socktype"),
                JAVA_INT.withName("ai_protocol"), JAVA_INT.withName("ai_addrlen"), paddingLayout(4),
                ADDRESS.withName("ai_canonname"), ADDRESS.withName("ai_addr"), ADDRESS.withName("ai_next"));
        // declared under #pragma pack(4): 8-byte members are only 4-aligned (offsets still come out natural)
        b.struct("kevent",
                JAVA_LONG.withByteAlignment(4).withName("ident"), JAVA_SHORT.withName("filter"),
                JAVA_SHORT.withName("flags"), JAVA_INT.withName("fflags"),
                JAVA_LONG.withByteAlignment(4).withName("data"), ADDRESS.withByteAlignment(4).withName("udata"));
    }
}
