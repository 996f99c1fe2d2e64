package dev.nativesockets;

import dev.nativesockets.internal.Descriptors;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;

/** Gives {@code dev.nativesockets.linux} the descriptor owners it must hold, without exporting them (see {@link Descriptors}). */
final class DescriptorBridge implements Descriptors.Access {
    static {
        Descriptors.install(new DescriptorBridge());
    }

    private DescriptorBridge() {}

    @Override
    public Object handle(Socket s) {
        return s.handle();
    }

    @Override
    public Object handle(Fd f) {
        return f.handle();
    }

    @Override
    public int acquire(Object handle) {
        return ((FdHandle) handle).acquire();
    }

    @Override
    public void release(Object handle) {
        ((FdHandle) handle).release();
    }

    @Override
    public boolean isClosed(Object handle) {
        return ((FdHandle) handle).isClosed();
    }

    @Override
    public boolean isConfined(Object handle) {
        return ((FdHandle) handle).isConfined();
    }

    @Override
    public int encode(SocketAddress a, MemorySegment dst, int socketFamily) {
        return Addresses.encode(a, dst, socketFamily);
    }
}
