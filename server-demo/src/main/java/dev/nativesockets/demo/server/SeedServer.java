package dev.nativesockets.demo.server;

import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;

import dev.nativesockets.Domain;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Protocol;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The seed's {@code socket.php}, call for call: {@code socket_create}, {@code socket_bind},
 * {@code socket_listen($sock, 4)}, then per connection {@code socket_accept},
 * {@code socket_write("测试成功!\n")}, print {@code 测试成功了啊}, {@code socket_read(8192)}, print
 * {@code 收到的信息:<data>}, {@code socket_close}; done after {@code --count} connections.
 *
 * <p>Where PHP would print a warning and go on (a peer that reset or left before the greeting), this
 * prints the errno to stderr and goes on too: such a peer is a connection like any other and never
 * stops the server. Unlike the seed, the listener sets {@code SO_REUSEADDR} so that the demo can be
 * run again at once while the last run's connections are in {@code TIME_WAIT}.
 */
final class SeedServer {
    private SeedServer() {}

    static final byte[] GREETING = "测试成功!\n".getBytes(StandardCharsets.UTF_8);
    static final int READ_LENGTH = 8192;
    static final int BACKLOG = 4;


    static int run(Args args) {
        InetSocketAddress address = args.address("127.0.0.1", 1935);
        int count = args.integer("count", 5, 1, Integer.MAX_VALUE);
        Domain domain = address.getAddress() instanceof Inet6Address ? Domain.INET6 : Domain.INET;
        try (Socket sock = Socket.open(domain, Type.STREAM, Protocol.TCP)) {
            sock.setOption(NativeOptions.SO_REUSEADDR, true);
            sock.bind(address);
            sock.listen(BACKLOG);
            Console.ERR.println("server-demo: listening on " + Console.format(sock.localAddress())
                    + ", serving " + count + " connection" + (count == 1 ? "" : "s"));
            int served = 0;
            AcceptTrouble trouble = new AcceptTrouble("server-demo: ", Console.ERR);
            while (served < count) {
                Socket msgsock;
                try {
                    msgsock = sock.accept();
                } catch (IOException e) {
                    AcceptTrouble.pause(trouble.failed(e));
                    continue;
                }
                trouble.succeeded();
                try (msgsock) {
                    serve(msgsock);
                }
                served++;
            }
            return 0;
        } catch (IOException e) {
            Console.ERR.println("server-demo: " + Console.describe(e));
            return 1;
        }
    }

    /** One connection: greet, report, read once, report. A failing peer is reported, never fatal. */
    private static void serve(Socket msgsock) {
        try {
            msgsock.write(GREETING);
        } catch (IOException e) {
            Console.ERR.println("server-demo: " + Console.describe(e));
        }
        Console.OUT.println("测试成功了啊");
        byte[] buf = new byte[0];
        try {
            buf = msgsock.read(READ_LENGTH);
        } catch (IOException e) {
            Console.ERR.println("server-demo: " + Console.describe(e));
        }
        // the client's bytes as they came, like PHP's echo: no decoding, no re-encoding
        synchronized (Console.OUT) {
            Console.OUT.print("收到的信息:");
            Console.OUT.write(buf, 0, buf.length);
            Console.OUT.print("\n");
            Console.OUT.flush();
        }
    }
}
