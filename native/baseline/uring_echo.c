/*
 * The C liburing echo server of echo_loop (issue 21): one thread (pinned to NS_CPU_A, default 0),
 * multishot accept, one multishot recv per connection into a provided buffer ring, the echo sent
 * from that same buffer (which goes back to the ring when the send completes), one
 * io_uring_submit_and_wait per turn. Prints "listening on 127.0.0.1:PORT", then serves until
 * killed; a line "stats" on stdin is not read (the C servers keep no counters).
 * The setup it shares with uring_fan_out.c is in uring_common.h beside it.
 *
 *   cc -O2 -Wall -o uring_echo uring_echo.c -luring      (Debian: apt-get install liburing-dev)
 *   uring_echo [--port P]
 */
#define _GNU_SOURCE
#include <netinet/tcp.h>
#include <unistd.h>

#define PROG "uring_echo"
#define ENTRIES 4096
#define NBUFS 4096 /* a power of two */
#define BUFSZ 2048
#include "uring_common.h"

/* user_data: op in the top byte, buffer id in the next 16 bits, fd in the low 32 */
static inline unsigned long long ud(int op, int bid, int fd) {
    return ((unsigned long long) op << 56) | ((unsigned long long) (unsigned) bid << 32) | (unsigned) fd;
}

int main(int argc, char **argv) {
    int port = 0, one = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc) port = atoi(argv[++i]);
    }
    int l = start_server(port);
    arm_accept(l, ud(OP_ACCEPT, 0, l));

    for (;;) {
        submit_and_wait(1);
        struct io_uring_cqe *c;
        unsigned head, n = 0;
        io_uring_for_each_cqe(&ring, head, c) {
            n++;
            unsigned long long u = io_uring_cqe_get_data64(c);
            int op = (int) (u >> 56), fd = (int) (u & 0xffffffffu);
            int res = c->res;
            if (op == OP_ACCEPT) {
                if (res >= 0) {
                    setsockopt(res, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    arm_recv(res, ud(OP_RECV, 0, res));
                }
                if (!(c->flags & IORING_CQE_F_MORE)) arm_accept(l, ud(OP_ACCEPT, 0, l));
            } else if (op == OP_RECV) {
                if (res > 0) {
                    int bid = (int) (c->flags >> IORING_CQE_BUFFER_SHIFT);
                    struct io_uring_sqe *s = sqe();
                    io_uring_prep_send(s, fd, bufs + (size_t) bid * BUFSZ, (size_t) res, MSG_NOSIGNAL);
                    io_uring_sqe_set_data64(s, ud(OP_SEND, bid, fd));
                }
                if (!(c->flags & IORING_CQE_F_MORE)) {
                    if (res == -ENOBUFS) arm_recv(fd, ud(OP_RECV, 0, fd));
                    else if (res <= 0) close(fd);
                    else arm_recv(fd, ud(OP_RECV, 0, fd));
                }
            } else if (op == OP_SEND) {
                give_back((int) ((u >> 32) & 0xffff));
            }
        }
        io_uring_cq_advance(&ring, n);
    }
}
