package dev.nativesockets.demo.server;

import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;

import dev.nativesockets.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A TCP echo server with one virtual thread per connection, written as plainly as the seed's
 * server: accept, then recv and send back until the client closes. Each blocking call parks its
 * virtual thread on the library's poller instead of holding a carrier, so thousands of idle
 * clients cost no OS thread each, even with one carrier
 * ({@code -Djdk.virtualThreadScheduler.parallelism=1}).
 */
final class VirtualEchoServer {
    private VirtualEchoServer() {}

    static int run(Args args) {
        InetSocketAddress address = args.address("127.0.0.1", 1935);
        try (Socket listener = Socket.listen(address, 4096)) {
            Console.ERR.println("server-demo vecho: listening on " + Console.format(listener.localAddress())
                    + ", a virtual thread per connection");
            AcceptTrouble trouble = new AcceptTrouble("server-demo vecho: ", Console.ERR);
            for (;;) {
                Socket client;
                try {
                    client = listener.accept();
                } catch (IOException e) {
                    AcceptTrouble.pause(trouble.failed(e)); // out of descriptors: wait, keep serving
                    continue;
                }
                trouble.succeeded();
                Thread.ofVirtual().name("echo-", 0).start(() -> echo(client));
            }
        } catch (IOException e) {
            Console.ERR.println("server-demo vecho: " + Console.describe(e));
            return 1;
        }
    }

    private static void echo(Socket client) {
        try (client) {
            byte[] buf = new byte[8192];
            for (int n; (n = client.recv(buf)) > 0; ) {
                client.sendAll(buf, 0, n); // straight from the receive buffer: no copy per echo
            }
        } catch (IOException e) {
            // this client's trouble (reset, gone) is not the server's
        }
    }
}
