package dev.nativesockets;

import static dev.nativesockets.Net.ANY4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Platform;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Errno names, numbers and messages; lastError / clearError per socket and per thread; exception types. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ErrorTest {
    @ParameterizedTest
    @ValueSource(strings = {"EPERM", "EINTR", "EBADF", "EAGAIN", "EINVAL", "EPIPE", "ENOTSOCK", "EMSGSIZE",
            "ENOPROTOOPT", "EOPNOTSUPP", "EADDRINUSE", "EADDRNOTAVAIL", "ECONNRESET", "ENOTCONN", "ETIMEDOUT",
            "ECONNREFUSED", "EHOSTUNREACH", "EINPROGRESS"})
    void namesAndNumbersRoundTrip(String name) {
        int n = Errno.number(name);
        assertTrue(n > 0, name + " is defined");
        assertEquals(name, Errno.name(n));
        String text = Errno.strerror(n);
        assertFalse(text.isBlank());
        assertFalse(text.startsWith("Unknown error"), name + ": " + text);
    }

    @Test
    void strerrorMatchesTheCLibrary() {
        assertEquals("Connection refused", Errno.strerror(Constants.ECONNREFUSED));
        assertEquals("Broken pipe", Errno.strerror(Constants.EPIPE));
        assertEquals("Address already in use", Errno.strerror(Constants.EADDRINUSE));
        assertTrue(Errno.strerror(99999).contains("99999"), Errno.strerror(99999));
    }

    @Test
    void unknownNamesAndNumbers() {
        assertEquals("E99999", Errno.name(99999));
        assertEquals(-1, Errno.number("ENOSUCHTHING"));
        if (Platform.current().isLinux()) {
            assertEquals(Errno.number("EAGAIN"), Errno.number("EWOULDBLOCK"));
            assertEquals("EAGAIN", Errno.name(Errno.number("EWOULDBLOCK")), "the primary name wins");
        }
    }

    @Test
    void exceptionsCarryOperationErrnoNameAndText() throws IOException {
        try (Socket a = Socket.open(Domain.INET, Type.DGRAM); Socket b = Socket.open(Domain.INET, Type.DGRAM)) {
            a.bind(ANY4);
            IOException e = assertThrows(IOException.class, () -> b.bind(a.localAddress()));
            BindException be = assertInstanceOf(BindException.class, e);
            ErrnoException ee = assertInstanceOf(ErrnoException.class, e);
            assertEquals("bind", ee.operation());
            assertEquals(Constants.EADDRINUSE, ee.errno());
            assertEquals("EADDRINUSE", ee.errnoName());
            assertEquals("Address already in use", ee.strerror());
            assertEquals("bind: EADDRINUSE (" + Constants.EADDRINUSE + "): Address already in use", be.getMessage());
        }
    }

    @Test
    void plainFailuresAreSocketExceptionsWithErrno() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            IOException e = assertThrows(IOException.class, () -> s.getIntOption(Constants.SOL_SOCKET, 0x7ffe));
            assertInstanceOf(SocketException.class, e);
            ErrnoException ee = (ErrnoException) e;
            assertEquals("ENOPROTOOPT", ee.errnoName());
            assertTrue(ee.operation().startsWith("getsockopt("), ee.operation());
        }
    }

    @Test
    void einvalFromTheKernelIsReported() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            // SO_LINGER wants a struct linger; 4 bytes is too short
            IOException e = assertThrows(IOException.class, () -> s.setIntOption(Constants.SOL_SOCKET, Constants.SO_LINGER, 1));
            assertEquals("EINVAL", ((ErrnoException) e).errnoName());
            assertEquals(Constants.EINVAL, s.lastError());
        }
    }

    @Test
    void lastErrorIsPerSocketAndClearErrorForgetsIt() throws IOException {
        try (Socket failing = Socket.open(Domain.INET, Type.STREAM); Socket other = Socket.open(Domain.INET, Type.STREAM)) {
            assertEquals(0, failing.lastError());
            assertThrows(IOException.class, () -> failing.recv(new byte[1]));
            assertEquals(Constants.ENOTCONN, failing.lastError());
            assertEquals(0, other.lastError());
            // a later success does not reset it (PHP semantics)
            failing.bind(ANY4);
            assertEquals(Constants.ENOTCONN, failing.lastError());
            failing.clearError();
            assertEquals(0, failing.lastError());
        }
    }

    @Test
    void threadLastErrorFollowsTheLastFailureOnAnySocket() throws Exception {
        Errno.clearError();
        assertEquals(0, Errno.lastError());
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            assertThrows(IOException.class, s::peerAddress);
            assertEquals(Constants.ENOTCONN, Errno.lastError());
            // per thread: another thread has its own
            CompletableFuture<Integer> elsewhere = Net.async("other", Errno::lastError);
            assertEquals(0, elsewhere.get());
            Errno.clearError();
            assertEquals(0, Errno.lastError());
            assertEquals(Constants.ENOTCONN, s.lastError(), "clearing the thread's error leaves the socket's");
        }
    }

    @Test
    void wouldBlockIsAResultButStillRecordedAsInPhp() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Errno.clearError();
            p.first().setBlocking(false);
            assertEquals(Socket.WOULD_BLOCK, p.first().recv(new byte[4]));
            assertEquals(Constants.EAGAIN, p.first().lastError());
            assertEquals(Constants.EAGAIN, Errno.lastError());
            assertEquals(0, p.second().lastError());
        }
    }

    @Test
    void illegalArgumentsNeverReachTheKernelOrTheErrorState() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            Errno.clearError();
            assertThrows(IllegalArgumentException.class, () -> s.bind(null));
            assertThrows(IllegalArgumentException.class, () -> s.connect(new InetSocketAddress("localhost", 1), null));
            assertThrows(IllegalArgumentException.class, () -> s.recv((java.lang.foreign.MemorySegment) null));
            assertEquals(0, s.lastError());
            assertEquals(0, Errno.lastError());
        }
    }
}
