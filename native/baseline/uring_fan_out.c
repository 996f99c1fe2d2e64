/*
 * The C liburing fan-out server of fan_out (issue 21), the protocol of nsbench's fan_server: it
 * accepts --conns N connections (multishot accept), keeps one multishot recv per connection into
 * a provided buffer ring for the "go" bytes, and on each go queues one 64-byte send to each of
 * the N connections as N submission entries, all from one buffer, handed to the kernel by the
 * next io_uring_submit_and_wait, which waits for their completions and the next go together (a
 * full submission queue is submitted to make room). One thread, pinned to NS_CPU_A (default 0). Prints
 * "listening on 127.0.0.1:PORT", then serves until killed or until the generator goes away.
 * The setup it shares with uring_echo.c is in uring_common.h beside it.
 *
 *   cc -O2 -Wall -o uring_fan_out uring_fan_out.c -luring      (Debian: apt-get install liburing-dev)
 *   uring_fan_out --conns N [--port P]
 */
#define _GNU_SOURCE
#include <netinet/tcp.h>
#include <unistd.h>

#define PROG "uring_fan_out"
#define ENTRIES 4096 /* as the library's ring in the benchmark: Uring.open(4096), four times as many completions */
#define NBUFS 256    /* a power of two; only go bytes arrive */
#define BUFSZ 64
#define MSG 64
#define FAN_BYTE 'f'
#include "uring_common.h"

static inline unsigned long long ud(int op, unsigned idx) {
    return ((unsigned long long) op << 56) | idx;
}

int main(int argc, char **argv) {
    int port = 0, conns = 0, one = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc) port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--conns") && i + 1 < argc) conns = atoi(argv[++i]);
    }
    if (conns < 1) {
        fprintf(stderr, "usage: uring_fan_out --conns N [--port P]\n");
        return 2;
    }
    static char msg[MSG];
    memset(msg, FAN_BYTE, sizeof msg);
    int *fds = calloc((size_t) conns, sizeof *fds);
    if (!fds) die("calloc", ENOMEM);
    int accepted = 0;
    long pending = 0, sending = 0;
    int l = start_server(port);
    arm_accept(l, ud(OP_ACCEPT, 0));

    for (;;) {
        /*
         * With a round's sends queued: one enter submits them and waits until their completions and
         * the next go are all due (the go comes only after every message arrived): one system call
         * per round. Between rounds: wait for the go.
         */
        submit_and_wait(sending > 0 && sending < ENTRIES * 4 ? (unsigned) sending + 1 : 1);
        struct io_uring_cqe *c;
        unsigned head, n = 0;
        io_uring_for_each_cqe(&ring, head, c) {
            n++;
            unsigned long long u = io_uring_cqe_get_data64(c);
            int op = (int) (u >> 56);
            unsigned idx = (unsigned) (u & 0xffffffffu);
            int res = c->res;
            if (op == OP_ACCEPT) {
                if (res >= 0) {
                    if (accepted == conns) {
                        close(res); /* one generator at a time */
                    } else {
                        setsockopt(res, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                        fds[accepted] = res;
                        arm_recv(res, ud(OP_RECV, (unsigned) accepted));
                        accepted++;
                    }
                }
                if (!(c->flags & IORING_CQE_F_MORE)) arm_accept(l, ud(OP_ACCEPT, 0));
            } else if (op == OP_RECV) {
                if (res > 0) {
                    pending += res;
                    give_back((int) (c->flags >> IORING_CQE_BUFFER_SHIFT));
                } else if (res != -ENOBUFS) {
                    exit(0); /* the generator is gone: this server served its one */
                }
                if (!(c->flags & IORING_CQE_F_MORE)) arm_recv(fds[idx], ud(OP_RECV, idx));
            } else if (op == OP_SEND) {
                sending--;
                if (res != MSG) {
                    fprintf(stderr, "uring_fan_out: send to connection %u: %s\n", idx, res < 0 ? strerror(-res) : "short");
                    exit(2);
                }
            }
        }
        io_uring_cq_advance(&ring, n);
        if (pending > 0 && accepted == conns && sending == 0) {
            pending--;
            for (int i = 0; i < conns; i++) {
                struct io_uring_sqe *s = sqe();
                io_uring_prep_send(s, fds[i], msg, MSG, MSG_NOSIGNAL);
                io_uring_sqe_set_data64(s, ud(OP_SEND, (unsigned) i));
            }
            sending = conns;
        }
    }
}
