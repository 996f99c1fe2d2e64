package dev.nativesockets;

import static dev.nativesockets.ReliabilityTestSupport.assertAllClosedSince;
import static dev.nativesockets.ReliabilityTestSupport.closedSince;
import static dev.nativesockets.ReliabilityTestSupport.createdSince;
import static dev.nativesockets.ReliabilityTestSupport.descriptorTable;
import static dev.nativesockets.ReliabilityTestSupport.numbersCreatedSince;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Platform;
import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SCM_RIGHTS: received descriptors are owned, close-on-exec, never leaked — not even when the
 * control buffer is too small — and cross into another process. Also adopt/detach (PHP's
 * socket_import_stream/socket_export_stream).
 */
class FdPassingTest {
    private static java.util.Set<Integer> numbers(java.util.List<Fd> fds) {
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        fds.forEach(f -> out.add(f.value()));
        return out;
    }

    private static final MemorySegment CS = CallState.allocate(Arena.global());

    private static boolean isOpen(int fd) {
        return LibC.fcntl(CS, fd, Constants.F_GETFD, 0) >= 0;
    }

    private static boolean isCloseOnExec(int fd) {
        return (LibC.fcntl(CS, fd, Constants.F_GETFD, 0) & Constants.FD_CLOEXEC) != 0;
    }

    /** pipe(2): [read end, write end]. */
    private static int[] pipe() {
        MemorySegment fds = Arena.ofAuto().allocate(ValueLayout.JAVA_INT, 2);
        assertEquals(0, LibC.pipe(CS, fds));
        return new int[] {fds.get(ValueLayout.JAVA_INT, 0), fds.get(ValueLayout.JAVA_INT, 4)};
    }

    private static Message withData(Arena arena, String text) {
        byte[] b = text.getBytes(US_ASCII);
        MemorySegment seg = arena.allocate(b.length);
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
        return Message.of(seg);
    }

    @Test
    void aSocketPassedBetweenThreadsIsOwnedAndCloseOnExec() throws Exception {
        try (SocketPair channel = Socket.pair(Domain.UNIX, Type.STREAM);
             SocketPair passed = Socket.pair(Domain.UNIX, Type.STREAM);
             Arena arena = Arena.ofConfined()) {
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    channel.first().sendMsg(withData(Arena.ofAuto(), "fd!")
                            .control(ControlMessage.rights(passed.second())));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Message in = Message.allocate(8, ControlMessage.cmsgSpace(Constants.SOL_SOCKET, Constants.SCM_RIGHTS, 1));
            assertEquals(3, channel.second().recvMsg(in));
            sender.join();
            assertEquals("fd!", new String(in.toByteArray(), US_ASCII));
            ControlMessage.Rights rights = in.received(ControlMessage.Rights.class);
            assertEquals(1, rights.count());
            Fd fd = rights.descriptors().get(0);
            assertTrue(isCloseOnExec(fd.value()), "received descriptor lacks FD_CLOEXEC");
            assertTrue(fd.value() != passed.second().fd(), "a new number in this process");
            try (Socket s = fd.toSocket()) {
                assertTrue(fd.isClosed(), "ownership moved to the socket");
                assertEquals(Domain.UNIX, s.domain());
                s.send("through the copy".getBytes(US_ASCII));
                assertEquals("through the copy", new String(passed.first().read(64), US_ASCII));
            }
            rights.close(); // nothing left to close: idempotent
        }
    }

    /**
     * Closing a socket while another thread's send carries it must not shut it down — that would
     * break the connection being handed over — and must release the number once the send is over.
     */
    @Test
    void closingASocketWhileASendCarriesItKeepsTheConnectionAlive() throws Exception {
        try (SocketPair channel = Socket.pair(Domain.UNIX, Type.STREAM);
             SocketPair passed = Socket.pair(Domain.UNIX, Type.STREAM)) {
            // fill the channel so the carrying send blocks in sendmsg(2)
            Socket tx = channel.first();
            long queued = Net.fillSendBuffer(tx);
            Socket carried = passed.second();
            int number = carried.fd();
            Net.Blocked sender = Net.Blocked.start("sender", () ->
                    tx.sendMsg(withData(Arena.ofAuto(), "fd!").control(ControlMessage.rights(carried))));
            Net.awaitNative(sender, "sendmsg");

            carried.close();
            assertTrue(carried.isClosed());
            assertTrue(isOpen(number), "the number stays ours while the send holds it");
            byte[] probe = new byte[1];
            assertEquals(Socket.WOULD_BLOCK, passed.first().recv(probe, 0, 1, MsgFlags.DONTWAIT),
                    "the connection was not shut down (no end of stream at the peer)");

            byte[] sink = new byte[8192];
            for (long left = queued; left > 0; ) {
                left -= channel.second().recv(sink, 0, (int) Math.min(sink.length, left), 0);
            }
            sender.join(10_000);
            assertEquals(3L, sender.result, () -> "send failed: " + sender.error);
            assertFalse(isOpen(number), "released when the send was over");

            Message in = Message.allocate(8, ControlMessage.cmsgSpace(Constants.SOL_SOCKET, Constants.SCM_RIGHTS, 1));
            assertEquals(3, channel.second().recvMsg(in));
            try (Socket copy = in.receivedDescriptors().get(0).toSocket()) {
                copy.send("still connected".getBytes(US_ASCII));
                assertEquals("still connected", new String(passed.first().read(64), US_ASCII));
            }
        }
    }

