package dev.nativesockets.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The {@code ffm} implementation: downcall handles linked here, in the benchmark, the way a
 * hand-written binding would do it — no errno capture, no descriptor ownership, no argument checks,
 * failure seen only as a negative return. It is the floor the library's own layers are compared to.
 *
 * <p>{@link #GETSOCKOPT_LIKE_RAW} is linked with exactly the options the raw layer uses for
 * getsockopt (errno capture + critical), so {@code Downcall} separates the wrapper's Java code from
 * the linker options.
 */
final class Bare {
    private Bare() {}

    private static final Linker LINKER = Linker.nativeLinker();

    private static MethodHandle h(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, options);
    }

    static final MethodHandle SEND = h("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    static final MethodHandle RECV = h("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    static final MethodHandle SOCKET = h("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle CONNECT = h("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle ACCEPT4 = h("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle CLOSE = h("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle SENDMMSG = h("sendmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    static final MethodHandle RECVMMSG = h("recvmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    static final FunctionDescriptor GETSOCKOPT_FD =
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    /** Plain: no errno capture, not critical. */
    static final MethodHandle GETSOCKOPT = h("getsockopt", GETSOCKOPT_FD);
    /** The raw layer's options: errno capture + critical (first argument is the capture segment). */
    static final MethodHandle GETSOCKOPT_LIKE_RAW = h("getsockopt", GETSOCKOPT_FD,
            Linker.Option.captureCallState("errno"), Linker.Option.critical(false));

    static long send(int fd, MemorySegment buf, long len, int flags) {
        try { return (long) SEND.invokeExact(fd, buf, len, flags); } catch (Throwable t) { throw new AssertionError(t); }
    }

    static long recv(int fd, MemorySegment buf, long len, int flags) {
        try { return (long) RECV.invokeExact(fd, buf, len, flags); } catch (Throwable t) { throw new AssertionError(t); }
    }

    static int socket(int domain, int type, int protocol) {
        try { return (int) SOCKET.invokeExact(domain, type, protocol); } catch (Throwable t) { throw new AssertionError(t); }
    }

    static int connect(int fd, MemorySegment addr, int len) {
        try { return (int) CONNECT.invokeExact(fd, addr, len); } catch (Throwable t) { throw new AssertionError(t); }
    }

    static int accept4(int fd, MemorySegment addr, MemorySegment len, int flags) {
        try { return (int) ACCEPT4.invokeExact(fd, addr, len, flags); } catch (Throwable t) { throw new AssertionError(t); }
    }

    static int close(int fd) {
        try { return (int) CLOSE.invokeExact(fd); } catch (Throwable t) { throw new AssertionError(t); }
    }

    static int sendmmsg(int fd, MemorySegment vec, int vlen, int flags) {
        try { return (int) SENDMMSG.invokeExact(fd, vec, vlen, flags); } catch (Throwable t) { throw new AssertionError(t); }
    }

    static int recvmmsg(int fd, MemorySegment vec, int vlen, int flags, MemorySegment timeout) {
        try { return (int) RECVMMSG.invokeExact(fd, vec, vlen, flags, timeout); } catch (Throwable t) { throw new AssertionError(t); }
    }

    static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try { return (int) GETSOCKOPT.invokeExact(fd, level, name, value, len); } catch (Throwable t) { throw new AssertionError(t); }
    }

    static int getsockoptLikeRaw(MemorySegment cs, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try { return (int) GETSOCKOPT_LIKE_RAW.invokeExact(cs, fd, level, name, value, len); } catch (Throwable t) { throw new AssertionError(t); }
    }
}
