package dev.nativesockets;

import static dev.nativesockets.Checks.checkFrom;
import static dev.nativesockets.Checks.checkInto;
import static dev.nativesockets.Checks.requireArg;

import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A socket descriptor, 1:1 with the POSIX calls on it: {@code socket(2)}, {@code bind(2)},
 * {@code listen(2)}, {@code accept(2)}/{@code accept4(2)}, {@code connect(2)}, {@code recv(2)},
 * {@code send(2)}, {@code recvfrom(2)}, {@code sendto(2)}, {@code shutdown(2)},
 * {@code getsockopt(2)}/{@code setsockopt(2)}, {@code getsockname(2)}, {@code getpeername(2)},
 * {@code fcntl(2)} and {@code close(2)}.
 *
 * <h2>Errors</h2>
 * A failed call throws an {@link IOException} that implements {@link ErrnoException} (operation,
 * errno, name, message) and is the JDK type callers already catch where one fits. Arguments are
 * checked first: bad ones raise {@link IllegalArgumentException}, and any call on a closed socket
 * {@link IllegalStateException}, before anything reaches libc. {@code EINTR} is retried.
 *
 * <h2>Blocking</h2>
 * Sockets start blocking. In non-blocking mode ({@link #setBlocking(boolean) setBlocking(false)}),
 * or for one call with {@link MsgFlags#DONTWAIT}, a call that would block is not an error: a call
 * that returns a count returns {@link #WOULD_BLOCK} ({@code -1} for {@code int} and {@code long}
 * counts alike), {@link #recvFrom} a {@link Received} of that {@link Received#length() length},
 * {@link #accept()} and {@link #read(int)} {@code null} (PHP's {@code false}), and
 * {@link #connect(SocketAddress)} {@code false}; each records the errno ({@code EAGAIN},
 * {@code EINPROGRESS}) in {@link #lastError()} and {@link Errno#lastError()}, as PHP's
 * {@code socket_last_error} reports it. In blocking mode {@code EAGAIN} means an
 * {@code SO_RCVTIMEO}/{@code SO_SNDTIMEO} ran out and raises {@link java.net.SocketTimeoutException}.
 *
 * <h2>Closing</h2>
 * {@link #close()} is idempotent and, for a shared socket, thread-safe (a {@linkplain #confine()
 * confined} one is closed by its thread only). A call blocked in another thread is woken at once
 * and fails with {@link SocketClosedException}; the descriptor is released only when the last call
 * in flight has left, so no call ever reaches a descriptor number that has been reused. A socket
 * that becomes unreachable without being closed is closed by a {@link Cleaner}. Interrupting a
 * platform thread does not affect a call it is blocked in (as with {@code java.net.Socket}); close
 * the socket to stop it. The interrupt status is left as it was. Interrupting a virtual thread
 * parked in a blocking-mode call closes the socket, and the call throws
 * {@link SocketClosedException} ("closed by interrupt") with the status still set, as the JDK's
 * sockets do on virtual threads.
 *
 * <h2>Shared and confined</h2>
 * A socket starts <em>shared</em>: any thread may use it and close it at any time, which costs two
 * atomic operations per call (the count of calls in flight that makes the close above safe).
 * {@link #confine()} binds it to the calling thread for good, as {@link java.lang.foreign.Arena#ofConfined()}
 * does for memory: then only that thread may use, shut down or close it — other threads get
 * {@link WrongThreadException} before any system call — and a call costs no atomic operation at
 * all; the send, receive and option calls also skip the per-thread lookup of the library's native
 * temporaries. Confine sockets that one thread drives (a connection handled by one worker, either end of a
 * request/response loop); keep sockets shared when another thread must be able to close them to
 * stop a blocked call.
 *
 * <h2>Signals</h2>
 * {@code SIGPIPE} is never raised: every send on Linux carries {@code MSG_NOSIGNAL}, and on
 * Darwin every socket gets {@code SO_NOSIGPIPE}. Writing to a reset peer throws ({@code EPIPE}).
 *
 * <h2>Memory</h2>
 * Receive and send on a native {@link MemorySegment} allocate nothing; the library's temporaries
 * are per-thread (a shared socket keeps a reference to those of the first thread that calls it, so
 * that thread's calls skip the per-thread lookup; they then live as long as the socket does, even
 * if that thread ends first). {@code byte[]} and heap {@link ByteBuffer}s are staged through a
 * per-thread native buffer.
 *
 * <p>Every segment is checked before the call: heap memory where the kernel needs native memory
 * raises {@link IllegalArgumentException}, a closed arena {@link IllegalStateException}, an arena
 * confined to another thread {@link WrongThreadException}. No {@link Error} leaves a public method.
 *
 * <h2 id="indirect">Memory the kernel reaches through a structure</h2>
 * {@code readv}/{@code writev}, {@code sendMsg}/{@code recvMsg} and {@code sendMmsg}/{@code recvMmsg}
 * with {@link Message}s pass the caller's segments to the kernel by address inside an {@code iovec}
 * or {@code msghdr}, where the JDK's own guard — an arena stays open while its segment is an
 * argument of a native call — does not reach. The library closes that gap, so no arena can be
 * freed while the kernel reads or writes it:
 * <ul>
 *   <li>Segments of {@link java.lang.foreign.Arena#global()}, {@link java.lang.foreign.Arena#ofAuto()},
 *       direct {@link ByteBuffer}s, or a confined arena of the calling thread: no other thread can
 *       free them during the call. Zero-copy, no extra cost.</li>
 *   <li>Segments of a shared arena (or one the library does not know): on Linux the call holds the
 *       arena open until it returns (it is issued through {@code syscall(2)} with a segment of each
 *       such arena as an extra argument, so the JDK's guard applies); another thread's
 *       {@code Arena.close()} meanwhile fails with {@link IllegalStateException}. At most
 *       {@value dev.nativesockets.internal.CriticalCalls#MAX_PINS} distinct shared arenas per call
 *       ({@link IllegalArgumentException} beyond). On Darwin such segments are refused with
 *       {@link IllegalArgumentException}.</li>
 *   <li>Received control data ({@link Message#controlBuffer(MemorySegment)}, a
 *       {@link MessageBatch}'s control space) first lands in library memory: the descriptors in it
 *       are adopted from there, then the bytes are copied to the caller's buffer — so closing that
 *       buffer's arena cannot leak them (the copy then fails with {@link IllegalStateException};
 *       the descriptors are the message's already).</li>
 * </ul>
 * Descriptors that a send carries as {@code SCM_RIGHTS} — from {@link Socket}s, {@link Fd}s or
 * received {@link ControlMessage.Rights} — are held open for the call and released exactly as
 * held; a closed one fails the send with {@link IllegalStateException} before the call.
 */
public final class Socket extends SocketDescriptor implements AutoCloseable {
    /** What a non-blocking receive or send returns when it would have blocked ({@code EAGAIN}). */
    public static final int WOULD_BLOCK = -1;

    private static final Cleaner CLEANER = Cleaner.create();

    private final Cleaner.Cleanable cleanable;
    /** How calls on this socket wait: the virtual-thread state, the timeout cache, the O_NONBLOCK spans. */
    private final SocketWait waits;
    /** The array a virtual thread's byte[] call last passed in place, with its segment ({@link HeapIo}). */
    HeapIo.HeapView lastHeapView;

    Socket(int fd, int family, int type) { // SocketCreation makes them all
        super(fd, family, type);
        this.cleanable = CLEANER.register(this, handle);
        this.waits = new SocketWait(this, handle);
    }

    // ---- creation ------------------------------------------------------------------------

    /** {@code socket(domain, type, 0)}: PHP's {@code socket_create}. Close-on-exec always. */
    public static Socket open(Domain domain, Type type) throws IOException {
        return open(domain, type, Protocol.DEFAULT);
    }

    /** {@code socket(domain, type, protocol)}; close-on-exec always. */
    public static Socket open(Domain domain, Type type, int protocol) throws IOException {
        return SocketCreation.open(domain, type, protocol);
    }

    /**
     * {@code socket(family, type, protocol)} for any family, type and protocol the kernel knows,
     * as numbers: {@code AF_NETLINK} with {@code NETLINK_ROUTE}, {@code AF_PACKET} with an
     * EtherType in network order, and families this library has no {@link Domain} for.
     * Close-on-exec always; the {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC} bits are not taken
     * here (use {@link #setBlocking}).
     *
     * @throws IllegalArgumentException for a negative family or protocol, a type below 1, type
     *     flag bits, or {@link Constants#UNSUPPORTED}
     * @throws IOException {@code EAFNOSUPPORT}, {@code EPROTONOSUPPORT}, {@code EPERM}/{@code EACCES}
     *     (privilege) as the kernel says
     */
    public static Socket open(int family, int type, int protocol) throws IOException {
        return SocketCreation.open(family, type, protocol);
    }

    /** {@code socketpair(domain, type, 0)}: PHP's {@code socket_create_pair}. */
    public static SocketPair pair(Domain domain, Type type) throws IOException {
        return SocketCreation.pair(domain, type);
    }

    /**
     * A listening stream socket on {@code address}: PHP's {@code socket_create_listen}.
     * {@code socket(2)}, {@code setsockopt(SO_REUSEADDR)} for IP addresses (as PHP does),
     * {@code bind(2)} and {@code listen(2)}; if a step fails the socket is closed again.
     *
     * @param address an {@link java.net.InetSocketAddress} (port 0 picks a free one),
     *     {@link java.net.UnixDomainSocketAddress} or {@link SockAddr}
     * @param backlog the {@code listen(2)} backlog
     * @throws java.net.BindException if the address is in use ({@code EADDRINUSE}) or not local
     */
    public static Socket listen(SocketAddress address, int backlog) throws IOException {
        return SocketCreation.listen(address, backlog);
    }

    /**
     * Takes ownership of a descriptor obtained elsewhere — inherited, received with
     * {@code SCM_RIGHTS}, or {@link #detach() detached} from another socket. PHP's
     * {@code socket_import_stream}. Checks that it is an open socket ({@code getsockopt(SO_TYPE)}),
     * learns its family ({@code getsockname(2)}) and blocking mode ({@code fcntl(F_GETFL)}). From
     * now on the returned socket closes it. A descriptor that is refused is left open.
     *
     * @throws IOException {@code ENOTSOCK} for a descriptor that is not a socket, {@code EBADF} for
     *     one that is not open
     */
    public static Socket adopt(int fd) throws IOException {
        return SocketCreation.adopt(fd);
    }

    // ---- identity --------------------------------------------------------------------------

    /**
     * The descriptor number (no system call). Valid only while the socket is open; never close it
     * yourself — {@link #detach()} it to take it over.
     */
    public int fd() {
        if (handle.isClosed()) {
            throw new IllegalStateException("socket is closed");
        }
        return handle.fd();
    }

    /** The domain, or {@code null} for a family this library has no {@link Domain} for. No system call. */
    public Domain domain() {
        return Domain.of(family);
    }

    /** The {@code AF_*} value the socket was created with. No system call. */
    public int family() {
        return family;
    }

    /** The type, or {@code null} for one this library has no {@link Type} for. No system call. */
    public Type type() {
        return Type.of(type);
    }

    /** Whether {@link #close()} or {@link #detach()} was called (by any thread). No system call. */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Whether the socket is in blocking mode, as last set through {@link #setBlocking}. No system call. */
    public boolean isBlocking() {
        return blockingMode();
    }

    /**
     * The errno of the last failed call on this socket, 0 if none: PHP's
     * {@code socket_last_error($socket)}. As in PHP, a non-blocking call that would have blocked
     * counts ({@code EAGAIN}, {@code EINPROGRESS}), and a later success does not reset it. No
     * system call.
     */
    public int lastError() {
        return lastError;
    }

    /** Forgets {@link #lastError()}: PHP's {@code socket_clear_error($socket)}. No system call. */
    public void clearError() {
        lastError = 0;
    }

    // ---- naming and connecting -------------------------------------------------------------

    /**
     * {@code bind(2)}: PHP's {@code socket_bind}. An IPv4 address on an IPv6 socket is bound as
     * {@code ::ffff:a.b.c.d}; the empty Unix path autobinds (Linux).
     *
     * @throws java.net.BindException {@code EADDRINUSE} or {@code EADDRNOTAVAIL}
     * @throws IllegalArgumentException for an address of another family or one that does not fit
     */
    public void bind(SocketAddress address) throws IOException {
        ImmediateCalls.bind(this, address);
    }

    /** {@code listen(2)} with the platform's {@code SOMAXCONN} backlog. */
    public void listen() throws IOException {
        listen(Constants.SOMAXCONN);
    }

    /** {@code listen(2)}: PHP's {@code socket_listen}. */
    public void listen(int backlog) throws IOException {
        ImmediateCalls.listen(this, backlog);
    }

    /**
     * {@code accept4(fd, NULL, NULL, SOCK_CLOEXEC)} on Linux, {@code accept(2)} plus
     * {@code FD_CLOEXEC} on Darwin: PHP's {@code socket_accept}. The new socket is blocking.
     *
     * @return the connection, or {@code null} in non-blocking mode when none is pending
     *     ({@link #lastError()} is then {@code EAGAIN})
     * @throws java.net.SocketTimeoutException when an {@code SO_RCVTIMEO} set on the listener runs out
     * @throws SocketClosedException when another thread closes the listener during the call
     */
    public Socket accept() throws IOException {
        return accept(false);
    }

    /**
     * {@code accept4(2)} with {@code SOCK_CLOEXEC}, plus {@code SOCK_NONBLOCK} if {@code nonBlocking}
     * (Linux); on Darwin {@code accept(2)} then {@code fcntl(2)} for {@code FD_CLOEXEC} and
     * {@code O_NONBLOCK}. An accepted socket that starts non-blocking saves the
     * {@link #setBlocking(boolean)} call event loops would make next.
     *
     * @param nonBlocking whether the accepted socket starts in non-blocking mode
     * @return the connection, or {@code null} in non-blocking mode when none is pending
     */
    public Socket accept(boolean nonBlocking) throws IOException {
        return Connector.accept(this, nonBlocking);
    }

    /**
     * {@code connect(2)}: PHP's {@code socket_connect}. On a datagram socket, sets the default
     * destination and the only source datagrams are accepted from.
     *
     * @return {@code true} once connected; {@code false} in non-blocking mode while the connection
     *     is in progress ({@code EINPROGRESS}; {@link #lastError()} says so) — finish it with
     *     {@link #finishConnect()}. On a Unix stream socket {@code false} ({@code EAGAIN}) means the
     *     listener's backlog is full and nothing is in progress: call {@code connect} again later.
     * @throws java.net.ConnectException {@code ECONNREFUSED}
     * @throws SocketClosedException when another thread closes the socket during the call
     */
    public boolean connect(SocketAddress address) throws IOException {
        return Connector.connect(this, address);
    }

    /**
     * Connects, failing with {@link java.net.SocketTimeoutException} if it takes longer than
     * {@code timeout}: non-blocking {@code connect(2)}, {@code poll(2)} for {@code POLLOUT}, then
     * {@code getsockopt(SO_ERROR)}. A Unix listener whose backlog is full answers {@code EAGAIN};
     * the connect is then retried until the time runs out. After a timeout a TCP socket cannot
     * connect again; close it. The socket's blocking mode is as it was before.
     */
    public void connect(SocketAddress address, Duration timeout) throws IOException {
        Connector.connect(this, address, timeout);
    }

    /**
     * Completes a non-blocking connect without waiting: {@code poll(2)} for {@code POLLOUT} with a
     * zero timeout, {@code getsockopt(SO_ERROR)}, and {@code getpeername(2)} to confirm.
     *
     * @return {@code true} when connected, {@code false} while it is still in progress
     * @throws java.net.ConnectException and the like when the connection failed (the errno it
     *     failed with, e.g. {@code ECONNREFUSED})
     */
    public boolean finishConnect() throws IOException {
        return Connector.finishConnect(this);
    }

    /**
     * {@code getsockname(2)}: PHP's {@code socket_getsockname}. IP addresses come back as
     * {@link java.net.InetSocketAddress} (IPv6 with its scope id, IPv4-mapped ones as IPv4), Unix
     * paths as {@link java.net.UnixDomainSocketAddress} ({@code ""} when unnamed), abstract names
     * and other families as {@link SockAddr}.
     */
    public SocketAddress localAddress() throws IOException {
        return ImmediateCalls.name(this, false, false);
    }

    /**
     * {@code getpeername(2)}: PHP's {@code socket_getpeername}; addresses as in {@link #localAddress()}.
     *
     * @throws java.net.SocketException {@code ENOTCONN} when not connected
     */
    public SocketAddress peerAddress() throws IOException {
        return ImmediateCalls.name(this, true, false);
    }

    /** {@code getsockname(2)}: {@link #localAddress()} as the raw {@code struct sockaddr} bytes. */
    public SockAddr localSockAddr() throws IOException {
        return (SockAddr) ImmediateCalls.name(this, false, true);
    }

    /** {@code getpeername(2)}: {@link #peerAddress()} as the raw {@code struct sockaddr} bytes. */
    public SockAddr peerSockAddr() throws IOException {
        return (SockAddr) ImmediateCalls.name(this, true, true);
    }

    // ---- receiving -------------------------------------------------------------------------

    /** {@code recv(fd, buf, size, 0)}. */
    public int recv(MemorySegment buf) throws IOException {
        return recv(buf, 0);
    }

    /**
     * {@code recv(2)} into a native segment: PHP's {@code socket_recv}.
     *
     * @return bytes received, 0 at end of stream (or an empty datagram), {@link #WOULD_BLOCK}
     */
    public int recv(MemorySegment buf, int flags) throws IOException {
        checkInto(buf);
        return SendReceive.recvInto(this, buf, buf.byteSize(), flags);
    }

    /** {@code recv(2)} into {@code b[off, off+len)}; see {@link #recv(MemorySegment, int)}. */
    public int recv(byte[] b, int off, int len, int flags) throws IOException {
        return HeapIo.recv(this, b, off, len, flags);
    }

    /**
     * {@code recv(2)} into {@code b[off, off+len)}, no flags.
     *
     * @throws IllegalArgumentException if {@code b} is null or the range is outside it (before any call)
     */
    public int recv(byte[] b, int off, int len) throws IOException {
        return recv(b, off, len, 0);
    }

    /** {@code recv(fd, b, b.length, 0)}. */
    public int recv(byte[] b) throws IOException {
        return recv(b, 0, requireArg(b, "array").length, 0);
    }

    /** {@code recv(2)} into all of {@code b} with {@code flags}; see {@link #recv(MemorySegment, int)}. */
    public int recv(byte[] b, int flags) throws IOException {
        return recv(b, 0, requireArg(b, "array").length, flags);
    }

    /** {@code recv(2)} into the buffer's remaining space; advances its position. */
    public int recv(ByteBuffer dst, int flags) throws IOException {
        return HeapIo.recv(this, dst, flags);
    }

    /** {@code recv(2)} into the buffer with no flags. */
    public int recv(ByteBuffer dst) throws IOException {
        return recv(dst, 0);
    }

    /**
     * {@code recvfrom(2)}: PHP's {@code socket_recvfrom}. In non-blocking mode the call does not
     * wait ({@code MSG_DONTWAIT} is added).
     *
     * @return the length (or {@link #WOULD_BLOCK}) and the sender: an {@link java.net.InetSocketAddress},
     *     a {@link java.net.UnixDomainSocketAddress} ({@code ""} for an unnamed Unix sender), a
     *     {@link SockAddr} for abstract names; {@code null} where the kernel reports none (streams)
     */
    public Received recvFrom(MemorySegment buf, int flags) throws IOException {
        checkInto(buf);
        return SendReceive.recvFromInto(this, buf, flags);
    }

    /** {@code recvfrom(2)} into all of {@code b}, no flags: PHP's {@code socket_recvfrom($s, $buf, $len, 0, ...)}. */
    public Received recvFrom(byte[] b) throws IOException {
        return recvFrom(b, 0, requireArg(b, "array").length, 0);
    }

    /** {@code recvfrom(2)} into all of {@code b} with {@code flags}; see {@link #recvFrom(MemorySegment, int)}. */
    public Received recvFrom(byte[] b, int flags) throws IOException {
        return recvFrom(b, 0, requireArg(b, "array").length, flags);
    }

    /** {@code recvfrom(2)} into a native segment with no flags; see {@link #recvFrom(MemorySegment, int)}. */
    public Received recvFrom(MemorySegment buf) throws IOException {
        return recvFrom(buf, 0);
    }

    /** {@code recvfrom(2)} into {@code b[off, off+len)}; see {@link #recvFrom(MemorySegment, int)}. */
    public Received recvFrom(byte[] b, int off, int len, int flags) throws IOException {
        return HeapIo.recvFrom(this, b, off, len, flags);
    }

    /**
     * PHP's {@code socket_read($socket, $length, PHP_BINARY_READ)}: one {@code recv(2)} of up to
     * {@code length} bytes.
     *
     * @return the bytes; empty at end of stream; {@code null} in non-blocking mode when nothing is there
     */
    public byte[] read(int length) throws IOException {
        return read(length, ReadMode.BINARY);
    }

    /**
     * PHP's {@code socket_read}: {@link ReadMode#BINARY} is one {@code recv(2)};
     * {@link ReadMode#NORMAL} reads byte by byte and stops after {@code \n} or {@code \r}.
     */
    public byte[] read(int length, ReadMode mode) throws IOException {
        return HeapIo.read(this, length, mode);
    }

    /** {@code ioctl(FIONREAD)}: bytes that can be read without blocking. */
    public int available() throws IOException {
        return ImmediateCalls.available(this);
    }

    /** {@code sockatmark(3)}: PHP's {@code socket_atmark}; whether the read pointer is at the out-of-band mark. */
    public boolean atMark() throws IOException {
        return ImmediateCalls.atMark(this);
    }

    // ---- sending ---------------------------------------------------------------------------

    /** {@code send(fd, buf, size, 0)}. */
    public int send(MemorySegment buf) throws IOException {
        return send(buf, 0);
    }

    /**
     * {@code send(2)} from a native segment: PHP's {@code socket_send}. May send less than all;
     * see {@link #sendAll(MemorySegment)}.
     *
     * @return bytes sent, or {@link #WOULD_BLOCK}
     */
    public int send(MemorySegment buf, int flags) throws IOException {
        checkFrom(buf);
        return SendReceive.sendFrom(this, buf, buf.byteSize(), flags);
    }

    /**
     * {@code send(2)} from {@code b[off, off+len)}, no flags.
     *
     * @throws IllegalArgumentException if {@code b} is null or the range is outside it (before any call)
     */
    public int send(byte[] b, int off, int len) throws IOException {
        return send(b, off, len, 0);
    }

    /** {@code send(2)} from {@code b[off, off+len)}. */
    public int send(byte[] b, int off, int len, int flags) throws IOException {
        return HeapIo.send(this, b, off, len, flags);
    }

    /** {@code send(fd, b, b.length, 0)}. */
    public int send(byte[] b) throws IOException {
        return send(b, 0, requireArg(b, "array").length, 0);
    }

    /** {@code send(2)} of all of {@code b} with {@code flags}; see {@link #send(MemorySegment, int)}. */
    public int send(byte[] b, int flags) throws IOException {
        return send(b, 0, requireArg(b, "array").length, flags);
    }

    /** {@code send(2)} from the buffer's remaining bytes; advances its position. */
    public int send(ByteBuffer src, int flags) throws IOException {
        return HeapIo.send(this, src, flags);
    }

    /** {@code send(2)} from the buffer with no flags. */
    public int send(ByteBuffer src) throws IOException {
        return send(src, 0);
    }

    /**
     * {@code send(2)} until every byte of {@code buf} is sent, looping over partial sends.
     *
     * @throws IllegalStateException in non-blocking mode, also when another thread switches the
     *     socket to non-blocking mode during the call and a send would block (the message names how
     *     many bytes went out; nothing is sent twice)
     */
    public void sendAll(MemorySegment buf) throws IOException {
        checkFrom(buf);
        if (!blockingMode()) {
            throw new IllegalStateException("sendAll needs a blocking socket");
        }
        long off = 0;
        while (off < buf.byteSize()) {
            off += HeapIo.sentOrRefuse(send(buf.asSlice(off), 0), off, buf.byteSize());
        }
    }

    /** {@code send(2)} until every byte of {@code b} is sent (blocking mode); see {@link #sendAll(MemorySegment)}. */
    public void sendAll(byte[] b) throws IOException {
        sendAll(b, 0, requireArg(b, "array").length);
    }

    /**
     * {@code send(2)} until every byte of {@code b[off, off+len)} is sent (blocking mode): an echo
     * sends back what it received without copying it first. See {@link #sendAll(MemorySegment)}.
     *
     * @throws IllegalArgumentException if {@code b} is null or the range is outside it (before any call)
     * @throws IllegalStateException in non-blocking mode
     */
    public void sendAll(byte[] b, int off, int len) throws IOException {
        HeapIo.sendAll(this, b, off, len);
    }

    /**
     * PHP's {@code socket_write}: one send of {@code b}; returns how much went. Implemented with
     * {@code send(2)} and {@code MSG_NOSIGNAL} rather than {@code write(2)}, so a reset peer is an
     * exception, never a signal.
     *
     * @return bytes written, or {@link #WOULD_BLOCK}
     */
    public int write(byte[] b) throws IOException {
        return send(b, 0, requireArg(b, "array").length, 0);
    }

    /** {@code sendto(2)}: PHP's {@code socket_sendto}. */
    public int sendTo(MemorySegment buf, int flags, SocketAddress to) throws IOException {
        checkFrom(buf);
        return SendReceive.sendToFrom(this, buf, flags, to);
    }

    /** {@code sendto(2)} of all of {@code b}, no flags: PHP's {@code socket_sendto($s, $buf, $len, 0, ...)}. */
    public int sendTo(byte[] b, SocketAddress to) throws IOException {
        return sendTo(b, 0, requireArg(b, "array").length, 0, to);
    }

    /** {@code sendto(2)} of all of {@code b} with {@code flags}; see {@link #sendTo(MemorySegment, int, SocketAddress)}. */
    public int sendTo(byte[] b, int flags, SocketAddress to) throws IOException {
        return sendTo(b, 0, requireArg(b, "array").length, flags, to);
    }

    /** {@code sendto(2)} from a native segment with no flags; see {@link #sendTo(MemorySegment, int, SocketAddress)}. */
    public int sendTo(MemorySegment buf, SocketAddress to) throws IOException {
        return sendTo(buf, 0, to);
    }

    /** {@code sendto(2)} from {@code b[off, off+len)}; see {@link #sendTo(MemorySegment, int, SocketAddress)}. */
    public int sendTo(byte[] b, int off, int len, int flags, SocketAddress to) throws IOException {
        return HeapIo.sendTo(this, b, off, len, flags, to);
    }

    // ---- shutdown, blocking, close ---------------------------------------------------------

    /** {@code shutdown(2)}: PHP's {@code socket_shutdown}. */
    public void shutdown(How how) throws IOException {
        ImmediateCalls.shutdown(this, how);
    }

    /**
     * {@code fcntl(F_SETFL, O_NONBLOCK)} on or off: PHP's {@code socket_set_block} /
     * {@code socket_set_nonblock}.
     */
    public void setBlocking(boolean on) throws IOException {
        ImmediateCalls.setBlocking(this, on);
    }

    /** {@code fcntl(2)} {@code O_NONBLOCK} on or off, not touching {@link #isBlocking()} (see {@link SocketWait}). */
    void setNonBlocking(Scratch s, int fd, boolean nonBlocking) throws IOException {
        ImmediateCalls.setNonBlocking(this, s, fd, nonBlocking);
    }

    /**
     * {@code close(2)}: PHP's {@code socket_close}. Idempotent and thread-safe. Calls blocked in
     * other threads are woken with {@code shutdown(SHUT_RDWR)} and fail with
     * {@link SocketClosedException}; the descriptor is closed when the last of them has left.
     *
     * @throws WrongThreadException if the socket is {@linkplain #confine() confined} to another
     *         thread (it stays open)
     */
    @Override
    public void close() {
        handle.close(); // first: a confined socket refuses other threads before anything is undone
        waits.wakeAll(); // parked virtual threads retry, see the close and throw
        leaveFastPath();
        cleanable.clean();
    }

    /**
     * Gives the descriptor up without closing it (PHP's {@code socket_export_stream} in spirit; no
     * system call): the caller owns it from now on, e.g. to hand to another library or process,
     * or to {@link #adopt(int)} again. This socket counts as closed afterwards.
     *
     * @throws IllegalStateException if closed or if calls are in flight
     */
    public int detach() {
        int fd = handle.detach();
        leaveFastPath();
        cleanable.clean(); // the handle is detached: the cleaner's close is a no-op now
        return fd;
    }

    /**
     * Confines this socket to the calling thread, for good (no system call). From now on only this
     * thread may make calls on it, {@linkplain #shutdown shut it down}, {@linkplain #close() close}
     * or {@linkplain #detach() detach} it; any other thread — including one passing it to
     * {@link Select}, {@link Poller} or as {@code SCM_RIGHTS} — gets {@link WrongThreadException}
     * before any system call. In exchange a call needs no atomic operation to keep the descriptor
     * safe from a concurrent close (see <em>Shared and confined</em> above). A confined socket that
     * becomes unreachable is still closed by its Cleaner. Idempotent on the owning thread.
     *
     * @return this socket
     * @throws IllegalStateException if closed, or while another thread has a call in flight on it
     * @throws WrongThreadException if already confined to another thread
     */
    public Socket confine() {
        handle.confine(); // throws unless this thread now owns the socket
        enterFastPath();
        return this;
    }

    /** Whether {@link #confine()} bound this socket to a thread. No system call. */
    public boolean isConfined() {
        return handle.isConfined();
    }

    // ---- options ---------------------------------------------------------------------------

    /**
     * {@code setsockopt(2)} for a {@link StandardSocketOptions} or {@link NativeOptions} option:
     * PHP's {@code socket_set_option}.
     *
     * @throws IllegalArgumentException for an option this library does not know, or a bad value
     * @throws UnsupportedOperationException for an option the platform lacks, or a read-only one
     */
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        OptionCalls.setOption(this, option, value);
    }

    /** {@code getsockopt(2)}: PHP's {@code socket_get_option}. */
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return OptionCalls.getOption(this, option);
    }

    /**
     * Whether {@link #setOption}/{@link #getOption} accept {@code option} on this platform: a
     * {@link NativeOptions} option the platform has, or a mapped {@link StandardSocketOptions} one.
     * No system call; the kernel may still refuse it for this socket's family or type.
     */
    public boolean supportsOption(SocketOption<?> option) {
        return OptionCalls.supports(family, option);
    }

    /** {@code getsockopt(fd, level, name, &int, 4)} for any integer option. */
    public int getIntOption(int level, int name) throws IOException {
        return OptionCalls.getIntOption(this, level, name);
    }

    /** {@code setsockopt(fd, level, name, &value, 4)} for any integer option. */
    public void setIntOption(int level, int name, int value) throws IOException {
        OptionCalls.setIntOption(this, level, name, value);
    }

    /**
     * {@code getsockopt(2)} into a caller's native segment, for any option.
     *
     * @return the length the kernel wrote
     */
    public int getOption(int level, int name, MemorySegment value) throws IOException {
        return OptionCalls.getOption(this, level, name, value);
    }

    /** {@code setsockopt(2)} from a caller's native segment (all of it), for any option. */
    public void setOption(int level, int name, MemorySegment value) throws IOException {
        OptionCalls.setOption(this, level, name, value);
    }

    /** How calls on this socket wait (see {@link SocketWait}). */
    SocketWait waits() {
        return waits;
    }

    @Override
    public String toString() {
        return "Socket[fd=" + handle.fd() + (handle.isClosed() ? ", closed" : "") + ", family=" + family + ", type=" + type + "]";
    }

    // ---- messages: readv/writev, sendmsg/recvmsg, mmsg ----

    /**
     * {@code readv(2)}: PHP's {@code socket_readv}. Fills the vector's buffers in order.
     *
     * @return bytes read, 0 at end of stream, or {@link #WOULD_BLOCK}
     */
    public long readv(IoVector vector) throws IOException {
        return VectorIo.readv(this, vector);
    }

    /**
     * {@code readv(2)} into native segments, in order; see {@link #readv(IoVector)}. The segments
     * follow the rule of <a href="#indirect">memory the kernel reaches through a structure</a>.
     */
    public long readv(MemorySegment... buffers) throws IOException {
        return VectorIo.readv(this, buffers);
    }

    /**
     * {@code readv(2)} into the buffers' remaining space, like
     * {@link java.nio.channels.ScatteringByteChannel}: positions advance. Heap buffers are staged
     * through per-thread native memory.
     */
    public long readv(ByteBuffer... buffers) throws IOException {
        return VectorIo.transferBuffers(this, buffers, true);
    }

    /**
     * {@code writev(2)}: PHP's {@code socket_writev}. Sends the vector's buffers in order as one
     * write; may send less than all. Issued as {@code sendmsg(2)} with {@code MSG_NOSIGNAL} on Linux
     * (the same bytes on the wire) so that a reset peer raises {@code EPIPE}, never {@code SIGPIPE}.
     *
     * @return bytes written, or {@link #WOULD_BLOCK}
     */
    public long writev(IoVector vector) throws IOException {
        return VectorIo.writev(this, vector);
    }

    /**
     * {@code writev(2)} from native segments, in order; see {@link #writev(IoVector)}. The segments
     * follow the rule of <a href="#indirect">memory the kernel reaches through a structure</a>.
     */
    public long writev(MemorySegment... buffers) throws IOException {
        return VectorIo.writev(this, buffers);
    }

    /**
     * {@code writev(2)} from the buffers' remaining bytes, like
     * {@link java.nio.channels.GatheringByteChannel}: positions advance by what was sent.
     */
    public long writev(ByteBuffer... buffers) throws IOException {
        return VectorIo.transferBuffers(this, buffers, false);
    }

    /**
     * {@code sendmsg(2)}: PHP's {@code socket_sendmsg}. Sends the message's data to its address
     * (if any) with its control messages; descriptors passed by {@link Socket}, {@link Fd} or
     * received rights are held open for the call. Everything is checked before the call; the
     * message's segments follow the rule of <a href="#indirect">memory the kernel reaches through
     * a structure</a>.
     *
     * @return bytes sent (also {@link Message#length()}), or {@link #WOULD_BLOCK}
     */
    public long sendMsg(Message message, int flags) throws IOException {
        return MsghdrCalls.sendMsg(this, message, flags);
    }

    /** {@code sendmsg(fd, msg, 0)}. */
    public long sendMsg(Message message) throws IOException {
        return MsghdrCalls.sendMsg(this, message, 0);
    }

    /**
     * {@code recvmsg(2)}: PHP's {@code socket_recvmsg}. Fills the message's buffers, sender
     * address, flags and control buffer. Received descriptors become owned {@link Fd}s at once
     * (close-on-exec: {@code MSG_CMSG_CLOEXEC} on Linux, {@code FD_CLOEXEC} right after on Darwin),
     * all of them even when the control buffer was too small ({@link Message#isControlTruncated()}).
     * The message's segments follow the rule of <a href="#indirect">memory the kernel reaches
     * through a structure</a>; control data is staged through library memory.
     *
     * @return bytes received (also {@link Message#length()}), 0 at end of stream, or {@link #WOULD_BLOCK}
     */
    public long recvMsg(Message message, int flags) throws IOException {
        return MsghdrCalls.recvMsg(this, message, flags);
    }

    /** {@code recvmsg(fd, msg, 0)}. */
    public long recvMsg(Message message) throws IOException {
        return MsghdrCalls.recvMsg(this, message, 0);
    }

    /**
     * {@code sendmmsg(2)} (Linux): sends several messages in one call, each with its own address,
     * data and control; {@link Message#length()} of each sent one is its byte count.
     *
     * @return how many messages were sent (from the first), or {@link #WOULD_BLOCK}
     * @throws UnsupportedOperationException on Darwin
     */
    public int sendMmsg(java.util.List<Message> messages, int flags) throws IOException {
        return MmsgCalls.sendMmsg(this, messages, flags);
    }

    /**
     * {@code recvmmsg(2)} (Linux): receives up to {@code messages.size()} datagrams in one call;
     * each filled message reports its length, sender, flags and control data. With
     * {@link MsgFlags#WAITFORONE} it returns once one has arrived and no more are queued. The
     * kernel checks {@code timeout} only after each datagram (see recvmmsg(2), BUGS); {@code null}
     * for none. Segments follow the rule of <a href="#indirect">memory the kernel reaches through
     * a structure</a>.
     *
     * @return how many messages were filled (from the first), or {@link #WOULD_BLOCK}
     * @throws UnsupportedOperationException on Darwin
     */
    public int recvMmsg(java.util.List<Message> messages, int flags, Duration timeout) throws IOException {
        return MmsgCalls.recvMmsg(this, messages, flags, timeout);
    }

    /**
     * {@code sendmmsg(2)} (Linux) of the first {@code count} messages of a prepared batch: each
     * message's first {@link MessageBatch#sendLength(int)} bytes, to its address if it has one,
     * with its control messages (descriptors held open for the call). The fast batch path: the
     * vector was laid out when the batch was allocated, so the call rewrites only the lengths and
     * allocates nothing. {@link MessageBatch#length(int)} of each sent message is its byte count.
     *
     * @return how many messages were sent (from the first), or {@link #WOULD_BLOCK}
     * @throws IllegalArgumentException for a {@code null} batch or {@code count} outside 1..{@code batch.size()}
     * @throws IllegalStateException if this socket or the batch's arena is closed
     * @throws UnsupportedOperationException on Darwin
     */
    public int sendMmsg(MessageBatch batch, int count, int flags) throws IOException {
        return MmsgCalls.sendMmsg(this, batch, 0, count, flags);
    }

    /**
     * {@code sendmmsg(2)} of messages {@code [from, from + count)} of a batch: how a caller sends the
     * rest after a partial send. See {@link #sendMmsg(MessageBatch, int, int)}.
     *
     * @return how many messages were sent (from {@code from}), or {@link #WOULD_BLOCK}
     */
    public int sendMmsg(MessageBatch batch, int from, int count, int flags) throws IOException {
        return MmsgCalls.sendMmsg(this, batch, from, count, flags);
    }

    /**
     * {@code recvmmsg(2)} (Linux) into the first {@code count} messages of a prepared batch. Each
     * filled message reports its {@link MessageBatch#length(int) length},
     * {@link MessageBatch#flags(int) flags}, {@link MessageBatch#address(int) sender} (unless
     * {@link MessageBatch#receiveAddresses(boolean) turned off}) and control data; received
     * descriptors are owned {@link Fd}s at once. With {@link MsgFlags#WAITFORONE} it returns once
     * one has arrived and no more are queued; the kernel checks {@code timeout} only after each
     * datagram ({@code null} for none). Allocates nothing unless control messages arrive.
     *
     * @return how many messages were filled (from the first), or {@link #WOULD_BLOCK}
     * @throws IllegalArgumentException for a {@code null} batch, {@code count} outside
     *     1..{@code batch.size()} or a negative timeout
     * @throws IllegalStateException if this socket or the batch's arena is closed
     * @throws UnsupportedOperationException on Darwin
     */
    public int recvMmsg(MessageBatch batch, int count, int flags, Duration timeout) throws IOException {
        return MmsgCalls.recvMmsg(this, batch, 0, count, flags, timeout);
    }

    /**
     * {@code recvmmsg(2)} into messages {@code [from, from + count)} of a batch: how a caller
     * fills the rest after a short receive. See {@link #recvMmsg(MessageBatch, int, int, Duration)}.
     *
     * @return how many messages were filled (from {@code from}), or {@link #WOULD_BLOCK}
     */
    public int recvMmsg(MessageBatch batch, int from, int count, int flags, Duration timeout) throws IOException {
        return MmsgCalls.recvMmsg(this, batch, from, count, flags, timeout);
    }

}
