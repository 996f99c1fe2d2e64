/*
 * The C liburing echo server of echo_loop (issue 21): one thread (pinned to NS_CPU_A, default 0),
 * multishot accept, one multishot recv per connection into a provided buffer ring, the echo sent
 * from that same buffer (which goes back to the ring when the send completes), one
 * io_uring_submit_and_wait per turn. Prints "listening on 127.0.0.1:PORT", then serves until
 * killed; a line "stats" on stdin is not read (the C servers keep no counters).
 *
 *   cc -O2 -Wall -o uring_echo uring_echo.c -luring      (Debian: apt-get install liburing-dev)
 *   uring_echo [--port P]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define ENTRIES 4096
#define NBUFS 4096 /* a power of two */
#define BUFSZ 2048
#define BGID 0

enum { OP_ACCEPT = 1, OP_RECV = 2, OP_SEND = 3 };

/* user_data: op in the top byte, buffer id in the next 16 bits, fd in the low 32 */
static inline unsigned long long ud(int op, int bid, int fd) {
    return ((unsigned long long) op << 56) | ((unsigned long long) (unsigned) bid << 32) | (unsigned) fd;
}

static struct io_uring ring;
static struct io_uring_buf_ring *br;
static char *bufs;

static void die(const char *what, int err) {
    fprintf(stderr, "uring_echo: %s: %s\n", what, strerror(err));
    exit(2);
}

static struct io_uring_sqe *sqe(void) {
    struct io_uring_sqe *s = io_uring_get_sqe(&ring);
    if (!s) {
        io_uring_submit(&ring);
        s = io_uring_get_sqe(&ring);
        if (!s) die("io_uring_get_sqe", EBUSY);
    }
    return s;
}

static void arm_accept(int l) {
    struct io_uring_sqe *s = sqe();
    io_uring_prep_multishot_accept(s, l, NULL, NULL, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(s, ud(OP_ACCEPT, 0, l));
}

static void arm_recv(int fd) {
    struct io_uring_sqe *s = sqe();
    io_uring_prep_recv_multishot(s, fd, NULL, 0, 0);
    s->flags |= IOSQE_BUFFER_SELECT;
    s->buf_group = BGID;
    io_uring_sqe_set_data64(s, ud(OP_RECV, 0, fd));
}

static void give_back(int bid) {
    io_uring_buf_ring_add(br, bufs + (size_t) bid * BUFSZ, BUFSZ, bid, io_uring_buf_ring_mask(NBUFS), 0);
    io_uring_buf_ring_advance(br, 1);
}

int main(int argc, char **argv) {
    int port = 0, one = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc) port = atoi(argv[++i]);
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    const char *cpu = getenv("NS_CPU_A");
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu ? atoi(cpu) : 0, &set);
    sched_setaffinity(0, sizeof set, &set);

    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_CQSIZE;
    p.cq_entries = ENTRIES * 4;
    int r = io_uring_queue_init_params(ENTRIES, &ring, &p);
    if (r < 0) die("io_uring_queue_init_params", -r);
    if (posix_memalign((void **) &br, 4096, NBUFS * sizeof(struct io_uring_buf))) die("posix_memalign", ENOMEM);
    bufs = malloc((size_t) NBUFS * BUFSZ);
    io_uring_buf_ring_init(br);
    struct io_uring_buf_reg reg = {.ring_addr = (unsigned long) br, .ring_entries = NBUFS, .bgid = BGID};
    r = io_uring_register_buf_ring(&ring, &reg, 0);
    if (r < 0) die("io_uring_register_buf_ring", -r);
    for (int b = 0; b < NBUFS; b++) {
        io_uring_buf_ring_add(br, bufs + (size_t) b * BUFSZ, BUFSZ, b, io_uring_buf_ring_mask(NBUFS), b);
    }
    io_uring_buf_ring_advance(br, NBUFS);

    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l < 0) die("socket", errno);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(l, (struct sockaddr *) &a, sizeof a) < 0) die("bind", errno);
    if (listen(l, 65535) < 0) die("listen", errno);
    if (getsockname(l, (struct sockaddr *) &a, &len) < 0) die("getsockname", errno);
    printf("listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
    fflush(stdout);
    arm_accept(l);

    for (;;) {
        r = io_uring_submit_and_wait(&ring, 1);
        if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EBUSY) die("io_uring_submit_and_wait", -r);
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
                    arm_recv(res);
                }
                if (!(c->flags & IORING_CQE_F_MORE)) arm_accept(l);
            } else if (op == OP_RECV) {
                if (res > 0) {
                    int bid = (int) (c->flags >> IORING_CQE_BUFFER_SHIFT);
                    struct io_uring_sqe *s = sqe();
                    io_uring_prep_send(s, fd, bufs + (size_t) bid * BUFSZ, (size_t) res, MSG_NOSIGNAL);
                    io_uring_sqe_set_data64(s, ud(OP_SEND, bid, fd));
                }
                if (!(c->flags & IORING_CQE_F_MORE)) {
                    if (res == -ENOBUFS) arm_recv(fd);
                    else if (res <= 0) close(fd);
                    else arm_recv(fd);
                }
            } else if (op == OP_SEND) {
                give_back((int) ((u >> 32) & 0xffff));
            }
        }
        io_uring_cq_advance(&ring, n);
    }
}
