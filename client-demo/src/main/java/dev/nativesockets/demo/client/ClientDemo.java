package dev.nativesockets.demo.client;

import dev.nativesockets.demo.Commands;

import java.util.Map;
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
                     concurrent clients of an echo server (two threads each); every echoed byte is checked;
                     prints throughput
                   java -jar client-demo.jar echo-load --seconds S [--clients 10] [--host 127.0.0.1] [--port 1935]
                     up to 10,000 clients on one thread (epoll/kqueue), each with one 64-byte message in
                     flight, for S seconds; every echoed byte is checked; prints echoes per second
                   java -jar client-demo.jar udp [--host 127.0.0.1] [--port 1935] [--message hello] [--count 3] [--timeout-ms 2000]
                     UDP client of an echo server: send, wait for the echo, check it, print the round trip
                   java -jar client-demo.jar fd-worker [--path <tmp>/nativesockets-fd-pass.sock]
                     receive TCP connections as open descriptors (SCM_RIGHTS) from `server-demo.jar fd-pass`
                     and serve each as the seed server does
                   java -jar client-demo.jar ping HOST [--count 3] [--interval-ms 1000] [--timeout-ms 2000]
                     ICMP echo like ping(8): a ping socket (SOCK_DGRAM) if allowed, else a raw socket (CAP_NET_RAW)
                   java -jar client-demo.jar links [--addresses yes]
                     the interfaces like `ip -o link` (and addresses like `ip -o addr`), from a netlink dump (Linux)
                   java -jar client-demo.jar udp-blast [--host 127.0.0.1] [--port 1935] [--count 100000] [--size 1200] [--gso]
                     send datagrams with sendmmsg(2) as fast as it goes, with UDP GSO if asked; prints datagrams/s""";

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        argv = flags(positionalHost(argv));
        return Commands.run("client-demo", USAGE, "seed", Map.of(
                "seed", new Commands.Command(Set.of("host", "port", "message"), SeedClient::run),
                "echo-load", new Commands.Command(Set.of("host", "port", "clients", "bytes", "seconds"), EchoLoad::run),
                "udp", new Commands.Command(Set.of("host", "port", "message", "count", "timeout-ms"), UdpClient::run),
                "fd-worker", new Commands.Command(Set.of("path"), FdWorker::run),
                "ping", new Commands.Command(Set.of("host", "count", "interval-ms", "timeout-ms"), Ping::run),
                "links", new Commands.Command(Set.of("addresses"), Links::run),
                "udp-blast", new Commands.Command(Set.of("host", "port", "count", "size", "gso"), UdpBlast::run)), argv);
    }

    /** A bare {@code --gso} is {@code --gso yes}. */
    static String[] flags(String[] argv) {
        String[] out = argv.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i].equals("--gso") && (i + 1 == out.length || out[i + 1].startsWith("--"))) {
                out[i] = "--gso=yes";
            }
        }
        return out;
    }

    /** {@code ping HOST} as ping(8) takes it: the word after the command is {@code --host HOST}. */
    static String[] positionalHost(String[] argv) {
        if (argv.length >= 2 && argv[0].equals("ping") && !argv[1].startsWith("-")) {
            String[] out = new String[argv.length + 1];
            out[0] = argv[0];
            out[1] = "--host";
            System.arraycopy(argv, 1, out, 2, argv.length - 1);
            return out;
        }
        return argv;
    }
}