    @Test
    void aPipeAndASocketInOneMessageAndNonSocketsStayFds() throws Exception {
        int[] pipe = pipe();
        try (SocketPair channel = Socket.pair(Domain.UNIX, Type.DGRAM);
             SocketPair other = Socket.pair(Domain.UNIX, Type.DGRAM);
             Arena arena = Arena.ofConfined();
             Fd writeEnd = Fd.adopt(pipe[1])) {
            // two SCM_RIGHTS entries in one message (Linux merges them); Darwin takes one entry
            Message out = Platform.current().isLinux()
                    ? withData(arena, "two").control(ControlMessage.rights(writeEnd), ControlMessage.rights(other.first()))
                    : withData(arena, "two").control(ControlMessage.rights(writeEnd.value(), other.first().fd()));
            channel.first().sendMsg(out);
            Message in = Message.allocate(8, 2 * ControlMessage.space(4));
            channel.second().recvMsg(in);
            List<Fd> fds = in.receivedDescriptors();
            assertEquals(2, fds.size(), in.received().toString());
            Fd pipeCopy = fds.get(0);
            IOException notSocket = assertThrows(IOException.class, pipeCopy::toSocket);
            assertEquals("ENOTSOCK", ((ErrnoException) notSocket).errnoName());
            assertFalse(pipeCopy.isClosed(), "a failed toSocket leaves the Fd its owner");
            MemorySegment b = arena.allocate(3);
            b.copyFrom(MemorySegment.ofArray("abc".getBytes(US_ASCII)));
            assertEquals(3, LibC.write(CS, pipeCopy.value(), b, 3));
            MemorySegment r = arena.allocate(3);
            assertEquals(3, LibC.read(CS, pipe[0], r, 3));
            assertEquals("abc", new String(r.toArray(ValueLayout.JAVA_BYTE), US_ASCII));
            var before = descriptorTable();
            int copyNumber = pipeCopy.value();
            int socketNumber = fds.get(1).value();
            pipeCopy.close();
            fds.get(1).close();
            assertTrue(closedSince(before, copyNumber), "the received pipe end is closed");
            assertTrue(closedSince(before, socketNumber), "the received socket is closed");
        } finally {
            LibC.close(CS, pipe[0]);
        }
    }

    @Test
    void aTruncatedControlBufferLeaksNothing() throws Exception {
        try (SocketPair channel = Socket.pair(Domain.UNIX, Type.DGRAM);
             SocketPair a = Socket.pair(Domain.UNIX, Type.STREAM);
             Arena arena = Arena.ofConfined()) {
            var baseline = descriptorTable();
            ControlMessage three = ControlMessage.rights(a.first(), a.second(), channel.first());

            // room sized for one of three: what fits arrives and is owned — on Linux that is two, since
            // CMSG_SPACE(4) pads to 24 bytes and the kernel fills the padding too — the rest is dropped
            channel.first().sendMsg(withData(arena, "x").control(three));
            int room = ControlMessage.space(4);
            int fit = Math.min(3, (room - ControlMessage.length(0)) / 4);
            Message in = Message.allocate(4, room);
            assertEquals(1, channel.second().recvMsg(in));
            assertTrue(in.isControlTruncated());
            assertEquals(fit, in.receivedDescriptors().size());
            assertEquals(numbers(in.receivedDescriptors()), numbersCreatedSince(baseline), "installed: what arrived, nothing more");
            in.receivedDescriptors().forEach(Fd::close);
            assertEquals(java.util.Set.of(), numbersCreatedSince(baseline));

            // room for a header only, and no control buffer at all: nothing is installed
            for (int small : new int[] {ControlMessage.length(0), 0}) {
                channel.first().sendMsg(withData(arena, "y").control(three));
                Message tiny = Message.allocate(4, small);
                assertEquals(1, channel.second().recvMsg(tiny));
                assertTrue(tiny.isControlTruncated());
                assertTrue(tiny.receivedDescriptors().isEmpty());
                assertEquals(java.util.Set.of(), numbersCreatedSince(baseline), "nothing installed");
            }

            // room for two of three, the buffer reused
            channel.first().sendMsg(withData(arena, "z").control(three));
            Message two = Message.allocate(4, ControlMessage.space(8));
            channel.second().recvMsg(two);
            assertTrue(two.isControlTruncated());
            assertEquals(2, two.receivedDescriptors().size());
            two.received(ControlMessage.Rights.class).close();
            assertEquals(java.util.Set.of(), numbersCreatedSince(baseline));
        }
    }

