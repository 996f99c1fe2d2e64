package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Skips, with the reason printed, where the machine lacks a privilege, a family or a kernel feature. */
final class Privilege {
    private Privilege() {}

    static void require(boolean condition, String reason) {
        if (!condition) {
            System.out.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
    }

    static void requireLinux(String what) {
        require(Platform.current().isLinux(), what + " is Linux-only");
    }

    /**
     * Skips when {@code e} is the kernel's way of saying it lacks {@code what} (its errno is one of
     * {@code lacking}, e.g. {@code ENOPROTOOPT} for an option the kernel does not know); anything
     * else is a failure of the code under test and is thrown as it is.
     */
    /**
     * Skips, with {@code reason}, when {@code e} carries one of the errno names given (what the
     * missing privilege, family or feature makes the kernel say); any other failure is thrown as it
     * is, so a regression is not read as the machine's limit.
     */
    static void skipOnlyFor(IOException e, String reason, String... errnoNames) throws IOException {
        if (e instanceof ErrnoException ee && java.util.Arrays.asList(errnoNames).contains(ee.errnoName())) {
            require(false, reason + ": " + e.getMessage());
        }
        throw e;
    }

    static void requireKernelFeature(IOException e, String what, int... lacking) throws IOException {
        if (e instanceof ErrnoException ee) {
            for (int errno : lacking) {
                if (ee.errno() == errno) {
                    require(false, "this kernel lacks " + what + ": " + e.getMessage());
                }
            }
        }
        throw e;
    }

    /**
     * {@code ZeroCopy.enable(s)}, skipping only where the kernel lacks {@code SO_ZEROCOPY} (not Linux,
     * or before 4.14: {@code ENOPROTOOPT}); any other failure is thrown.
     */
    static dev.nativesockets.linux.ZeroCopy enableZeroCopy(Socket s) throws IOException {
        requireLinux("MSG_ZEROCOPY");
        try {
            return dev.nativesockets.linux.ZeroCopy.enable(s);
        } catch (IOException e) {
            requireKernelFeature(e, "SO_ZEROCOPY (Linux 4.14+)", Constants.ENOPROTOOPT);
            throw e;
        }
    }

    /**
     * {@code socket(AF_VSOCK, SOCK_STREAM)}, skipping only where the kernel has no vsock (its answer
     * {@code EAFNOSUPPORT}, {@code ENODEV} or {@code EPROTONOSUPPORT}); any other failure is thrown.
     */
    static Socket openVsock() throws IOException {
        requireLinux("vsock");
        try {
            return Socket.open(Domain.VSOCK, Type.STREAM, 0);
        } catch (IOException e) {
            skipOnlyFor(e, "no AF_VSOCK support in this kernel", "EAFNOSUPPORT", "ENODEV", "EPROTONOSUPPORT");
            throw e; // not reached: skipOnlyFor skips or throws
        }
    }

    /** Skips unless this process may open raw/packet sockets (CAP_NET_RAW). */
    static void requireNetRaw(String what) throws IOException {
        requireLinux(what);
        try (Socket s = Socket.open(Constants.AF_PACKET, Constants.SOCK_RAW, 0)) {
            // opened: CAP_NET_RAW is there
        } catch (IOException e) {
            int errno = ((ErrnoException) e).errno();
            require(errno != Constants.EPERM && errno != Constants.EACCES,
                    what + " needs CAP_NET_RAW: " + e.getMessage());
            throw e;
        }
    }

    /** The {@code net.ipv4.ping_group_range} bounds, or null where it cannot be read. */
    static long[] pingGroupRange() {
        // not Files.readString: a /proc file reports size 0 and the JDK's one read then stops after a byte
        try (var in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ping_group_range"))) {
            String[] parts = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim().split("\\s+");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
