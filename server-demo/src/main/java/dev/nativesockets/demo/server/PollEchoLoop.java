package dev.nativesockets.demo.server;

import dev.nativesockets.Poller;
import dev.nativesockets.Socket;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code --loop poll}: one {@link Poller} kept between calls; each client's events follow its wishes. */
final class PollEchoLoop implements EchoServer.Loop {
    private final EchoServer server;
    private final Poller poller = new Poller();
    private final List<Socket> ready = new ArrayList<>();
    private final List<Integer> readyEvents = new ArrayList<>();
    private boolean listening = true;

    PollEchoLoop(EchoServer server) {
        this.server = server;
        poller.add(server.listener, Poller.IN);
    }

    @Override
    public String describe() {
        return "poll(2)";
    }

    private static int events(EchoServer.Client c) {
        return (c.wantsRead() ? Poller.IN : 0) | (c.wantsWrite() ? Poller.OUT : 0);
    }

    @Override
    public void add(EchoServer.Client c) {
        poller.add(c.socket, events(c));
    }

    @Override
    public void update(EchoServer.Client c) {
        poller.setEvents(c.socket, events(c));
    }

    @Override
    public void remove(EchoServer.Client c) {
        poller.remove(c.socket);
    }

    @Override
    public void waitAndServe(boolean accepting) throws IOException {
        if (accepting != listening) {
            poller.setEvents(server.listener, accepting ? Poller.IN : 0);
            listening = accepting;
        }
        if (poller.poll(accepting ? null : Duration.ofNanos(EchoServer.BACK_OFF_NANOS)) == 0) {
            return;
        }
        // serving may remove entries (and move others): take the ready ones first
        ready.clear();
        readyEvents.clear();
        for (int i = 0; i < poller.size(); i++) {
            int rev = poller.revents(i);
            if (rev != 0) {
                ready.add(poller.socket(i));
                readyEvents.add(rev);
            }
        }
        for (int i = 0; i < ready.size(); i++) {
            Socket s = ready.get(i);
            int rev = readyEvents.get(i);
            if (s == server.listener) {
                server.acceptAll();
                continue;
            }
            EchoServer.Client c = server.client(s);
            if (c != null) {
                // an error or hang-up shows in the next call on the socket
                boolean trouble = (rev & (Poller.ERR | Poller.HUP | Poller.NVAL)) != 0;
                server.serve(c, trouble || (rev & Poller.IN) != 0, trouble || (rev & Poller.OUT) != 0);
            }
        }
    }

    @Override
    public void close() {
    }
}
