package dev.nativesockets.demo.server;

import dev.nativesockets.Readiness;
import dev.nativesockets.Registration;
import java.io.IOException;
import java.time.Duration;

/**
 * {@code --loop epoll} / {@code kqueue}: the library's {@link Readiness} set. Each client is
 * registered once, its {@link EchoServer.Client} the attachment; a wait costs O(ready clients), not
 * O(clients), and there is no FD_SETSIZE.
 */
final class ReadyEchoLoop implements EchoServer.Loop {
    private final EchoServer server;
    private final Readiness readiness;
    private final Registration listening;
    private boolean accepting = true;

    ReadyEchoLoop(EchoServer server) throws IOException {
        this.server = server;
        readiness = Readiness.open();
        try {
            listening = readiness.register(server.listener, Readiness.READ, null);
        } catch (IOException | RuntimeException e) {
            readiness.close();
            throw e;
        }
    }

    @Override
    public String describe() {
        return readiness.mechanism() + " (Readiness)";
    }

    private static int interest(EchoServer.Client c) {
        return (c.wantsRead() ? Readiness.READ : 0) | (c.wantsWrite() ? Readiness.WRITE : 0);
    }

    @Override
    public void add(EchoServer.Client c) throws IOException {
        c.loopState = readiness.register(c.socket, interest(c), c);
    }

    @Override
    public void update(EchoServer.Client c) throws IOException {
        ((Registration) c.loopState).interest(interest(c));
    }

    @Override
    public void remove(EchoServer.Client c) {
        // closing the socket takes it out of the set, before its descriptor number is released
    }

    @Override
    public void waitAndServe(boolean accept) throws IOException {
        if (accept != accepting) {
            listening.interest(accept ? Readiness.READ : 0);
            accepting = accept;
        }
        readiness.await(accept ? null : Duration.ofNanos(EchoServer.BACK_OFF_NANOS), this::ready);
    }

    private void ready(Registration r, int ops) throws IOException {
        if (r == listening) {
            server.acceptAll();
            return;
        }
        // a hang-up or an error shows in the next call on the socket
        boolean trouble = (ops & (Readiness.HANGUP | Readiness.ERROR)) != 0;
        server.serve((EchoServer.Client) r.attachment(), trouble || (ops & Readiness.READ) != 0,
                trouble || (ops & Readiness.WRITE) != 0);
    }

    @Override
    public void close() {
        readiness.close();
    }
}
