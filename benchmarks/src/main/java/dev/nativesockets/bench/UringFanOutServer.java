package dev.nativesockets.bench;

import dev.nativesockets.Socket;
import dev.nativesockets.linux.Uring;
import dev.nativesockets.linux.UringBuffer;
import dev.nativesockets.linux.UringCompletion;
import dev.nativesockets.linux.UringOp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardSocketOptions;

/**
 * {@code fan_out} on this library's io_uring ring, the shape of the C liburing server
 * ({@code native/baseline/uring_fan_out.c}): multishot accept, one multishot receive per
 * connection into a provided-buffer ring for the go bytes, and per go one {@code IORING_OP_SEND}
 * of the same 64-byte {@link UringBuffer} to each of the N connections, queued as N submission
 * entries and handed to the kernel by the next {@link Uring#await} — one {@code io_uring_enter}
 * that submits them and waits for their completions and the next round's go together (the ring
 * submits early only when its submission queue is full).
 */
final class UringFanOutServer extends UringServer {
    private final int conns;
    private final Socket[] accepted;
    private int count;
    private long pending;
    private int sending;
    private UringBuffer message;
    private int room;

    UringFanOutServer(int conns) {
        super("ns-uring-fan-out", 256, 64); // only go bytes arrive
        this.conns = conns;
        this.accepted = new Socket[conns];
    }

    @Override
    void opened() throws IOException {
        message = ring.allocate(FanOut.MESSAGE);
        message.segment().fill(FanOut.BYTE);
        room = ring.completionEntries();
    }

    @Override
    void turn() throws IOException {
        // With a round's sends queued: one io_uring_enter submits them and waits until their
        // completions and the next go are all due (the go comes only after every message
        // arrived), so a round costs one system call. Between rounds: wait for the go.
        ring.await(sending > 0 && sending < room ? sending + 1 : 1, null, this);
        if (pending > 0 && count == conns && sending == 0) {
            pending--;
            for (int i = 0; i < conns; i++) {
                ring.send(accepted[i], message, 0, FanOut.MESSAGE, i);
            }
            sending = conns;
        }
    }

    @Override
    void connected(Socket s) throws IOException {
        if (count == conns) {
            s.close(); // one generator at a time
        } else {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            accepted[count] = s;
            ring.recvMultishot(s, buffers, count);
            count++;
        }
    }

    @Override
    public void onCompletion(UringCompletion c) {
        try {
            UringOp op = c.op();
            if (op == UringOp.SEND) {
                sending--;
                if (c.result() != FanOut.MESSAGE) {
                    throw new IOException("send to connection " + c.tag() + ": " + (c.failed() ? c.errnoName() : "short"));
                }
                countEchoed(FanOut.MESSAGE);
            } else if (op == UringOp.RECV) {
                if (c.result() > 0) {
                    pending += c.result();
                } else {
                    // end of stream or reset (ENOBUFS the ring re-arms itself): the generator went
                    // away, and this server served its one
                    System.exit(0);
                }
            } else if (c.tag() == ACCEPT) {
                onAccept(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
