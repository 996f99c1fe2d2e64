package dev.nativesockets.linux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.Socket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Shared pieces of the ring tests: a completion recorder and loopback plumbing. */
final class UringTestSupport {
    private UringTestSupport() {}

    static final InetSocketAddress ANY4 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** Skips (printing why) where io_uring cannot be set up; the only reason a ring test skips. */
    static void assumeRing() {
        try {
            Uring.requireSupported();
        } catch (UringUnavailableException e) {
            System.out.println("SKIP io_uring test: " + e.getMessage());
            Assumptions.abort("io_uring unavailable: " + e.getMessage());
        }
    }

    record Done(long tag, UringOp op, int result, boolean more, boolean notification, byte[] data, Socket accepted) {}

    /** Records every completion (tests may allocate; the ring does not). */
    static class Recorder implements UringHandler {
        final List<Done> all = new ArrayList<>();
        boolean takeAccepted = true;

        @Override
        public void onCompletion(UringCompletion c) {
            Socket accepted = null;
            if (takeAccepted && c.acceptedDescriptor() >= 0) {
                try {
                    accepted = c.takeAccepted();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
            byte[] data = c.bufferId() >= 0 ? c.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE) : null;
            all.add(new Done(c.tag(), c.op(), c.result(), c.more(), c.notification(), data, accepted));
        }

        List<Done> tagged(long tag) {
            return all.stream().filter(d -> d.tag == tag).toList();
        }

        /** Reaps until {@code n} completions with {@code tag} arrived (fails after 10 s). */
        List<Done> until(Uring ring, long tag, int n) throws IOException {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (tagged(tag).size() < n) {
                assertTrue(System.nanoTime() < deadline, "timed out waiting for " + n + " completions of tag " + tag
                        + "; have " + all);
                ring.await(1, Duration.ofMillis(100), this);
            }
            return tagged(tag);
        }

        Done one(Uring ring, long tag) throws IOException {
            return until(ring, tag, 1).get(0);
        }
    }

    static Socket[] connectedPair(Socket listener) throws IOException {
        Socket client = Socket.open(dev.nativesockets.Domain.INET, dev.nativesockets.Type.STREAM);
        client.connect(listener.localAddress());
        Socket server = listener.accept();
        return new Socket[] {client, server};
    }

    /** Whether descriptor {@code n} is open in this process. */
    static boolean isOpen(int n) {
        return Files.exists(Path.of("/proc/self/fd/" + n), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** The io_uring descriptors of this process. */
    static long ringDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().contains("io_uring");
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }

    /** The io_uring mappings of this process (rings and SQE arrays) in /proc/self/maps. */
    static long ringMappings() throws IOException {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.contains("io_uring")).count();
        }
    }
}
