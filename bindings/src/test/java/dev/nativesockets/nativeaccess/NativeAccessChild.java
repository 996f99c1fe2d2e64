package dev.nativesockets.nativeaccess;

import dev.nativesockets.AddressInfo;
import dev.nativesockets.Domain;
import dev.nativesockets.Errno;
import dev.nativesockets.Readiness;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The child process of {@link dev.nativesockets.NativeAccessTest}: calls the library's entry points
 * as a user's program would and prints one line per call, {@code name: ok} or
 * {@code name: <exception class>: <message>}. It lives outside the library's packages so that it
 * can run against the library on the module path (a class-path class in a package of a named
 * module would be hidden by the module).
 */
public final class NativeAccessChild {
    private NativeAccessChild() {}

    interface Call {
        void run() throws Throwable;
    }

    public static void main(String[] args) {
        System.out.println("library module: " + Socket.class.getModule());
        call("open", () -> Socket.open(Domain.INET, Type.STREAM).close());
        call("open again", () -> Socket.open(Domain.INET, Type.STREAM).close());
        call("pair", () -> Socket.pair(Domain.UNIX, Type.STREAM).close());
        call("listen", () -> Socket.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1).close());
        call("lookup", () -> AddressInfo.lookup("127.0.0.1", "80"));
        call("strerror", () -> Errno.strerror(1));
        call("readiness", () -> Readiness.open().close());
        call("lookup on a virtual thread", () -> {
            Throwable[] thrown = new Throwable[1];
            Thread.ofVirtual().start(() -> {
                try {
                    AddressInfo.lookup("127.0.0.1", "80");
                } catch (Throwable t) {
                    thrown[0] = t;
                }
            }).join();
            if (thrown[0] != null) {
                throw thrown[0];
            }
        });
    }

    private static void call(String name, Call c) {
        try {
            c.run();
            System.out.println(name + ": ok");
        } catch (Throwable t) {
            System.out.println(name + ": " + t.getClass().getName() + ": " + String.valueOf(t.getMessage()).replace('\n', ' '));
        }
    }
}
