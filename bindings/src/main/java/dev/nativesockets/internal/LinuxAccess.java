package dev.nativesockets.internal;

import dev.nativesockets.Fd;
import dev.nativesockets.Socket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * What {@code dev.nativesockets.linux} (netlink, packet sockets, zero-copy, the io_uring ring) needs of the core's
 * package-private internals, without making them API. The JDK's {@code SharedSecrets} pattern:
 * the core's {@code LinuxBridge} installs the only implementation as it initialises; this package
 * is not exported, so no application on the module path can reach it, and on the class path every
 * caller outside the Linux package is refused.
 */
public final class LinuxAccess {
    private LinuxAccess() {}

    /**
     * The core's side. Descriptor owners ({@code FdHandle}) are opaque here: a {@code handle} is
     * what {@link #handle} returned, and the core casts it back.
     */
    public interface Core {
        /** The core's exception for {@code operation} failing with {@code errno} (a JDK type where one fits). */
        IOException errnoException(String operation, int errno);

        /** The socket's descriptor owner. */
        Object handle(Socket socket);

        /** The descriptor owner of an {@link Fd}. */
        Object handle(Fd fd);

        boolean isClosed(Object handle);

        /** Confined handles do not count users, so they cannot be held across an asynchronous boundary. */
        boolean isConfined(Object handle);

        /** Writes {@code a} as a sockaddr into {@code dst} (128 bytes) and returns its length. */
        int encode(SocketAddress a, MemorySegment dst, int socketFamily);

        /** Counts a call in flight and returns the number; IllegalStateException if closed. */
        int acquire(Object handle);

        /** Ends an {@link #acquire}; the last user out after a close releases the number. */
        void release(Object handle);

        /** Holds the number open past a {@code close()} (a send the kernel still reads from); IllegalStateException if closed. */
        int hold(Object handle);

        /** Ends a {@link #hold}; the last user out after a close releases the number. */
        void unhold(Object handle);

        /** The number, valid only while the caller holds or has acquired it. */
        int fd(Object handle);

        /** Registers {@code w} to hear of the release; returns the core's registration, for {@link #unwatch}. */
        Object watch(Object handle, Watcher w);

        /** Removes a registration {@link #watch} returned; false if it is no longer there. */
        boolean unwatch(Object handle, Object registration);

        /** The watcher registered with this {@link Watcher#watchOwner owner}, or null. */
        Watcher watcher(Object handle, Object owner);

        /** The library's shared Cleaner (one thread for every owner). */
        Cleaner cleaner();

        /** The core's timeout rule: nanoseconds, -1 for none; IllegalArgumentException if negative. */
        long timeoutNanos(Duration timeout);

        /** The deadline for {@code nanos} ({@code -1}: none). */
        long deadline(long nanos);

        /** Nanoseconds left to {@code deadline}: 0 when past, -1 for none. */
        long left(long nanos, long deadline);

        /** {@code CMSG_LEN(0)}: where a control message's data starts. */
        int cmsgHeader();

        int cmsgLevel(MemorySegment control, long p);

        int cmsgType(MemorySegment control, long p);

        /** The data length of the control message at {@code p} within {@code len}, or -1 if it does not fit. */
        int cmsgDataLength(MemorySegment control, long len, long p);

        /** The next control message's offset, or -1. */
        long cmsgNext(MemorySegment control, long len, long p);
    }

    /** The core's {@code FdWatcher}, seen from here: told at {@code close()} while the number is still ours. */
    public interface Watcher {
        /** One watcher per owner on a handle. */
        Object watchOwner();

        /** The number is about to go; runs once on the closing thread, must not throw. */
        void descriptorReleasing(int fd);
    }

    private static final String BRIDGE = "dev.nativesockets.LinuxBridge";
    private static volatile Core core;

    /** Called once, by the core's bridge class as it initialises. */
    public static void install(Core c) {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        if (!caller.getName().equals(BRIDGE) || caller.getClassLoader() != LinuxAccess.class.getClassLoader()) {
            throw new IllegalCallerException("only the core installs its Linux access: " + caller.getName());
        }
        if (core != null) {
            throw new IllegalStateException("already installed");
        }
        core = c;
    }

    /** The core's side, for the Linux package only. */
    public static Core core() {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        if (!caller.getPackageName().equals("dev.nativesockets.linux") || caller.getClassLoader() != LinuxAccess.class.getClassLoader()) {
            throw new IllegalCallerException("dev.nativesockets.internal is the library's own: " + caller.getName());
        }
        Core c = core;
        if (c == null) {
            try { // initialising the bridge class installs it; it lives in the same module
                Class.forName(BRIDGE, true, LinuxAccess.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
            c = core;
        }
        return c;
    }
}
