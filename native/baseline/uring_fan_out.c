/*
 * The C liburing fan-out server of fan_out (issue 21), the protocol of nsbench's fan_server: it
 * accepts --conns N connections (multishot accept), keeps one multishot recv per connection into
 * a provided buffer ring for the "go" bytes, and on each go queues one 64-byte send to each of
 * the N connections as N submission entries, all from one buffer, handed to the kernel by the
 * next io_uring_submit_and_wait, which waits for their completions and the next go together (a
 * full submission queue is submitted to make room). One thread, pinned to NS_CPU_A (default 0). Prints
 * "listening on 127.0.0.1:PORT", then serves until killed or until the generator goes away.
 *
 *   cc -O2 -Wall -o uring_fan_out uring_fan_out.c -luring      (Debian: apt-get install liburing-dev)
 *   uring_fan_out --conns N [--port P]
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

#define ENTRIES 4096 /* as the library's ring in the benchmark: Uring.open(4096), four times as many completions */
#define NBUFS 256    /* a power of two; only go bytes arrive */
#define BUFSZ 64
#define BGID 0
#define MSG 64
#define FAN_BYTE 'f'

enum { OP_ACCEPT = 1, OP_RECV = 2, OP_SEND = 3 };

static inline unsigned long long ud(int op, unsigned idx) {
    return ((unsigned long long) op << 56) | idx;
}

static struct io_uring ring;
static struct io_uring_buf_ring *br;
static char *bufs;

static void die(const char *what, int err) {
    fprintf(stderr, "uring_fan_out: %s: %s\n", what, strerror(err));
    exit(2);
}

static struct io_uring_sqe *sqe(void) {
    struct io_uring_sqe *s = io_uring_get_sqe(&ring);
    if (!s) {
        io_uring_submit(&ring); /* a full submission queue: hand it over to make room */
        s = io_uring_get_sqe(&ring);
        if (!s) die("io_uring_get_sqe", EBUSY);
    }
    return s;
}

static void arm_accept(int l) {
    struct io_uring_sqe *s = sqe();
    io_uring_prep_multishot_accept(s, l, NULL, NULL, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(s, ud(OP_ACCEPT, 0));
}

static void arm_recv(int fd, unsigned idx) {
    struct io_uring_sqe *s = sqe();
    io_uring_prep_recv_multishot(s, fd, NULL, 0, 0);
    s->flags |= IOSQE_BUFFER_SELECT;
    s->buf_group = BGID;
    io_uring_sqe_set_data64(s, ud(OP_RECV, idx));
}

static void give_back(int bid) {
    io_uring_buf_ring_add(br, bufs + (size_t) bid * BUFSZ, BUFSZ, bid, io_uring_buf_ring_mask(NBUFS), 0);
    io_uring_buf_ring_advance(br, 1);
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
    static char msg[MSG];
    memset(msg, FAN_BYTE, sizeof msg);
    int *fds = calloc((size_t) conns, sizeof *fds);
    if (!fds) die("calloc", ENOMEM);
    int accepted = 0;
    long pending = 0, sending = 0;

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
        /*
         * With a round's sends queued: one enter submits them and waits until their completions and
         * the next go are all due (the go comes only after every message arrived): one system call
         * per round. Between rounds: wait for the go.
         */
        r = io_uring_submit_and_wait(&ring, sending > 0 && sending < ENTRIES * 4 ? (unsigned) sending + 1 : 1);
        if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EBUSY) die("io_uring_submit_and_wait", -r);
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
                        arm_recv(res, (unsigned) accepted);
                        accepted++;
                    }
                }
                if (!(c->flags & IORING_CQE_F_MORE)) arm_accept(l);
            } else if (op == OP_RECV) {
                if (res > 0) {
                    pending += res;
                    give_back((int) (c->flags >> IORING_CQE_BUFFER_SHIFT));
                } else if (res != -ENOBUFS) {
                    exit(0); /* the generator is gone: this server served its one */
                }
                if (!(c->flags & IORING_CQE_F_MORE)) arm_recv(fds[idx], idx);
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
