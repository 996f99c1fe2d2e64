package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.nativesockets.libc.Constants;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A call woken by another thread's close() fails like every other NativeSockets call: with an ErrnoException. */
class SocketClosedExceptionTest {
    @Test
    void aCallWokenByCloseReportsEbadfAsAnErrnoException() throws Exception {
        Socket server = Socket.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        try (ReliabilityTestSupport.Blocker b = new ReliabilityTestSupport.Blocker("closed-errno")) {
            var call = b.start(server::accept);
            b.awaitIn(ReliabilityTestSupport.Blocked.ACCEPT, server.fd(), call);
            server.close();
            Throwable thrown = call.get(5, TimeUnit.SECONDS).thrown();
            SocketClosedException closed = assertInstanceOf(SocketClosedException.class, thrown);
            ErrnoException e = assertInstanceOf(ErrnoException.class, closed);
            assertEquals(Constants.EBADF, e.errno());
            assertEquals("EBADF", e.errnoName());
            assertEquals(Errno.strerror(Constants.EBADF), e.strerror());
            assertFalse(e.operation().isEmpty());
            assertEquals(e.operation() + ": socket closed by another thread", closed.getMessage());
        } finally {
            server.close();
        }
    }
}
