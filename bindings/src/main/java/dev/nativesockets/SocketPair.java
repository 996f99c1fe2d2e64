package dev.nativesockets;

/**
 * Two connected sockets from {@code socketpair(2)} (PHP's {@code socket_create_pair}); closing the
 * pair closes both ({@code close(2)}).
 *
 * @param first  one end
 * @param second the other end
 */
public record SocketPair(Socket first, Socket second) implements AutoCloseable {
    @Override
    public void close() {
        try {
            first.close();
        } finally {
            second.close(); // even when the first is confined to another thread and refuses
        }
    }
}
