package dev.nativesockets.demo.server;

import dev.nativesockets.Select;
import dev.nativesockets.Socket;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code --loop select}: the watched sets are rebuilt for every {@code select(2)}, as PHP's {@code socket_select} does. */
final class SelectEchoLoop implements EchoServer.Loop {
    private final EchoServer server;
    private final List<Socket> readable = new ArrayList<>();
    private final List<Socket> writable = new ArrayList<>();

    SelectEchoLoop(EchoServer server) {
        this.server = server;
    }

    @Override
    public String describe() {
        return "select(2), FD_SETSIZE " + Select.FD_SETSIZE;
    }

    @Override
    public String refuses(int fd) {
        return fd >= Select.FD_SETSIZE
                ? "descriptor " + fd + " >= FD_SETSIZE (" + Select.FD_SETSIZE + "), select(2) cannot watch it" : null;
    }

    @Override
    public void add(EchoServer.Client c) {
        // the sets are built from the clients before every select
    }

    @Override
    public void update(EchoServer.Client c) {
        // likewise
    }

    @Override
    public void remove(EchoServer.Client c) {
        // likewise
    }

    @Override
    public void waitAndServe(boolean accepting) throws IOException {
        readable.clear();
        writable.clear();
        if (accepting) {
            readable.add(server.listener);
        }
        for (EchoServer.Client c : server.clients()) {
            if (c.wantsRead()) {
                readable.add(c.socket);
            }
            if (c.wantsWrite()) {
                writable.add(c.socket);
            }
        }
        Select.select(readable, writable, null, accepting ? null : Duration.ofNanos(EchoServer.BACK_OFF_NANOS));
        for (Socket s : writable) {
            EchoServer.Client c = server.client(s);
            if (c != null) {
                server.serve(c, false, true);
            }
        }
        for (Socket s : readable) {
            if (s == server.listener) {
                server.acceptAll();
                continue;
            }
            EchoServer.Client c = server.client(s);
            if (c != null) {
                server.serve(c, true, false);
            }
        }
    }

    @Override
    public void close() {
    }
}
