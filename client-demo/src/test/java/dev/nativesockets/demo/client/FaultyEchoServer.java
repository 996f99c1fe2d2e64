package dev.nativesockets.demo.client;

import dev.nativesockets.demo.DemoProcess;
import java.io.IOException;

/**
 * A one-connection echo server in Python that flips one bit of byte {@code flipAt} of the stream:
 * the peer the echo-load tests use to prove that every echoed byte is checked.
 */
final class FaultyEchoServer {
    private FaultyEchoServer() {}

    /** Starts it (skipping the calling test where python3 is missing); it prints where it listens to stderr. */
    static DemoProcess start(long flipAt) throws IOException {
        DemoProcess.require("python3", "skipping the faulty Python echo server");
        String script = """
                import socket, sys
                flip = %d
                srv = socket.socket()
                srv.bind(("127.0.0.1", 0))
                srv.listen(1)
                print("listening on 127.0.0.1:%%d" %% srv.getsockname()[1], file=sys.stderr, flush=True)
                conn, _ = srv.accept()
                seen = 0
                while True:
                    data = bytearray(conn.recv(65536))
                    if not data:
                        break
                    if seen <= flip < seen + len(data):
                        data[flip - seen] ^= 0x01
                    seen += len(data)
                    conn.sendall(data)
                conn.close()
                """.formatted(flipAt);
        return DemoProcess.start("python3", "-c", script);
    }
}
