package dev.nativesockets;

import dev.nativesockets.internal.LinuxAccess;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.net.SocketAddress;
import java.time.Duration;

/** Gives {@code dev.nativesockets.linux} the core internals it needs, without exporting them (see {@link LinuxAccess}). */
final class LinuxBridge implements LinuxAccess.Core {
    static {
        LinuxAccess.install(new LinuxBridge());
    }

    private LinuxBridge() {}

    /** A Linux-package watcher in the handle's list of {@link FdWatcher}s (which stays package-private). */
    private static final class Forwarding extends FdWatcher {
        final LinuxAccess.Watcher watcher;

        Forwarding(LinuxAccess.Watcher watcher) {
            this.watcher = watcher;
        }

        @Override
        Object watchOwner() {
            return watcher.watchOwner();
        }

        @Override
        void descriptorReleasing(int fd) {
            watcher.descriptorReleasing(fd);
        }
    }

    @Override
    public IOException errnoException(String operation, int errno) {
        return Errno.exception(operation, errno);
    }

    @Override
    public Object handle(Socket socket) {
        return socket.handle();
    }

    @Override
    public Object handle(Fd fd) {
        return fd.handle();
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

    @Override
    public int acquire(Object handle) {
        return ((FdHandle) handle).acquire();
    }

    @Override
    public void release(Object handle) {
        ((FdHandle) handle).release();
    }

    @Override
    public int hold(Object handle) {
        return ((FdHandle) handle).hold();
    }

    @Override
    public void unhold(Object handle) {
        ((FdHandle) handle).unhold();
    }

    @Override
    public int fd(Object handle) {
        return ((FdHandle) handle).fd();
    }

    @Override
    public Object watch(Object handle, LinuxAccess.Watcher w) {
        Forwarding f = new Forwarding(w);
        ((FdHandle) handle).watch(f);
        return f;
    }

    @Override
    public boolean unwatch(Object handle, Object registration) {
        return ((FdHandle) handle).unwatch((FdWatcher) registration);
    }

    @Override
    public LinuxAccess.Watcher watcher(Object handle, Object owner) {
        return ((FdHandle) handle).watcher(owner) instanceof Forwarding f ? f.watcher : null;
    }

    @Override
    public Cleaner cleaner() {
        return Epoll.CLEANER;
    }

    @Override
    public long timeoutNanos(Duration timeout) {
        return WaitTimeout.nanos(timeout);
    }

    @Override
    public long deadline(long nanos) {
        return WaitTimeout.deadline(nanos);
    }

    @Override
    public long left(long nanos, long deadline) {
        return WaitTimeout.left(nanos, deadline);
    }

    @Override
    public int cmsgHeader() {
        return Cmsg.HDR;
    }

    @Override
    public int cmsgLevel(MemorySegment control, long p) {
        return Cmsg.level(control, p);
    }

    @Override
    public int cmsgType(MemorySegment control, long p) {
        return Cmsg.type(control, p);
    }

    @Override
    public int cmsgDataLength(MemorySegment control, long len, long p) {
        return Cmsg.dataLength(control, len, p);
    }

    @Override
    public long cmsgNext(MemorySegment control, long len, long p) {
        return Cmsg.next(control, len, p);
    }
}
