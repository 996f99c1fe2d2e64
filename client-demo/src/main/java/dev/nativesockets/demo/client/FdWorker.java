package dev.nativesockets.demo.client;

import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;

import dev.nativesockets.ControlMessage;
import dev.nativesockets.Domain;
import dev.nativesockets.Fd;
import dev.nativesockets.Message;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The worker of the descriptor-passing demo: connects to {@code server-demo.jar fd-pass} over a
 * Unix socket and receives TCP connections that the other process accepted, each as an open
 * descriptor in an {@code SCM_RIGHTS} control message ({@code recvmsg(2)}). It serves each one as
 * the seed's server does — greeting {@code 测试成功!}, one read, printed — so the seed's client
 * (Java or PHP) cannot tell that two processes were involved. Ends at end of stream from the
 * acceptor.
 */
final class FdWorker {
    private FdWorker() {}

    static final byte[] GREETING = "测试成功!\n".getBytes(StandardCharsets.UTF_8);

    static Path defaultPath() {
        return Path.of(System.getProperty("java.io.tmpdir"), "nativesockets-fd-pass.sock");
    }

    static int run(Args args) {
        Path path = Path.of(args.string("path", defaultPath().toString()));
        long pid = ProcessHandle.current().pid();
        // room for one line of data and a few descriptors (one is expected per message)
        Message m = Message.allocate(512, ControlMessage.space(4 * Integer.BYTES));
        int served = 0;
        try (Socket acceptor = Socket.open(Domain.UNIX, Type.STREAM)) {
            acceptor.connect(UnixDomainSocketAddress.of(path));
            Console.OUT.println("worker pid " + pid + " connected to the acceptor at unix:" + path);
            for (;;) {
                long n = acceptor.recvMsg(m);
                List<Fd> fds = m.receivedDescriptors();
                if (n == 0 && fds.isEmpty()) {
                    break;
                }
                MemorySegment data = m.data().get(0).asSlice(0, n);
                String note = new String(data.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8).strip();
                if (m.isControlTruncated()) {
                    Console.ERR.println("client-demo fd-worker: control data truncated (MSG_CTRUNC)");
                }
                if (fds.isEmpty()) {
                    Console.ERR.println("client-demo fd-worker: a message without a descriptor: " + note);
                    continue;
                }
                for (Fd fd : fds) {
                    int number = fd.value();
                    try (Socket conn = fd.toSocket()) {
                        Console.OUT.println("received fd " + number + " (SCM_RIGHTS): TCP connection from " + note);
                        serve(conn);
                        served++;
                    }
                }
            }
            Console.OUT.println("the acceptor closed the channel: served " + served + " connection" + (served == 1 ? "" : "s"));
            return 0;
        } catch (IOException e) {
            Console.ERR.println("client-demo fd-worker: " + Console.describe(e));
            return 1;
        }
    }

    /** The seed server's exchange on a connection this process never accepted. */
    private static void serve(Socket conn) {
        try {
            conn.write(GREETING);
        } catch (IOException e) {
            Console.ERR.println("client-demo fd-worker: " + Console.describe(e));
        }
        Console.OUT.println("测试成功了啊");
        byte[] buf = new byte[0];
        try {
            buf = conn.read(8192);
        } catch (IOException e) {
            Console.ERR.println("client-demo fd-worker: " + Console.describe(e));
        }
        synchronized (Console.OUT) {
            Console.OUT.print("收到的信息:");
            Console.OUT.write(buf, 0, buf.length);
            Console.OUT.print("\n");
            Console.OUT.flush();
        }
    }
}
