package dev.nativesockets.demo.server;

import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;

import java.util.Arrays;
import java.util.List;
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
                   java -jar server-demo.jar echo [--host 127.0.0.1] [--port 1935]
                     multi-client TCP echo server on select(2), one thread, non-blocking sockets
                   java -jar server-demo.jar udp-echo [--host 127.0.0.1] [--port 1935] [--count 0]
                     UDP echo server; --count N stops after N datagrams (0: never)
                   java -jar server-demo.jar fd-pass [--path <tmp>/nativesockets-fd-pass.sock] [--host 127.0.0.1] [--port 1935] [--count 1]
                     accept TCP connections and pass each, as an open descriptor (SCM_RIGHTS over the
                     Unix socket --path), to the worker process `java -jar client-demo.jar fd-worker`
            --port 0 picks a free port; every server prints the address it listens on to stderr.""";

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        List<String> args = Arrays.asList(argv);
        String command = "seed";
        if (!args.isEmpty() && !args.get(0).startsWith("--")) {
            command = args.get(0);
            args = args.subList(1, args.size());
        }
        if (args.contains("--help") || args.contains("-h") || command.equals("help")) {
            Console.OUT.println(USAGE);
            return 0;
        }
        try {
            return switch (command) {
                case "seed" -> SeedServer.run(new Args(args, Set.of("host", "port", "count")));
                case "echo" -> EchoServer.run(new Args(args, Set.of("host", "port")));
                case "udp-echo" -> UdpEchoServer.run(new Args(args, Set.of("host", "port", "count")));
                case "fd-pass" -> FdPassServer.run(new Args(args, Set.of("path", "host", "port", "count")));
                default -> throw new Args.UsageException("unknown command: " + command);
            };
        } catch (Args.UsageException e) {
            Console.ERR.println("server-demo: " + e.getMessage());
            Console.ERR.println(USAGE);
            return 2;
        }
    }
}
