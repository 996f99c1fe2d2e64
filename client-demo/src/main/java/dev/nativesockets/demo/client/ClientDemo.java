package dev.nativesockets.demo.client;

import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code java -jar client-demo.jar [command] [options]}: the seed's PHP client ({@code socket2.php})
 * in Java, and richer clients. Exit status 0 when all went well, 1 when a socket call failed or a
 * check did not hold, 2 for bad usage.
 */
public final class ClientDemo {
    private ClientDemo() {}

    static final String USAGE = """
            usage: java -jar client-demo.jar [seed] [--host 127.0.0.1] [--port 1935] [--message hello]
                     the seed's socket2.php: connect, send the message, print what comes back until EOF
                   java -jar client-demo.jar echo-load [--host 127.0.0.1] [--port 1935] [--clients 10] [--bytes 1048576]
                     concurrent clients of an echo server; every echoed byte is checked; prints throughput
                   java -jar client-demo.jar udp [--host 127.0.0.1] [--port 1935] [--message hello] [--count 3] [--timeout-ms 2000]
                     UDP client of an echo server: send, wait for the echo, check it, print the round trip
                   java -jar client-demo.jar fd-worker [--path <tmp>/nativesockets-fd-pass.sock]
                     receive TCP connections as open descriptors (SCM_RIGHTS) from `server-demo.jar fd-pass`
                     and serve each as the seed server does""";

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
                case "seed" -> SeedClient.run(new Args(args, Set.of("host", "port", "message")));
                case "echo-load" -> EchoLoad.run(new Args(args, Set.of("host", "port", "clients", "bytes")));
                case "udp" -> UdpClient.run(new Args(args, Set.of("host", "port", "message", "count", "timeout-ms")));
                case "fd-worker" -> FdWorker.run(new Args(args, Set.of("path")));
                default -> throw new Args.UsageException("unknown command: " + command);
            };
        } catch (Args.UsageException e) {
            Console.ERR.println("client-demo: " + e.getMessage());
            Console.ERR.println(USAGE);
            return 2;
        }
    }
}
