package dev.nativesockets.internal;

import dev.nativesockets.Fd;
import dev.nativesockets.Socket;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;

/**
 * What the Linux package needs of the core's internals, without making them API: the descriptor
 * owner of a {@link Socket} or {@link Fd} (held by an asynchronous operation until its completion)
 * and the address encoder. The JDK's {@code SharedSecrets} pattern: the core installs the only
 * implementation; this package is not exported, so no application can reach it.
 */
public final class Descriptors {
    private Descriptors() {}

    /** The core's side; handles are opaque here ({@code FdHandle} stays package-private). */
    public interface Access {
        Object handle(Socket s);

        Object handle(Fd f);

        /** Counts a user in flight and returns the number; IllegalStateException if closed. */
        int acquire(Object handle);

        /** Ends an {@link #acquire}; the last user out after a close releases the number. */
        void release(Object handle);

        boolean isClosed(Object handle);

        /** Confined handles do not count users, so they cannot be held across an asynchronous boundary. */
        boolean isConfined(Object handle);

        /** Writes {@code a} as a sockaddr into {@code dst} (128 bytes) and returns its length. */
        int encode(SocketAddress a, MemorySegment dst, int socketFamily);
    }

    private static volatile Access access;

    /** Called once, by the core's bridge class as it initialises. */
    public static void install(Access a) {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        if (!caller.getName().equals("dev.nativesockets.DescriptorBridge")) {
            throw new IllegalCallerException("only the core installs its descriptor access: " + caller.getName());
        }
        if (access != null) {
            throw new IllegalStateException("already installed");
        }
        access = a;
    }

    /**
     * The core's side, for the Linux package only: on the class path, where a non-exported package
     * is not closed, any other caller is refused (it could release a descriptor it never acquired).
     */
    public static Access get() {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        if (!caller.getPackageName().equals("dev.nativesockets.linux") || caller.getClassLoader() != Descriptors.class.getClassLoader()) {
            throw new IllegalCallerException("dev.nativesockets.internal is the library's own: " + caller.getName());
        }
        Access a = access;
        if (a == null) {
            try { // initialising the bridge class installs it; it lives in the same module
                Class.forName("dev.nativesockets.DescriptorBridge", true, Descriptors.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
            a = access;
        }
        return a;
    }
}
