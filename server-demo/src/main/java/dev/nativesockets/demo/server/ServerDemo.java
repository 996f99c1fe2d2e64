package dev.nativesockets.demo.server;

import dev.nativesockets.demo.Commands;

import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar server-demo.jar [command] [options]}: the seed's PHP server ({@code socket.php})
 * in Java, and richer servers. Exit status 0 when done, 1 when a socket call failed, 2 for bad usage.
 */
public final class ServerDemo {
    private ServerDemo() {}

    static final String USAGE = """
            usage: java -jar server-demo.jar [seed] [--host 127.0.0.1] [--port 1935] [--count 5]
                     the seed's socket.php: greet each client, print what it sends, stop after --count
                   java -jar server-demo.jar echo [--host 127.0.0.1] [--port 1935] [--loop epoll|kqueue|poll|select|uring]
                     multi-client TCP echo server, one thread serving every connection, non-blocking
                     sockets; --loop picks the wait: epoll (Linux) / kqueue (macOS), the default, or
                     poll(2), or select(2) (at most FD_SETSIZE descriptors), or uring: an io_uring
                     completion ring (Linux; falls back to epoll, saying why, where io_uring is off)
                   java -jar server-demo.jar vecho [--host 127.0.0.1] [--port 1935]
                     TCP echo server with a virtual thread per connection (blocking calls park)
                   java -jar server-demo.jar udp-echo [--host 127.0.0.1] [--port 1935] [--count 0]
                     UDP echo server; --count N stops after N datagrams (0: never)
                   java -jar server-demo.jar fd-pass [--path <tmp>/nativesockets-fd-pass.sock] [--host 127.0.0.1] [--port 1935] [--count 1]
                     accept TCP connections and pass each, as an open descriptor (SCM_RIGHTS over the
                     Unix socket --path), to the worker process `java -jar client-demo.jar fd-worker`
                   java -jar server-demo.jar sniff [--iface lo] [--count 10] [--port P] [--promisc yes]
                     print captured frames (AF_PACKET, needs CAP_NET_RAW); --port counts only TCP/UDP with that port
            --port 0 picks a free port; every server prints the address it listens on to stderr.""";

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        return Commands.run("server-demo", USAGE, "seed", Map.of(
                "seed", new Commands.Command(Set.of("host", "port", "count"), SeedServer::run),
                "echo", new Commands.Command(Set.of("host", "port", "loop"), EchoServer::run),
                "vecho", new Commands.Command(Set.of("host", "port"), VirtualEchoServer::run),
                "udp-echo", new Commands.Command(Set.of("host", "port", "count"), UdpEchoServer::run),
                "fd-pass", new Commands.Command(Set.of("path", "host", "port", "count"), FdPassServer::run),
                "sniff", new Commands.Command(Set.of("iface", "count", "port", "promisc"), Sniff::run)), argv);
    }
}
