package dev.nativesockets.libc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.nativesockets.internal.Downcalls;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls to libc, one static method per C function, 1:1 with its C signature.
 *
 * <p>Every function that reports failure through {@code errno} takes a capture segment from
 * {@link CallState} as its first argument; the linker stores errno there as the call returns.
 * Nothing here checks arguments, retries or interprets results: that is the safe layer's job.
 *
 * <p>Handles are linked lazily, one holder class per function, because linking is the largest
 * start-up cost of FFM: a program pays only for the functions it calls. Functions that cannot
 * block are linked {@link Linker.Option#critical critical} (no thread-state transition); a call that
 * may block never is, since a critical call holds off every safepoint of the JVM.
 *
 * <p>Linux-only functions ({@code accept4}, {@code recvmmsg}, {@code sendmmsg}, {@code epoll_*}, {@code eventfd})
 * and Darwin-only ones ({@code kqueue}, {@code kevent}) throw {@link UnsupportedOperationException}
 * when called elsewhere.
 */
public final class LibC {
    private LibC() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);
    /** size_t / ssize_t on every LP64 platform we support. */
    private static final MemoryLayout SIZE_T = JAVA_LONG;
    /** nfds_t: unsigned long on glibc, unsigned int on Darwin. */
    private static final MemoryLayout NFDS_T = Platform.current().isLinux() ? JAVA_LONG : JAVA_INT;

    private static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... options) {
        return Downcalls.link(name, fd, options);
    }

    private static MethodHandle blocking(String name, FunctionDescriptor fd) {
        return link(name, fd, ERRNO);
    }

    private static MethodHandle nonBlocking(String name, FunctionDescriptor fd) {
        return link(name, fd, ERRNO, CRITICAL);
    }

    /** What a handle's {@code invokeExact} threw (see {@link Downcalls#unexpected}). */
    private static RuntimeException unexpected(Throwable t) {
        return Downcalls.unexpected(t);
    }

    private static FunctionDescriptor ints(int argc) {
        MemoryLayout[] args = new MemoryLayout[argc];
        java.util.Arrays.fill(args, JAVA_INT);
        return FunctionDescriptor.of(JAVA_INT, args);
    }

    // ---- creation and naming -------------------------------------------------------------

    // socket() may load a protocol module and bind() of a Unix path goes through the file system:
    // both can block, so neither is critical
    private static final class socket { static final MethodHandle H = blocking("socket", ints(3)); }

    /** {@code int socket(int domain, int type, int protocol)} */
    public static int socket(MemorySegment cs, int domain, int type, int protocol) {
        try { return (int) socket.H.invokeExact(cs, domain, type, protocol); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class socketpair {
        static final MethodHandle H = nonBlocking("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** {@code int socketpair(int domain, int type, int protocol, int sv[2])} */
    public static int socketpair(MemorySegment cs, int domain, int type, int protocol, MemorySegment sv) {
        try { return (int) socketpair.H.invokeExact(cs, domain, type, protocol, sv); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final FunctionDescriptor FD_ADDR_LEN = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor FD_ADDR_LENP = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);

    private static final class bind { static final MethodHandle H = blocking("bind", FD_ADDR_LEN); }

    /** {@code int bind(int fd, const struct sockaddr *addr, socklen_t len)} */
    public static int bind(MemorySegment cs, int fd, MemorySegment addr, int len) {
        try { return (int) bind.H.invokeExact(cs, fd, addr, len); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class listen { static final MethodHandle H = nonBlocking("listen", ints(2)); }

    /** {@code int listen(int fd, int backlog)} */
    public static int listen(MemorySegment cs, int fd, int backlog) {
        try { return (int) listen.H.invokeExact(cs, fd, backlog); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class accept { static final MethodHandle H = blocking("accept", FD_ADDR_LENP); }

    /** {@code int accept(int fd, struct sockaddr *addr, socklen_t *len)} */
    public static int accept(MemorySegment cs, int fd, MemorySegment addr, MemorySegment len) {
        try { return (int) accept.H.invokeExact(cs, fd, addr, len); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class accept4 {
        static final MethodHandle H = blocking("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }

    /** {@code int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)} — Linux only. */
    public static int accept4(MemorySegment cs, int fd, MemorySegment addr, MemorySegment len, int flags) {
        try { return (int) accept4.H.invokeExact(cs, fd, addr, len, flags); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class connect { static final MethodHandle H = blocking("connect", FD_ADDR_LEN); }

    /** {@code int connect(int fd, const struct sockaddr *addr, socklen_t len)} */
    public static int connect(MemorySegment cs, int fd, MemorySegment addr, int len) {
        try { return (int) connect.H.invokeExact(cs, fd, addr, len); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class getsockname { static final MethodHandle H = nonBlocking("getsockname", FD_ADDR_LENP); }

    /** {@code int getsockname(int fd, struct sockaddr *addr, socklen_t *len)} */
    public static int getsockname(MemorySegment cs, int fd, MemorySegment addr, MemorySegment len) {
        try { return (int) getsockname.H.invokeExact(cs, fd, addr, len); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class getpeername { static final MethodHandle H = nonBlocking("getpeername", FD_ADDR_LENP); }

    /** {@code int getpeername(int fd, struct sockaddr *addr, socklen_t *len)} */
    public static int getpeername(MemorySegment cs, int fd, MemorySegment addr, MemorySegment len) {
        try { return (int) getpeername.H.invokeExact(cs, fd, addr, len); } catch (Throwable t) { throw unexpected(t); }
    }

    // ---- data transfer -------------------------------------------------------------------

    private static final FunctionDescriptor FD_BUF_FLAGS = FunctionDescriptor.of(SIZE_T, JAVA_INT, ADDRESS, SIZE_T, JAVA_INT);

    private static final class recv { static final MethodHandle H = blocking("recv", FD_BUF_FLAGS); }

    /** {@code ssize_t recv(int fd, void *buf, size_t len, int flags)} */
    public static long recv(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) recv.H.invokeExact(cs, fd, buf, len, flags); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class send { static final MethodHandle H = blocking("send", FD_BUF_FLAGS); }

    /** {@code ssize_t send(int fd, const void *buf, size_t len, int flags)} */
    public static long send(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) send.H.invokeExact(cs, fd, buf, len, flags); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class recvfrom {
        static final MethodHandle H = blocking("recvfrom", FunctionDescriptor.of(SIZE_T, JAVA_INT, ADDRESS, SIZE_T, JAVA_INT, ADDRESS, ADDRESS));
    }

    /** {@code ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *src, socklen_t *srclen)} */
    public static long recvfrom(MemorySegment cs, int fd, MemorySegment buf, long len, int flags, MemorySegment src, MemorySegment srcLen) {
        try { return (long) recvfrom.H.invokeExact(cs, fd, buf, len, flags, src, srcLen); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class sendto {
        static final MethodHandle H = blocking("sendto", FunctionDescriptor.of(SIZE_T, JAVA_INT, ADDRESS, SIZE_T, JAVA_INT, ADDRESS, JAVA_INT));
    }

    /** {@code ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *dst, socklen_t dstlen)} */
    public static long sendto(MemorySegment cs, int fd, MemorySegment buf, long len, int flags, MemorySegment dst, int dstLen) {
        try { return (long) sendto.H.invokeExact(cs, fd, buf, len, flags, dst, dstLen); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final FunctionDescriptor FD_MSG = FunctionDescriptor.of(SIZE_T, JAVA_INT, ADDRESS, JAVA_INT);

    private static final class recvmsg { static final MethodHandle H = blocking("recvmsg", FD_MSG); }

    /** {@code ssize_t recvmsg(int fd, struct msghdr *msg, int flags)} */
    public static long recvmsg(MemorySegment cs, int fd, MemorySegment msg, int flags) {
        try { return (long) recvmsg.H.invokeExact(cs, fd, msg, flags); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class sendmsg { static final MethodHandle H = blocking("sendmsg", FD_MSG); }

    /** {@code ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)} */
    public static long sendmsg(MemorySegment cs, int fd, MemorySegment msg, int flags) {
        try { return (long) sendmsg.H.invokeExact(cs, fd, msg, flags); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class recvmmsg {
        static final MethodHandle H = blocking("recvmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** {@code int recvmmsg(int fd, struct mmsghdr *vec, unsigned vlen, int flags, struct timespec *timeout)} — Linux only. */
    public static int recvmmsg(MemorySegment cs, int fd, MemorySegment vec, int vlen, int flags, MemorySegment timeout) {
        try { return (int) recvmmsg.H.invokeExact(cs, fd, vec, vlen, flags, timeout); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class sendmmsg {
        static final MethodHandle H = blocking("sendmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    /** {@code int sendmmsg(int fd, struct mmsghdr *vec, unsigned vlen, int flags)} — Linux only. */
    public static int sendmmsg(MemorySegment cs, int fd, MemorySegment vec, int vlen, int flags) {
        try { return (int) sendmmsg.H.invokeExact(cs, fd, vec, vlen, flags); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final FunctionDescriptor FD_BUF = FunctionDescriptor.of(SIZE_T, JAVA_INT, ADDRESS, SIZE_T);

    private static final class read { static final MethodHandle H = blocking("read", FD_BUF); }

    /** {@code ssize_t read(int fd, void *buf, size_t count)} */
    public static long read(MemorySegment cs, int fd, MemorySegment buf, long count) {
        try { return (long) read.H.invokeExact(cs, fd, buf, count); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class write { static final MethodHandle H = blocking("write", FD_BUF); }

    /** {@code ssize_t write(int fd, const void *buf, size_t count)} */
    public static long write(MemorySegment cs, int fd, MemorySegment buf, long count) {
        try { return (long) write.H.invokeExact(cs, fd, buf, count); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final FunctionDescriptor FD_IOV = FunctionDescriptor.of(SIZE_T, JAVA_INT, ADDRESS, JAVA_INT);

    private static final class readv { static final MethodHandle H = blocking("readv", FD_IOV); }

    /** {@code ssize_t readv(int fd, const struct iovec *iov, int iovcnt)} */
    public static long readv(MemorySegment cs, int fd, MemorySegment iov, int iovcnt) {
        try { return (long) readv.H.invokeExact(cs, fd, iov, iovcnt); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class writev { static final MethodHandle H = blocking("writev", FD_IOV); }

    /** {@code ssize_t writev(int fd, const struct iovec *iov, int iovcnt)} */
    public static long writev(MemorySegment cs, int fd, MemorySegment iov, int iovcnt) {
        try { return (long) writev.H.invokeExact(cs, fd, iov, iovcnt); } catch (Throwable t) { throw unexpected(t); }
    }

    // ---- lifecycle -----------------------------------------------------------------------

    // close may block (SO_LINGER), so it is never critical
    private static final class close { static final MethodHandle H = blocking("close", ints(1)); }

    /** {@code int close(int fd)} */
    public static int close(MemorySegment cs, int fd) {
        try { return (int) close.H.invokeExact(cs, fd); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class shutdown { static final MethodHandle H = blocking("shutdown", ints(2)); }

    /** {@code int shutdown(int fd, int how)} */
    public static int shutdown(MemorySegment cs, int fd, int how) {
        try { return (int) shutdown.H.invokeExact(cs, fd, how); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class pipe { static final MethodHandle H = nonBlocking("pipe", FunctionDescriptor.of(JAVA_INT, ADDRESS)); }

    /** {@code int pipe(int fds[2])} */
    public static int pipe(MemorySegment cs, MemorySegment fds) {
        try { return (int) pipe.H.invokeExact(cs, fds); } catch (Throwable t) { throw unexpected(t); }
    }

    // ---- options and control ---------------------------------------------------------------

    private static final class getsockopt {
        static final MethodHandle H = nonBlocking("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    /** {@code int getsockopt(int fd, int level, int name, void *value, socklen_t *len)} */
    public static int getsockopt(MemorySegment cs, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try { return (int) getsockopt.H.invokeExact(cs, fd, level, name, value, len); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class setsockopt {
        static final MethodHandle H = nonBlocking("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    /** {@code int setsockopt(int fd, int level, int name, const void *value, socklen_t len)} */
    public static int setsockopt(MemorySegment cs, int fd, int level, int name, MemorySegment value, int len) {
        try { return (int) setsockopt.H.invokeExact(cs, fd, level, name, value, len); } catch (Throwable t) { throw unexpected(t); }
    }

    // fcntl and ioctl are variadic: the third argument is passed as a variadic one
    private static final class fcntl {
        static final MethodHandle H = link("fcntl", ints(3), ERRNO, CRITICAL, Linker.Option.firstVariadicArg(2));
    }

    /** {@code int fcntl(int fd, int cmd, int arg)} (F_GETFL, F_SETFL, F_GETFD, F_SETFD). */
    public static int fcntl(MemorySegment cs, int fd, int cmd, int arg) {
        try { return (int) fcntl.H.invokeExact(cs, fd, cmd, arg); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class ioctl {
        static final MethodHandle H = link("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                ERRNO, CRITICAL, Linker.Option.firstVariadicArg(2));
    }

    /** {@code int ioctl(int fd, unsigned long request, void *arg)} (FIONREAD, SIOCATMARK). */
    public static int ioctl(MemorySegment cs, int fd, long request, MemorySegment arg) {
        try { return (int) ioctl.H.invokeExact(cs, fd, request, arg); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class sockatmark { static final MethodHandle H = nonBlocking("sockatmark", ints(1)); }

    /** {@code int sockatmark(int fd)} */
    public static int sockatmark(MemorySegment cs, int fd) {
        try { return (int) sockatmark.H.invokeExact(cs, fd); } catch (Throwable t) { throw unexpected(t); }
    }

    // ---- readiness -------------------------------------------------------------------------

    private static final class select {
        static final MethodHandle H = blocking("select", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    }

    /** {@code int select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *timeout)} */
    public static int select(MemorySegment cs, int nfds, MemorySegment r, MemorySegment w, MemorySegment e, MemorySegment timeout) {
        try { return (int) select.H.invokeExact(cs, nfds, r, w, e, timeout); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class poll {
        static final MethodHandle H = blocking("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, NFDS_T, JAVA_INT));
    }

    /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)} */
    public static int poll(MemorySegment cs, MemorySegment fds, long nfds, int timeoutMillis) {
        try {
            return NFDS_T == JAVA_LONG
                    ? (int) poll.H.invokeExact(cs, fds, nfds, timeoutMillis)
                    : (int) poll.H.invokeExact(cs, fds, (int) nfds, timeoutMillis);
        } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class epoll_create1 { static final MethodHandle H = nonBlocking("epoll_create1", ints(1)); }

    /** {@code int epoll_create1(int flags)} — Linux only. */
    public static int epoll_create1(MemorySegment cs, int flags) {
        try { return (int) epoll_create1.H.invokeExact(cs, flags); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class epoll_ctl {
        static final MethodHandle H = nonBlocking("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** {@code int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)} — Linux only. */
    public static int epoll_ctl(MemorySegment cs, int epfd, int op, int fd, MemorySegment event) {
        try { return (int) epoll_ctl.H.invokeExact(cs, epfd, op, fd, event); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class epoll_wait {
        static final MethodHandle H = blocking("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    /** {@code int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)} — Linux only. */
    public static int epoll_wait(MemorySegment cs, int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        try { return (int) epoll_wait.H.invokeExact(cs, epfd, events, maxEvents, timeoutMillis); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class epoll_pwait2 {
        static final MethodHandle H = blocking("epoll_pwait2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    }

    /**
     * Whether libc exports {@code epoll_pwait2} (glibc 2.35 and later), decided by a symbol lookup.
     * The kernel may still lack the system call (before Linux 5.11): it then fails with ENOSYS.
     */
    public static boolean hasEpollPwait2() {
        return LOOKUP.find("epoll_pwait2").isPresent();
    }

    /** {@code int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents, const struct timespec *timeout, const sigset_t *sigmask)} — Linux only. */
    public static int epoll_pwait2(MemorySegment cs, int epfd, MemorySegment events, int maxEvents, MemorySegment timeout, MemorySegment sigmask) {
        try { return (int) epoll_pwait2.H.invokeExact(cs, epfd, events, maxEvents, timeout, sigmask); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class eventfd { static final MethodHandle H = nonBlocking("eventfd", ints(2)); }

    /** {@code int eventfd(unsigned int initval, int flags)} — Linux only. */
    public static int eventfd(MemorySegment cs, int initval, int flags) {
        try { return (int) eventfd.H.invokeExact(cs, initval, flags); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class kqueue { static final MethodHandle H = nonBlocking("kqueue", FunctionDescriptor.of(JAVA_INT)); }

    /** {@code int kqueue(void)} — Darwin only. */
    public static int kqueue(MemorySegment cs) {
        try { return (int) kqueue.H.invokeExact(cs); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class kevent {
        static final MethodHandle H = blocking("kevent",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    }

    /** {@code int kevent(int kq, const struct kevent *changes, int nchanges, struct kevent *events, int nevents, const struct timespec *timeout)} — Darwin only. */
    public static int kevent(MemorySegment cs, int kq, MemorySegment changes, int nChanges, MemorySegment events, int nEvents, MemorySegment timeout) {
        try { return (int) kevent.H.invokeExact(cs, kq, changes, nChanges, events, nEvents, timeout); } catch (Throwable t) { throw unexpected(t); }
    }

    // ---- names and addresses ---------------------------------------------------------------

    private static final class getaddrinfo {
        static final MethodHandle H = blocking("getaddrinfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    }

    /** {@code int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)} */
    public static int getaddrinfo(MemorySegment cs, MemorySegment node, MemorySegment service, MemorySegment hints, MemorySegment res) {
        try { return (int) getaddrinfo.H.invokeExact(cs, node, service, hints, res); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class freeaddrinfo {
        static final MethodHandle H = link("freeaddrinfo", FunctionDescriptor.ofVoid(ADDRESS));
    }

    /** {@code void freeaddrinfo(struct addrinfo *res)} */
    public static void freeaddrinfo(MemorySegment res) {
        try { freeaddrinfo.H.invokeExact(res); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class gai_strerror {
        static final MethodHandle H = link("gai_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT), CRITICAL);
    }

    /** {@code const char *gai_strerror(int errcode)}; the result is a zero-length segment to reinterpret. */
    public static MemorySegment gai_strerror(int errcode) {
        try { return (MemorySegment) gai_strerror.H.invokeExact(errcode); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class getnameinfo {
        static final MethodHandle H = blocking("getnameinfo",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    /** {@code int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen, char *serv, socklen_t servlen, int flags)} */
    public static int getnameinfo(MemorySegment cs, MemorySegment sa, int saLen, MemorySegment host, int hostLen, MemorySegment serv, int servLen, int flags) {
        try { return (int) getnameinfo.H.invokeExact(cs, sa, saLen, host, hostLen, serv, servLen, flags); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class inet_pton {
        static final MethodHandle H = nonBlocking("inet_pton", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    /** {@code int inet_pton(int af, const char *src, void *dst)} */
    public static int inet_pton(MemorySegment cs, int af, MemorySegment src, MemorySegment dst) {
        try { return (int) inet_pton.H.invokeExact(cs, af, src, dst); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class inet_ntop {
        static final MethodHandle H = nonBlocking("inet_ntop", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }

    /** {@code const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)} */
    public static MemorySegment inet_ntop(MemorySegment cs, int af, MemorySegment src, MemorySegment dst, int size) {
        try { return (MemorySegment) inet_ntop.H.invokeExact(cs, af, src, dst, size); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class if_nametoindex {
        static final MethodHandle H = nonBlocking("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /** {@code unsigned if_nametoindex(const char *name)}; 0 when there is no such interface. */
    public static int if_nametoindex(MemorySegment cs, MemorySegment name) {
        try { return (int) if_nametoindex.H.invokeExact(cs, name); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class if_indextoname {
        static final MethodHandle H = nonBlocking("if_indextoname", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    }

    /** {@code char *if_indextoname(unsigned index, char *name)}; NULL when there is no such interface. */
    public static MemorySegment if_indextoname(MemorySegment cs, int index, MemorySegment name) {
        try { return (MemorySegment) if_indextoname.H.invokeExact(cs, index, name); } catch (Throwable t) { throw unexpected(t); }
    }

    // ---- errors and process ----------------------------------------------------------------

    private static final class strerror_r {
        // glibc's plain strerror_r is the GNU variant (returns char *); __xpg_strerror_r is the
        // XSI one (fills the buffer, returns int). Darwin and musl export only the XSI one.
        static final MethodHandle H = link(
                LOOKUP.find("__xpg_strerror_r").isPresent() ? "__xpg_strerror_r" : "strerror_r",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, SIZE_T), CRITICAL);
    }

    /** XSI {@code int strerror_r(int errnum, char *buf, size_t buflen)}: 0 on success. */
    public static int strerror_r(int errnum, MemorySegment buf, long bufLen) {
        try { return (int) strerror_r.H.invokeExact(errnum, buf, bufLen); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class getpid { static final MethodHandle H = link("getpid", FunctionDescriptor.of(JAVA_INT), CRITICAL); }

    /** {@code pid_t getpid(void)} */
    public static int getpid() {
        try { return (int) getpid.H.invokeExact(); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class getuid { static final MethodHandle H = link("getuid", FunctionDescriptor.of(JAVA_INT), CRITICAL); }

    /** {@code uid_t getuid(void)} */
    public static int getuid() {
        try { return (int) getuid.H.invokeExact(); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class getgid { static final MethodHandle H = link("getgid", FunctionDescriptor.of(JAVA_INT), CRITICAL); }

    /** {@code gid_t getgid(void)} */
    public static int getgid() {
        try { return (int) getgid.H.invokeExact(); } catch (Throwable t) { throw unexpected(t); }
    }

    private static final class sched_setaffinity {
        static final MethodHandle H = nonBlocking("sched_setaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, SIZE_T, ADDRESS));
    }

    /** {@code int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask)} — Linux only; used to pin benchmark threads. */
    public static int sched_setaffinity(MemorySegment cs, int pid, long setSize, MemorySegment mask) {
        try { return (int) sched_setaffinity.H.invokeExact(cs, pid, setSize, mask); } catch (Throwable t) { throw unexpected(t); }
    }
}
