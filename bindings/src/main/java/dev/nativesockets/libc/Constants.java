package dev.nativesockets.libc;

/**
 * The running platform's constant values as {@code static final int}s, the way jextract emits
 * them: {@code Constants.SOL_SOCKET} is 1 on Linux and 0xffff on Darwin.
 *
 * <p>A constant the platform lacks holds {@link #UNSUPPORTED}; ask {@link #has(String)} before
 * relying on one that is not universal (the safe layer turns such a request into a clear
 * {@link UnsupportedOperationException}, never a silent no-op). Values come from
 * {@link PlatformTable}; the probe test checks every one of them against the system headers.
 */
public final class Constants {
    private Constants() {}

    /** Marks a constant the running platform does not define. */
    public static final int UNSUPPORTED = Integer.MIN_VALUE + 1;

    private static final PlatformTable T = Platform.current().table();

    /** Whether the running platform defines the constant or errno name. */
    public static boolean has(String name) {
        return T.has(name) || T.errno(name) >= 0;
    }

    private static int c(String name) {
        return T.constantOr(name, UNSUPPORTED);
    }

    private static int e(String name) {
        int v = T.errno(name);
        return v < 0 ? UNSUPPORTED : v;
    }

    public static final int AF_UNSPEC = c("AF_UNSPEC");
    public static final int AF_UNIX = c("AF_UNIX");
    public static final int AF_INET = c("AF_INET");
    public static final int AF_INET6 = c("AF_INET6");
    public static final int SOCK_STREAM = c("SOCK_STREAM");
    public static final int SOCK_DGRAM = c("SOCK_DGRAM");
    public static final int SOCK_RAW = c("SOCK_RAW");
    public static final int SOCK_SEQPACKET = c("SOCK_SEQPACKET");
    public static final int SOCK_NONBLOCK = c("SOCK_NONBLOCK");
    public static final int SOCK_CLOEXEC = c("SOCK_CLOEXEC");
    public static final int SOL_SOCKET = c("SOL_SOCKET");
    public static final int IPPROTO_IP = c("IPPROTO_IP");
    public static final int IPPROTO_ICMP = c("IPPROTO_ICMP");
    public static final int IPPROTO_TCP = c("IPPROTO_TCP");
    public static final int IPPROTO_UDP = c("IPPROTO_UDP");
    public static final int IPPROTO_IPV6 = c("IPPROTO_IPV6");
    public static final int IPPROTO_ICMPV6 = c("IPPROTO_ICMPV6");
    public static final int IPPROTO_RAW = c("IPPROTO_RAW");
    public static final int SO_DEBUG = c("SO_DEBUG");
    public static final int SO_REUSEADDR = c("SO_REUSEADDR");
    public static final int SO_TYPE = c("SO_TYPE");
    public static final int SO_ERROR = c("SO_ERROR");
    public static final int SO_DONTROUTE = c("SO_DONTROUTE");
    public static final int SO_BROADCAST = c("SO_BROADCAST");
    public static final int SO_SNDBUF = c("SO_SNDBUF");
    public static final int SO_RCVBUF = c("SO_RCVBUF");
    public static final int SO_KEEPALIVE = c("SO_KEEPALIVE");
    public static final int SO_OOBINLINE = c("SO_OOBINLINE");
    public static final int SO_PRIORITY = c("SO_PRIORITY");
    public static final int SO_LINGER = c("SO_LINGER");
    public static final int SO_REUSEPORT = c("SO_REUSEPORT");
    public static final int SO_PASSCRED = c("SO_PASSCRED");
    public static final int SO_PEERCRED = c("SO_PEERCRED");
    public static final int SO_RCVLOWAT = c("SO_RCVLOWAT");
    public static final int SO_SNDLOWAT = c("SO_SNDLOWAT");
    public static final int SO_RCVTIMEO = c("SO_RCVTIMEO");
    public static final int SO_SNDTIMEO = c("SO_SNDTIMEO");
    public static final int SO_BINDTODEVICE = c("SO_BINDTODEVICE");
    public static final int SO_TIMESTAMP = c("SO_TIMESTAMP");
    public static final int SO_ACCEPTCONN = c("SO_ACCEPTCONN");
    public static final int SO_TIMESTAMPNS = c("SO_TIMESTAMPNS");
    public static final int SO_MARK = c("SO_MARK");
    public static final int SO_PROTOCOL = c("SO_PROTOCOL");
    public static final int SO_DOMAIN = c("SO_DOMAIN");
    public static final int SCM_RIGHTS = c("SCM_RIGHTS");
    public static final int SCM_CREDENTIALS = c("SCM_CREDENTIALS");
    public static final int SCM_TIMESTAMP = c("SCM_TIMESTAMP");
    public static final int SCM_TIMESTAMPNS = c("SCM_TIMESTAMPNS");
    public static final int MSG_OOB = c("MSG_OOB");
    public static final int MSG_PEEK = c("MSG_PEEK");
    public static final int MSG_DONTROUTE = c("MSG_DONTROUTE");
    public static final int MSG_CTRUNC = c("MSG_CTRUNC");
    public static final int MSG_TRUNC = c("MSG_TRUNC");
    public static final int MSG_DONTWAIT = c("MSG_DONTWAIT");
    public static final int MSG_EOR = c("MSG_EOR");
    public static final int MSG_WAITALL = c("MSG_WAITALL");
    public static final int MSG_CONFIRM = c("MSG_CONFIRM");
    public static final int MSG_ERRQUEUE = c("MSG_ERRQUEUE");
    public static final int MSG_NOSIGNAL = c("MSG_NOSIGNAL");
    public static final int MSG_MORE = c("MSG_MORE");
    public static final int MSG_WAITFORONE = c("MSG_WAITFORONE");
    public static final int MSG_FASTOPEN = c("MSG_FASTOPEN");
    public static final int MSG_CMSG_CLOEXEC = c("MSG_CMSG_CLOEXEC");
    public static final int SHUT_RD = c("SHUT_RD");
    public static final int SHUT_WR = c("SHUT_WR");
    public static final int SHUT_RDWR = c("SHUT_RDWR");
    public static final int SOMAXCONN = c("SOMAXCONN");
    public static final int TCP_NODELAY = c("TCP_NODELAY");
    public static final int TCP_MAXSEG = c("TCP_MAXSEG");
    public static final int TCP_CORK = c("TCP_CORK");
    public static final int TCP_KEEPIDLE = c("TCP_KEEPIDLE");
    public static final int TCP_KEEPINTVL = c("TCP_KEEPINTVL");
    public static final int TCP_KEEPCNT = c("TCP_KEEPCNT");
    public static final int TCP_SYNCNT = c("TCP_SYNCNT");
    public static final int TCP_LINGER2 = c("TCP_LINGER2");
    public static final int TCP_DEFER_ACCEPT = c("TCP_DEFER_ACCEPT");
    public static final int TCP_WINDOW_CLAMP = c("TCP_WINDOW_CLAMP");
    public static final int TCP_INFO = c("TCP_INFO");
    public static final int TCP_QUICKACK = c("TCP_QUICKACK");
    public static final int TCP_CONGESTION = c("TCP_CONGESTION");
    public static final int TCP_USER_TIMEOUT = c("TCP_USER_TIMEOUT");
    public static final int TCP_FASTOPEN = c("TCP_FASTOPEN");
    public static final int TCP_NOTSENT_LOWAT = c("TCP_NOTSENT_LOWAT");
    public static final int TCP_FASTOPEN_CONNECT = c("TCP_FASTOPEN_CONNECT");
    public static final int IP_TOS = c("IP_TOS");
    public static final int IP_TTL = c("IP_TTL");
    public static final int IP_HDRINCL = c("IP_HDRINCL");
    public static final int IP_OPTIONS = c("IP_OPTIONS");
    public static final int IP_PKTINFO = c("IP_PKTINFO");
    public static final int IP_MTU_DISCOVER = c("IP_MTU_DISCOVER");
    public static final int IP_RECVERR = c("IP_RECVERR");
    public static final int IP_RECVTTL = c("IP_RECVTTL");
    public static final int IP_RECVTOS = c("IP_RECVTOS");
    public static final int IP_FREEBIND = c("IP_FREEBIND");
    public static final int IP_TRANSPARENT = c("IP_TRANSPARENT");
    public static final int IP_BIND_ADDRESS_NO_PORT = c("IP_BIND_ADDRESS_NO_PORT");
    public static final int IP_MULTICAST_IF = c("IP_MULTICAST_IF");
    public static final int IP_MULTICAST_TTL = c("IP_MULTICAST_TTL");
    public static final int IP_MULTICAST_LOOP = c("IP_MULTICAST_LOOP");
    public static final int IP_ADD_MEMBERSHIP = c("IP_ADD_MEMBERSHIP");
    public static final int IP_DROP_MEMBERSHIP = c("IP_DROP_MEMBERSHIP");
    public static final int IPV6_UNICAST_HOPS = c("IPV6_UNICAST_HOPS");
    public static final int IPV6_MULTICAST_IF = c("IPV6_MULTICAST_IF");
    public static final int IPV6_MULTICAST_HOPS = c("IPV6_MULTICAST_HOPS");
    public static final int IPV6_MULTICAST_LOOP = c("IPV6_MULTICAST_LOOP");
    public static final int IPV6_JOIN_GROUP = c("IPV6_JOIN_GROUP");
    public static final int IPV6_LEAVE_GROUP = c("IPV6_LEAVE_GROUP");
    public static final int IPV6_V6ONLY = c("IPV6_V6ONLY");
    public static final int IPV6_RECVPKTINFO = c("IPV6_RECVPKTINFO");
    public static final int IPV6_PKTINFO = c("IPV6_PKTINFO");
    public static final int IPV6_RECVHOPLIMIT = c("IPV6_RECVHOPLIMIT");
    public static final int IPV6_HOPLIMIT = c("IPV6_HOPLIMIT");
    public static final int IPV6_RECVTCLASS = c("IPV6_RECVTCLASS");
    public static final int IPV6_TCLASS = c("IPV6_TCLASS");
    public static final int F_GETFD = c("F_GETFD");
    public static final int F_SETFD = c("F_SETFD");
    public static final int F_GETFL = c("F_GETFL");
    public static final int F_SETFL = c("F_SETFL");
    public static final int FD_CLOEXEC = c("FD_CLOEXEC");
    public static final int O_NONBLOCK = c("O_NONBLOCK");
    public static final int O_CLOEXEC = c("O_CLOEXEC");
    public static final int FIONREAD = c("FIONREAD");
    public static final int SIOCATMARK = c("SIOCATMARK");
    public static final int POLLIN = c("POLLIN");
    public static final int POLLPRI = c("POLLPRI");
    public static final int POLLOUT = c("POLLOUT");
    public static final int POLLERR = c("POLLERR");
    public static final int POLLHUP = c("POLLHUP");
    public static final int POLLNVAL = c("POLLNVAL");
    public static final int POLLRDHUP = c("POLLRDHUP");
    public static final int FD_SETSIZE = c("FD_SETSIZE");
    public static final int EPOLLIN = c("EPOLLIN");
    public static final int EPOLLPRI = c("EPOLLPRI");
    public static final int EPOLLOUT = c("EPOLLOUT");
    public static final int EPOLLERR = c("EPOLLERR");
    public static final int EPOLLHUP = c("EPOLLHUP");
    public static final int EPOLLRDHUP = c("EPOLLRDHUP");
    public static final int EPOLLEXCLUSIVE = c("EPOLLEXCLUSIVE");
    public static final int EPOLLONESHOT = c("EPOLLONESHOT");
    public static final int EPOLLET = c("EPOLLET");
    public static final int EPOLL_CTL_ADD = c("EPOLL_CTL_ADD");
    public static final int EPOLL_CTL_DEL = c("EPOLL_CTL_DEL");
    public static final int EPOLL_CTL_MOD = c("EPOLL_CTL_MOD");
    public static final int EPOLL_CLOEXEC = c("EPOLL_CLOEXEC");
    public static final int EPOLLWAKEUP = c("EPOLLWAKEUP");
    public static final int EFD_SEMAPHORE = c("EFD_SEMAPHORE");
    public static final int EFD_CLOEXEC = c("EFD_CLOEXEC");
    public static final int EFD_NONBLOCK = c("EFD_NONBLOCK");
    public static final int AI_PASSIVE = c("AI_PASSIVE");
    public static final int AI_CANONNAME = c("AI_CANONNAME");
    public static final int AI_NUMERICHOST = c("AI_NUMERICHOST");
    public static final int AI_V4MAPPED = c("AI_V4MAPPED");
    public static final int AI_ALL = c("AI_ALL");
    public static final int AI_ADDRCONFIG = c("AI_ADDRCONFIG");
    public static final int AI_NUMERICSERV = c("AI_NUMERICSERV");
    public static final int NI_NUMERICHOST = c("NI_NUMERICHOST");
    public static final int NI_NUMERICSERV = c("NI_NUMERICSERV");
    public static final int NI_NOFQDN = c("NI_NOFQDN");
    public static final int NI_NAMEREQD = c("NI_NAMEREQD");
    public static final int NI_DGRAM = c("NI_DGRAM");
    public static final int NI_MAXHOST = c("NI_MAXHOST");
    public static final int NI_MAXSERV = c("NI_MAXSERV");
    public static final int EAI_BADFLAGS = c("EAI_BADFLAGS");
    public static final int EAI_NONAME = c("EAI_NONAME");
    public static final int EAI_AGAIN = c("EAI_AGAIN");
    public static final int EAI_FAIL = c("EAI_FAIL");
    public static final int EAI_NODATA = c("EAI_NODATA");
    public static final int EAI_FAMILY = c("EAI_FAMILY");
    public static final int EAI_SOCKTYPE = c("EAI_SOCKTYPE");
    public static final int EAI_SERVICE = c("EAI_SERVICE");
    public static final int EAI_ADDRFAMILY = c("EAI_ADDRFAMILY");
    public static final int EAI_MEMORY = c("EAI_MEMORY");
    public static final int EAI_SYSTEM = c("EAI_SYSTEM");
    public static final int EAI_OVERFLOW = c("EAI_OVERFLOW");
    public static final int INADDR_ANY = c("INADDR_ANY");
    public static final int INADDR_LOOPBACK = c("INADDR_LOOPBACK");
    public static final int INET_ADDRSTRLEN = c("INET_ADDRSTRLEN");
    public static final int INET6_ADDRSTRLEN = c("INET6_ADDRSTRLEN");
    public static final int IF_NAMESIZE = c("IF_NAMESIZE");
    public static final int CMSG_LEN_0 = c("CMSG_LEN_0");
    public static final int CMSG_SPACE_1 = c("CMSG_SPACE_1");
    public static final int CMSG_SPACE_4 = c("CMSG_SPACE_4");
    public static final int CMSG_SPACE_12 = c("CMSG_SPACE_12");
    public static final int CMSG_SPACE_16 = c("CMSG_SPACE_16");
    public static final int SO_NOSIGPIPE = c("SO_NOSIGPIPE");
    public static final int LOCAL_PEERCRED = c("LOCAL_PEERCRED");
    public static final int SOL_LOCAL = c("SOL_LOCAL");
    public static final int SCM_CREDS = c("SCM_CREDS");
    public static final int IP_RECVDSTADDR = c("IP_RECVDSTADDR");
    public static final int IP_RECVIF = c("IP_RECVIF");
    public static final int IP_BOUND_IF = c("IP_BOUND_IF");
    public static final int IPV6_BOUND_IF = c("IPV6_BOUND_IF");
    public static final int TCP_KEEPALIVE = c("TCP_KEEPALIVE");
    public static final int TCP_CONNECTIONTIMEOUT = c("TCP_CONNECTIONTIMEOUT");
    public static final int TCP_RXT_CONNDROPTIME = c("TCP_RXT_CONNDROPTIME");
    public static final int SO_NREAD = c("SO_NREAD");
    public static final int SO_NWRITE = c("SO_NWRITE");
    public static final int SO_LINGER_SEC = c("SO_LINGER_SEC");
    public static final int XUCRED_VERSION = c("XUCRED_VERSION");
    public static final int EVFILT_READ = c("EVFILT_READ");
    public static final int EVFILT_WRITE = c("EVFILT_WRITE");
    public static final int EV_ADD = c("EV_ADD");
    public static final int EV_DELETE = c("EV_DELETE");
    public static final int EV_ENABLE = c("EV_ENABLE");
    public static final int EV_DISABLE = c("EV_DISABLE");
    public static final int EV_ONESHOT = c("EV_ONESHOT");
    public static final int EV_CLEAR = c("EV_CLEAR");
    public static final int EV_EOF = c("EV_EOF");
    public static final int EV_ERROR = c("EV_ERROR");
    public static final int EVFILT_USER = c("EVFILT_USER");
    public static final int EV_RECEIPT = c("EV_RECEIPT");
    public static final int EV_DISPATCH = c("EV_DISPATCH");
    public static final int NOTE_TRIGGER = c("NOTE_TRIGGER");
    public static final int NOTE_FFNOP = c("NOTE_FFNOP");
    public static final int NOTE_FFCOPY = c("NOTE_FFCOPY");

