/*
 * What the C liburing servers (uring_echo.c, uring_fan_out.c; issue 21) share, so that the two
 * are one setup and differ only in what they do per completion: one ring with four times as many
 * completion entries as submission entries, one provided-buffer ring (group BGID) full from the
 * start, a loopback listener, multishot accept and multishot recv, one thread pinned to NS_CPU_A.
 *
 * Included by the server's .c file only, which defines before including it:
 *   PROG     the program's name, for error messages
 *   ENTRIES  submission entries
 *   NBUFS    provided buffers (a power of two)
 *   BUFSZ    bytes per provided buffer
 * It sits beside them, so `cc -O2 -Wall -o uring_echo uring_echo.c -luring` finds it from any
 * directory. Everything here is static inline: a server that uses less of it still builds with
 * -Wall -Werror.
 */
#ifndef NS_URING_COMMON_H
#define NS_URING_COMMON_H

#if !defined(PROG) || !defined(ENTRIES) || !defined(NBUFS) || !defined(BUFSZ)
#error "define PROG, ENTRIES, NBUFS and BUFSZ before including uring_common.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define BGID 0

enum { OP_ACCEPT = 1, OP_RECV = 2, OP_SEND = 3 };

static struct io_uring ring;
static struct io_uring_buf_ring *br;
static char *bufs;

static inline void die(const char *what, int err) {
    fprintf(stderr, PROG ": %s: %s\n", what, strerror(err));
    exit(2);
}

static inline struct io_uring_sqe *sqe(void) {
    struct io_uring_sqe *s = io_uring_get_sqe(&ring);
    if (!s) {
        io_uring_submit(&ring); /* a full submission queue: hand it over to make room */
        s = io_uring_get_sqe(&ring);
        if (!s) die("io_uring_get_sqe", EBUSY);
    }
    return s;
}

static inline void arm_accept(int l, unsigned long long data) {
    struct io_uring_sqe *s = sqe();
    io_uring_prep_multishot_accept(s, l, NULL, NULL, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(s, data);
}

/* one multishot recv on fd, each completion naming the provided buffer it filled */
static inline void arm_recv(int fd, unsigned long long data) {
    struct io_uring_sqe *s = sqe();
    io_uring_prep_recv_multishot(s, fd, NULL, 0, 0);
    s->flags |= IOSQE_BUFFER_SELECT;
    s->buf_group = BGID;
    io_uring_sqe_set_data64(s, data);
}

/* provided buffer bid back to the ring, for the kernel to fill again */
static inline void give_back(int bid) {
    io_uring_buf_ring_add(br, bufs + (size_t) bid * BUFSZ, BUFSZ, bid, io_uring_buf_ring_mask(NBUFS), 0);
    io_uring_buf_ring_advance(br, 1);
}

/*
 * Everything before the loop: the hard descriptor limit, the thread pinned to NS_CPU_A (default
 * 0), the ring and its buffer ring, a listener on 127.0.0.1:port (0: any) announced as
 * "listening on 127.0.0.1:PORT". Returns the listener, for the caller to arm its accept.
 */
static inline int start_server(int port) {
    int one = 1;
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
    return l;
}

/* one io_uring_enter: submits what is queued and waits for want completions; EINTR, EAGAIN and
   EBUSY end the wait early, and the caller's next turn waits again */
static inline void submit_and_wait(unsigned want) {
    int r = io_uring_submit_and_wait(&ring, want);
    if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EBUSY) die("io_uring_submit_and_wait", -r);
}

#endif
