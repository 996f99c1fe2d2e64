package dev.nativesockets.demo.server;

import dev.nativesockets.demo.ProcessDescriptors;
import dev.nativesockets.demo.DemoProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.Domain;
import dev.nativesockets.How;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Soak of the demo echo server ({@code server-demo.jar echo}, its default loop: epoll or kqueue; one thread) as a process:
 * 200 concurrent clients made of the library (blocking sockets, a thread each) send messages of
 * random sizes, read them back, compare, and reconnect every so often, for {@code -Dsoak.seconds}
 * (20 by default). Passes only with no client error, no error line from the server, the server
 * alive, and the server's open descriptors (Linux: /proc/PID/fd) opened for clients all closed again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SoakTest {
    static final int CLIENTS = Integer.getInteger("soak.clients", 200);
    static final int SECONDS = Integer.getInteger("soak.seconds", 20);



    @Test
    void twoHundredClientsAgainstTheEchoDemo() throws Exception {
        boolean proc = Files.isDirectory(Path.of("/proc/self/fd"));
        try (DemoProcess server = DemoProcess.server("echo", "--port", "0")) {
            int port = server.awaitListening(Duration.ofSeconds(30));
            long pid = server.process.pid();
            Map<Integer, String> baseline = proc ? ProcessDescriptors.table(pid) : Map.of();
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            List<Throwable> errors = new ArrayList<>();
            AtomicLong exchanges = new AtomicLong();
            AtomicLong connections = new AtomicLong();
            long end = System.nanoTime() + SECONDS * 1_000_000_000L;
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < CLIENTS; k++) {
                long seed = k;
                threads.add(Thread.ofPlatform().name("soak-client-" + k).start(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    long mine = 0;
                    try {
                        while (System.nanoTime() < end) {
                            try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                                c.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(30));
                                c.connect(address, Duration.ofSeconds(30));
                                connections.incrementAndGet();
                                int messages = 1 + random.nextInt(100);
                                for (int m = 0; m < messages && System.nanoTime() < end; m++) {
                                    byte[] out = new byte[1 + random.nextInt(16 * 1024)];
                                    random.nextBytes(out);
                                    c.sendAll(out);
                                    byte[] back = new byte[out.length];
                                    for (int got = 0; got < back.length; ) {
                                        int n = c.recv(back, got, back.length - got, 0);
                                        if (n == 0) {
                                            throw new IOException("server closed after " + got + " of " + back.length + " bytes");
                                        }
                                        got += n;
                                    }
                                    if (!Arrays.equals(out, back)) {
                                        throw new AssertionError("echo differs from what was sent");
                                    }
                                    mine++;
                                    exchanges.incrementAndGet();
                                }
                                if (random.nextInt(4) == 0) {
                                    c.shutdown(How.WRITE);
                                    assertEquals(0, c.recv(new byte[1]), "end of stream after a half-close");
                                }
                            }
                        }
                        if (mine == 0) {
                            throw new AssertionError("made no exchange");
                        }
                    } catch (Throwable t) {
                        synchronized (errors) {
                            errors.add(new AssertionError(Thread.currentThread().getName() + " failed", t));
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            System.out.printf("soak (server-demo echo): %d clients, %d s, %d exchanges, %d connections%n",
                    CLIENTS, SECONDS, exchanges.get(), connections.get());
            if (!errors.isEmpty()) {
                AssertionError e = new AssertionError(errors.size() + " client errors; first: " + errors.get(0));
                errors.stream().limit(5).forEach(e::addSuppressed);
                throw e;
            }
            assertTrue(server.isAlive(), "the server died\n" + server);
            // every connection the server saw has ended (the last disconnects may still be on their way)
            server.awaitStdout("disconnect ", (int) connections.get(), Duration.ofSeconds(30));
            String out = server.stdout();
            assertEquals(connections.get(), DemoProcess.count(out, "connect    "), "connections the server accepted");
            assertEquals(connections.get(), DemoProcess.count(out, "end of stream from peer, all "),
                    "connections that ended cleanly (the others ended in an error)");
            assertTrue(!out.contains("accept failed") && !out.contains("rejected"), "server-side failures:\n"
                    + out.lines().filter(l -> l.contains("failed") || l.contains("rejected")).limit(20).toList());
            assertEquals(1, server.stderr().lines().count(), "nothing on stderr but the listening line:\n" + server.stderr());
            if (proc) {
                Map<Integer, String> left = ProcessDescriptors.createdSince(pid, baseline);
                for (int i = 0; i < 100 && !left.isEmpty(); i++) {
                    Thread.sleep(50);
                    left = ProcessDescriptors.createdSince(pid, baseline);
                }
                assertEquals(Map.of(), left, "descriptors the server opened and kept open after every client left");
            }
        }
    }
}