    // errno values the library tests for
    public static final int EPERM = e("EPERM");
    public static final int ENOENT = e("ENOENT");
    public static final int EINTR = e("EINTR");
    public static final int EIO = e("EIO");
    public static final int EBADF = e("EBADF");
    public static final int EAGAIN = e("EAGAIN");
    public static final int EWOULDBLOCK = e("EWOULDBLOCK");
    public static final int ENOMEM = e("ENOMEM");
    public static final int EACCES = e("EACCES");
    public static final int EFAULT = e("EFAULT");
    public static final int EINVAL = e("EINVAL");
    public static final int ENFILE = e("ENFILE");
    public static final int EMFILE = e("EMFILE");
    public static final int ENOSPC = e("ENOSPC");
    public static final int EPIPE = e("EPIPE");
    public static final int ENAMETOOLONG = e("ENAMETOOLONG");
    public static final int ENOSYS = e("ENOSYS");
    public static final int ENOTSOCK = e("ENOTSOCK");
    public static final int EDESTADDRREQ = e("EDESTADDRREQ");
    public static final int EMSGSIZE = e("EMSGSIZE");
    public static final int EPROTOTYPE = e("EPROTOTYPE");
    public static final int ENOPROTOOPT = e("ENOPROTOOPT");
    public static final int EPROTONOSUPPORT = e("EPROTONOSUPPORT");
    public static final int ESOCKTNOSUPPORT = e("ESOCKTNOSUPPORT");
    public static final int EOPNOTSUPP = e("EOPNOTSUPP");
    public static final int ENOTSUP = e("ENOTSUP");
    public static final int EAFNOSUPPORT = e("EAFNOSUPPORT");
    public static final int EADDRINUSE = e("EADDRINUSE");
    public static final int EADDRNOTAVAIL = e("EADDRNOTAVAIL");
    public static final int ENETDOWN = e("ENETDOWN");
    public static final int ENETUNREACH = e("ENETUNREACH");
    public static final int ECONNABORTED = e("ECONNABORTED");
    public static final int ECONNRESET = e("ECONNRESET");
    public static final int ENOBUFS = e("ENOBUFS");
    public static final int EISCONN = e("EISCONN");
    public static final int ENOTCONN = e("ENOTCONN");
    public static final int ESHUTDOWN = e("ESHUTDOWN");
    public static final int ETIMEDOUT = e("ETIMEDOUT");
    public static final int ECONNREFUSED = e("ECONNREFUSED");
    public static final int EHOSTUNREACH = e("EHOSTUNREACH");
    public static final int EALREADY = e("EALREADY");
    public static final int EINPROGRESS = e("EINPROGRESS");
    public static final int ENODEV = e("ENODEV");
    public static final int ENXIO = e("ENXIO");
    public static final int ENOTTY = e("ENOTTY");
    public static final int EEXIST = e("EEXIST");
}