    @Test
    void unclaimedDescriptorsAreClosedWhenUnreachable() throws Exception {
        try (SocketPair channel = Socket.pair(Domain.UNIX, Type.DGRAM);
             SocketPair a = Socket.pair(Domain.UNIX, Type.STREAM);
             Arena arena = Arena.ofConfined()) {
            var baseline = descriptorTable();
            channel.first().sendMsg(withData(arena, "x").control(ControlMessage.rights(a.first(), a.second())));
            Message in = Message.allocate(4, 64);
            channel.second().recvMsg(in);
            assertEquals(2, numbersCreatedSince(baseline).size(), () -> "two installed: " + createdSince(baseline));
            in = null; // never looked at: the Fds become unreachable
            assertAllClosedSince(baseline, "received descriptors nobody claimed");
        }
    }

    @Test
    void aDescriptorCrossesIntoAnotherProcess() throws Exception {
        Path dir = Files.createTempDirectory("ns-fd");
        Path path = dir.resolve("ctl");
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String cp = System.getProperty("java.class.path") + File.pathSeparator
                + Path.of(Socket.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + File.pathSeparator
                + Path.of(FdPassingChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Socket listener = Socket.listen(UnixDomainSocketAddress.of(path), 1);
             SocketPair pair = Socket.pair(Domain.UNIX, Type.STREAM);
             Arena arena = Arena.ofConfined()) {
            listener.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(60));
            pair.first().setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(60));
            Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", cp,
                    FdPassingChild.class.getName(), path.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
            try {
                try (Socket conn = listener.accept()) {
                    assertEquals(4, conn.sendMsg(withData(arena, "pair").control(ControlMessage.rights(pair.second()))));
                }
                pair.second().close(); // the child's copy is now the only one
                StringBuilder got = new StringBuilder();
                byte[] chunk;
                while ((chunk = pair.first().read(256)).length > 0) {
                    got.append(new String(chunk, US_ASCII));
                }
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not exit");
                assertEquals(0, child.exitValue(), Files.readString(dir.resolve("child.log")));
                assertEquals("hello from " + child.pid() + " via pair", got.toString());
            } finally {
                child.destroyForcibly();
            }
        } finally {
            Files.deleteIfExists(dir.resolve("child.log"));
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void detachAndAdoptAreExportAndImportStream() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            int fd = p.first().detach(); // socket_export_stream: the number is ours now
            assertTrue(p.first().isClosed());
            assertTrue(isOpen(fd), "detach must not close");
            try (Socket again = Socket.adopt(fd)) { // socket_import_stream
                assertEquals(Domain.UNIX, again.domain());
                assertEquals(Type.STREAM, again.type());
                again.send("back".getBytes(US_ASCII));
                assertEquals("back", new String(p.second().read(16), US_ASCII));
            }
            assertThrows(IllegalStateException.class, () -> p.first().detach());
        }
        int[] pipe = pipe();
        try {
            IOException e = assertThrows(IOException.class, () -> Socket.adopt(pipe[0]));
            assertEquals("ENOTSOCK", ((ErrnoException) e).errnoName());
            assertTrue(isOpen(pipe[0]), "a failed adopt leaves the descriptor alone");
            assertThrows(IllegalArgumentException.class, () -> Socket.adopt(-1));
        } finally {
            LibC.close(CS, pipe[0]);
            LibC.close(CS, pipe[1]);
        }
    }

    @Test
    void detachWhileACallIsInFlightIsRefused() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    p.second().recvMsg(Message.allocate(4, 0));
                } catch (IOException e) {
                    // woken by the close below
                }
            });
            Thread.sleep(200);
            assertThrows(IllegalStateException.class, () -> p.second().detach());
            p.first().send("w".getBytes(US_ASCII));
            reader.join(5000);
            assertFalse(reader.isAlive());
        }
    }

    @Test
    void sendingAClosedSocketOrFdFailsBeforeTheCall() throws Exception {
        try (SocketPair channel = Socket.pair(Domain.UNIX, Type.DGRAM); Arena arena = Arena.ofConfined()) {
            Socket gone = Socket.open(Domain.UNIX, Type.STREAM);
            ControlMessage.Rights r = ControlMessage.rights(gone);
            gone.close();
            assertThrows(IllegalStateException.class, () -> channel.first().sendMsg(withData(arena, "x").control(r)));
            Fd fd = Fd.adopt(Socket.open(Domain.UNIX, Type.STREAM).detach());
            ControlMessage.Rights viaFd = ControlMessage.rights(fd);
            fd.close();
            assertThrows(IllegalStateException.class, () -> channel.first().sendMsg(withData(arena, "x").control(viaFd)));
            assertThrows(IllegalStateException.class, fd::value);
            assertThrows(IllegalStateException.class, () -> ControlMessage.rights(fd));
            // nothing was sent
            assertEquals(Socket.WOULD_BLOCK, channel.second().recvMsg(Message.allocate(4, 64), MsgFlags.DONTWAIT));
        }
    }

    @Test
    void fdOwnership() throws Exception {
        var baseline = descriptorTable();
        Socket s = Socket.open(Domain.UNIX, Type.DGRAM);
        Fd fd = Fd.adopt(s.detach());
        int n = fd.value();
        assertEquals(n, fd.detach());
        assertTrue(fd.isClosed());
        assertTrue(isOpen(n), "detach hands the number over open");
        assertThrows(IllegalStateException.class, fd::detach);
        Fd again = Fd.adopt(n);
        assertEquals(java.util.Set.of(n), numbersCreatedSince(baseline));
        again.close();
        again.close();
        assertEquals(java.util.Set.of(), numbersCreatedSince(baseline));
        assertThrows(IllegalArgumentException.class, () -> Fd.adopt(-3));
    }

    @Test
    void manyDescriptorsOverSeqpacket() throws Exception {
        List<SocketPair> pairs = new ArrayList<>();
        try (SocketPair channel = Socket.pair(Domain.UNIX, Type.SEQPACKET); Arena arena = Arena.ofConfined()) {
            Socket[] send = new Socket[40];
            for (int i = 0; i < send.length; i++) {
                SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                pairs.add(p);
                send[i] = p.first();
            }
            channel.first().sendMsg(withData(arena, "many").control(ControlMessage.rights(send)));
            Message in = Message.allocate(8, ControlMessage.cmsgSpace(Constants.SOL_SOCKET, Constants.SCM_RIGHTS, 40));
            assertEquals(4, channel.second().recvMsg(in));
            assertFalse(in.isControlTruncated());
            try (ControlMessage.Rights r = assertInstanceOf(ControlMessage.Rights.class, in.received().get(0))) {
                assertEquals(40, r.count());
                try (Socket s = r.socket(39)) {
                    s.send("39".getBytes(US_ASCII));
                }
                assertEquals("39", new String(pairs.get(39).second().read(8), US_ASCII));
            }
        } finally {
            pairs.forEach(SocketPair::close);
        }
    }

    /** The README's fd-passing example, verbatim between the markers, over a socketpair. */
    @Test
    void readmeExample() throws Exception {
        Path dir = Files.createTempDirectory("ns-readme");
        Path path = dir.resolve("worker.sock");
        try (Socket listener = Socket.listen(UnixDomainSocketAddress.of(path), 1);
             Socket server = Socket.listen(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 1);
             Socket client = Socket.open(Domain.INET, Type.STREAM)) {
            client.connect(server.localAddress());
            Socket connection = server.accept();
            Thread workerThread = Thread.ofPlatform().start(() -> {
                try (Socket channel = listener.accept()) {
                    // --- README: worker side ---
                    Message in = Message.allocate(64, ControlMessage.space(Integer.BYTES)); // CMSG_SPACE(sizeof(int))
                    channel.recvMsg(in);
                    try (Socket conn = in.receivedDescriptors().get(0).toSocket()) {
                        conn.sendAll("served by the worker\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    // --- end ---
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // --- README: sending side ---
            try (Socket worker = Socket.open(Domain.UNIX, Type.STREAM);
                 Arena arena = Arena.ofConfined()) {
                worker.connect(UnixDomainSocketAddress.of(path));
                Message m = Message.of(arena.allocateFrom("conn"))   // unix(7): send a byte with descriptors
                        .control(ControlMessage.rights(connection));
                worker.sendMsg(m);
            }
            connection.close(); // the worker's copy stays open
            // --- end ---
            workerThread.join(10_000);
            assertEquals("served by the worker\n", new String(client.read(64), US_ASCII));
        } finally {
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void receivingOnAClosedChannelReportsTheError() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM); Arena arena = Arena.ofConfined()) {
            p.second().close();
            SocketException e = assertThrows(SocketException.class,
                    () -> p.first().sendMsg(withData(arena, "x").control(ControlMessage.rights(p.first()))));
            assertEquals("EPIPE", ((ErrnoException) e).errnoName());
            assertEquals("sendmsg", ((ErrnoException) e).operation());
        }
    }
}
