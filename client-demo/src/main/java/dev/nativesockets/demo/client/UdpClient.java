package dev.nativesockets.demo.client;

import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;

import dev.nativesockets.Domain;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * A UDP client of an echo server: a connected datagram socket ({@code connect(2)} fixes the peer,
 * so the kernel drops datagrams from anyone else and reports an ICMP port-unreachable as
 * {@code ECONNREFUSED}), {@code send(2)}, {@code recv(2)} with {@code SO_RCVTIMEO}, and a check that
 * the echo is the datagram sent.
 */
final class UdpClient {
    private UdpClient() {}

    static int run(Args args) {
        InetSocketAddress address = args.address("127.0.0.1", 1935);
        String message = args.string("message", "hello");
        int count = args.integer("count", 3, 1, Integer.MAX_VALUE);
        int timeoutMs = args.integer("timeout-ms", 2000, 1, Integer.MAX_VALUE);
        Domain domain = address.getAddress() instanceof Inet6Address ? Domain.INET6 : Domain.INET;
        try (Socket s = Socket.open(domain, Type.DGRAM)) {
            s.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofMillis(timeoutMs));
            s.connect(address);
            byte[] reply = new byte[65_536];
            for (int i = 1; i <= count; i++) {
                byte[] datagram = (count == 1 ? message : message + " " + i).getBytes(StandardCharsets.UTF_8);
                long t0 = System.nanoTime();
                s.send(datagram);
                int n;
                try {
                    n = s.recv(reply);
                } catch (SocketTimeoutException e) {
                    Console.ERR.println("client-demo udp: no echo from " + Console.format(address) + " within " + timeoutMs + " ms");
                    return 1;
                }
                double micros = (System.nanoTime() - t0) / 1e3;
                byte[] echo = Arrays.copyOf(reply, n);
                if (!Arrays.equals(echo, datagram)) {
                    Console.ERR.println("client-demo udp: echo differs: sent " + datagram.length + " bytes, got " + n);
                    return 1;
                }
                Console.OUT.printf(Locale.ROOT, "udp: %d bytes to %s and back in %.0f µs: %s%n",
                        n, Console.format(address), micros, new String(echo, StandardCharsets.UTF_8));
            }
            return 0;
        } catch (IOException e) {
            Console.ERR.println("client-demo udp: " + Console.describe(e));
            return 1;
        }
    }
}
