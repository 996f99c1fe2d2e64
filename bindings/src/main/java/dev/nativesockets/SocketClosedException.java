package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import java.net.SocketException;

/**
 * A call that was under way when another thread closed the socket. The call was woken
 * ({@code shutdown(2)} on the descriptor) and the descriptor released only after it returned, so
 * it never touched a reused descriptor number.
 *
 * <p>As an {@link ErrnoException} it reports {@code EBADF}, what C reports for a call on a
 * descriptor that is no longer open: the library never lets the call get that far, but the socket
 * it was made on is closed all the same. The message stays {@code "<operation>: socket closed by
 * another thread"} (or {@code "by interrupt"} for a virtual thread whose interrupt closed it).
 *
 * <p>A call <em>started</em> on a socket that is already closed raises
 * {@link IllegalStateException} instead, before any native call.
 */
public final class SocketClosedException extends SocketException implements ErrnoException {
    private final String operation;
    private ErrnoDetails details; // made on first use: strerror is a native call, and most callers never ask

    SocketClosedException(String operation) {
        super(operation + ": socket closed by another thread");
        this.operation = operation;
    }

    /** For a virtual thread interrupted while parked in a call: the interrupt closed the socket. */
    SocketClosedException(String operation, boolean byInterrupt) {
        super(operation + (byInterrupt ? ": socket closed by interrupt" : ": socket closed by another thread"));
        this.operation = operation;
    }

    @Override
    public ErrnoDetails details() {
        ErrnoDetails d = details;
        if (d == null) {
            d = ErrnoDetails.of(operation, Constants.EBADF);
            details = d;
        }
        return d;
    }
}
