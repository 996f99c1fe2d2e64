package dev.nativesockets.demo.client;

import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;

import dev.nativesockets.Domain;
import dev.nativesockets.Protocol;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The seed's {@code socket2.php}, call for call: {@code socket_create}, {@code socket_connect},
 * {@code socket_write($in)}, {@code socket_read(8192)} until end of stream, {@code socket_close} —
 * printing the same progress lines, without the HTML ({@code <h2>} heading, {@code <br>} as a line
 * end). What the server sends is printed as it came; a line end is added when it has none, so
 * {@code 关闭SOCKET...} always starts a line.
 *
 * <p>Unlike PHP, which prints a warning and carries on with a dead socket, a failed call ends the
 * client: its errno name and message go to stderr and the exit status is 1.
 */
final class SeedClient {
    private SeedClient() {}

    static final int READ_LENGTH = 8192;

    static int run(Args args) {
        String ip = args.string("host", "127.0.0.1");
        InetSocketAddress address = args.address("127.0.0.1", 1935);
        String in = args.string("message", "hello");
        Domain domain = address.getAddress() instanceof Inet6Address ? Domain.INET6 : Domain.INET;
        Socket socket;
        try {
            socket = Socket.open(domain, Type.STREAM, Protocol.TCP);
        } catch (IOException e) {
            Console.ERR.println("socket_create() failed: " + Console.describe(e));
            return 1;
        }
        try (socket) {
            Console.OUT.println("OK.");
            Console.OUT.println("试图连接 '" + ip + "' 端口 '" + address.getPort() + "'...");
            socket.connect(address);
            Console.OUT.println("连接OK");
            socket.sendAll(in.getBytes(StandardCharsets.UTF_8));
            Console.OUT.println("发送到服务器信息成功!");
            Console.OUT.println("发送的内容为:" + in);
            for (byte[] out; (out = socket.read(READ_LENGTH)).length > 0; ) {
                synchronized (Console.OUT) {
                    Console.OUT.println("接收服务器回传信息成功!");
                    Console.OUT.print("接受的内容为:");
                    Console.OUT.write(out, 0, out.length);
                    if (out[out.length - 1] != '\n') {
                        Console.OUT.print("\n");
                    }
                    Console.OUT.flush();
                }
            }
            Console.OUT.println("关闭SOCKET...");
        } catch (IOException e) {
            Console.ERR.println("client-demo: " + Console.describe(e));
            return 1;
        }
        Console.OUT.println("关闭OK");
        return 0;
    }
}
