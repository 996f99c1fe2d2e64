package dev.nativesockets;

import static dev.nativesockets.Checks.requireArg;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Platform;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;

/**
 * How a {@link Socket} comes to be, behind its static factories: {@code socket(2)},
 * {@code socketpair(2)}, the listening socket of {@link Socket#listen(SocketAddress, int)}, and
 * taking over a descriptor from elsewhere ({@code getsockopt(SO_TYPE)}, {@code getsockname(2)},
 * {@code fcntl(F_GETFL)}). Every descriptor is close-on-exec and raises no {@code SIGPIPE} from
 * the moment it is a {@code Socket}: Linux asks for {@code SOCK_CLOEXEC} in the call and sends with
 * {@code MSG_NOSIGNAL}; Darwin has neither, so {@link #adopted} sets {@code FD_CLOEXEC} and
 * {@code SO_NOSIGPIPE} on each descriptor, closing it again if that fails.
 *
 * <p>The factories run outside any socket's confinement, so they use the calling thread's own
 * {@link Scratch}, leased and given back as around a call ({@link Scratch#enterCall}).
 */
final class SocketCreation {
    private SocketCreation() {}

    private static final boolean LINUX = Platform.current().isLinux();
    private static final int CLOEXEC = LINUX ? Constants.SOCK_CLOEXEC : 0;

    /** {@link Socket#open(Domain, Type, int)}. */
    static Socket open(Domain domain, Type type, int protocol) throws IOException {
        requireArg(domain, "domain");
        requireArg(type, "type");
        if (protocol < 0) {
            throw new IllegalArgumentException("protocol must not be negative: " + protocol);
        }
        return socket(domain.value(), type.value(), protocol);
    }

    /** {@link Socket#open(int, int, int)}: the numbers are checked here, the kernel judges the rest. */
    static Socket open(int family, int type, int protocol) throws IOException {
        if (family < 0 || family == Constants.UNSUPPORTED) {
            throw new IllegalArgumentException("family must be an AF_* value: " + family);
        }
        int typeFlags = (LINUX ? Constants.SOCK_NONBLOCK | Constants.SOCK_CLOEXEC : 0);
        if (type < 1 || (type & typeFlags) != 0) {
            throw new IllegalArgumentException("type must be a SOCK_* value without flag bits: " + type);
        }
        if (protocol < 0) {
            throw new IllegalArgumentException("protocol must not be negative: " + protocol);
        }
        return socket(family, type, protocol);
    }

    private static Socket socket(int family, int type, int protocol) throws IOException {
        Scratch.enterCall(); // a virtual thread's lease goes back at the end, as after a call
        try {
            Scratch s = Scratch.get();
            int fd = LibC.socket(s.cs, family, type | CLOEXEC, protocol);
            if (fd < 0) {
                throw Errno.exception("socket", s.errno());
            }
            return adopted(fd, family, type, !LINUX);
        } finally {
            Scratch.exitCall();
        }
    }

    /** {@link Socket#pair(Domain, Type)}: both ends, or neither (the first is closed if the second fails). */
    static SocketPair pair(Domain domain, Type type) throws IOException {
        requireArg(domain, "domain");
        requireArg(type, "type");
        Scratch.enterCall(); // see socket(int, int, int)
        try {
            Scratch s = Scratch.get();
            if (LibC.socketpair(s.cs, domain.value(), type.value() | CLOEXEC, 0, s.pair) < 0) {
                throw Errno.exception("socketpair", s.errno());
            }
            int a = s.pair.get(ValueLayout.JAVA_INT, 0);
            int b = s.pair.get(ValueLayout.JAVA_INT, 4);
            Socket first;
            try {
                first = adopted(a, domain.value(), type.value(), !LINUX); // closes a itself if it fails
            } catch (IOException | RuntimeException e) {
                LibC.close(s.cs, b);
                throw e;
            }
            try {
                return new SocketPair(first, adopted(b, domain.value(), type.value(), !LINUX));
            } catch (IOException | RuntimeException e) {
                first.close();
                throw e;
            }
        } finally {
            Scratch.exitCall();
        }
    }

    /** {@link Socket#listen(SocketAddress, int)}: closed again if a step fails. */
    static Socket listen(SocketAddress address, int backlog) throws IOException {
        Domain domain = Domain.of(Addresses.familyOf(address));
        if (domain == null) {
            throw new IllegalArgumentException("cannot listen on " + address);
        }
        Socket s = open(domain, Type.STREAM, Protocol.DEFAULT);
        try {
            if (domain != Domain.UNIX) {
                s.setOption(NativeOptions.SO_REUSEADDR, true);
            }
            s.bind(address);
            s.listen(backlog);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** {@link Socket#adopt(int)}: a descriptor that is refused is left open (it is not ours yet). */
    static Socket adopt(int fd) throws IOException {
        if (fd < 0) {
            throw new IllegalArgumentException("descriptor must not be negative: " + fd);
        }
        Scratch.enterCall(); // see socket(int, int, int)
        try {
            Scratch s = Scratch.get();
            s.valueLen.set(ValueLayout.JAVA_INT, 0, 4);
            if (LibC.getsockopt(s.cs, fd, Constants.SOL_SOCKET, Constants.SO_TYPE, s.value, s.valueLen) < 0) {
                throw Errno.exception("getsockopt(SOL_SOCKET, SO_TYPE)", s.errno());
            }
            int type = s.value.get(ValueLayout.JAVA_INT, 0);
            s.addrLen.set(ValueLayout.JAVA_INT, 0, Scratch.ADDR_SIZE);
            if (LibC.getsockname(s.cs, fd, s.addr, s.addrLen) < 0) {
                throw Errno.exception("getsockname", s.errno());
            }
            int family = Addresses.family(s.addr);
            if (!LINUX && OptionCalls.setIntRaw(s, fd, Constants.SOL_SOCKET, Constants.SO_NOSIGPIPE, 1) < 0) {
                throw Errno.exception("setsockopt(SO_NOSIGPIPE)", s.errno()); // Darwin: no MSG_NOSIGNAL
            }
            Socket socket = new Socket(fd, family, type);
            int flags = LibC.fcntl(s.cs, fd, Constants.F_GETFL, 0);
            if (flags >= 0 && (flags & Constants.O_NONBLOCK) != 0) {
                socket.blockingModeSet(false);
            }
            return socket;
        } finally {
            Scratch.exitCall();
        }
    }

    /**
     * A new descriptor of ours as a {@code Socket} (also for {@code accept}): on Darwin first the
     * setup Linux did in the call; if that fails the descriptor is closed and the error thrown.
     */
    static Socket adopted(int fd, int family, int type, boolean darwinSetup) throws IOException {
        if (darwinSetup) {
            Scratch s = Scratch.get();
            if (LibC.fcntl(s.cs, fd, Constants.F_SETFD, Constants.FD_CLOEXEC) < 0
                    || OptionCalls.setIntRaw(s, fd, Constants.SOL_SOCKET, Constants.SO_NOSIGPIPE, 1) < 0) {
                int errno = s.errno();
                LibC.close(s.cs, fd);
                throw Errno.exception("socket setup", errno);
            }
        }
        return new Socket(fd, family, type);
    }
}
