package dev.nativesockets;

import java.net.SocketException;

/**
 * A call that was under way when another thread closed the socket. The call was woken
 * ({@code shutdown(2)} on the descriptor) and the descriptor released only after it returned, so
 * it never touched a reused descriptor number.
 *
 * <p>A call <em>started</em> on a socket that is already closed raises
 * {@link IllegalStateException} instead, before any native call.
 */
public final class SocketClosedException extends SocketException {
    SocketClosedException(String operation) {
        super(operation + ": socket closed by another thread");
    }

    /** For a virtual thread interrupted while parked in a call: the interrupt closed the socket. */
    SocketClosedException(String operation, boolean byInterrupt) {
        super(operation + (byInterrupt ? ": socket closed by interrupt" : ": socket closed by another thread"));
    }
}
