/*
 * nsbench: the benchmark workloads of benchmarks/ (JMH) in plain C, for the physical limit.
 * Same sockets, same calls, same thread placement as the Java side; cc -O2.
 *
 *   nsbench WORKLOAD [--size N] [--placement same|split|none] [--warmup N] [--rounds N] [--ms N]
 *
 * WORKLOAD: tcp_pingpong, unix_pingpong, udp_pingpong (µs per round trip), tcp_throughput (64 KiB
 * writes/s), connect_accept (cycles/s), udp_batch, udp_batch_mmsg (datagrams/s), downcall (ns per
 * getsockopt), udp_gso [--gso 0|1] [--gro 0|1] (datagrams/s: 48 datagrams of --size bytes per
 * operation, by sendmmsg or one UDP_SEGMENT sendmsg; received by recvmmsg or, with GRO, one
 * recvmsg), tcp_zerocopy [--zerocopy 0|1] (1 MiB sends/s to a sink thread, with MSG_ZEROCOPY and
 * the completions drained from the error queue). Prints one line per measured round: "round I VALUE UNIT".
 *
 * echo_loop is two processes (10,000 connections on each side do not fit one process's descriptor
 * limit): "nsbench echo_server [--port P]" is the C epoll echo server (one thread on NS_CPU_A,
 * level-triggered, the limit the Java servers are held to); it prints "listening on 127.0.0.1:PORT"
 * and serves until killed. "nsbench echo_loop --port P --conns N [--placement same|split]" is the
 * load generator (one thread, epoll): N connections, each with one 64-byte message in flight,
 * every echo checked; it prints echoes/s per round, "warmed" after the warm-up and "done" after the
 * last round; each round ends with every echo in flight back, so the server is idle between
 * rounds. --wait 1 then keeps the connections open until a line (or EOF) on stdin, so that the
 * caller can read the server's counters first; --idle 1 connects, prints "connected N", sends
 * nothing and waits for stdin the same way (for the memory an idle connection costs a server);
 * --rotate 1 connects, prints "connected N", then runs one round per line "run MS" on stdin
 * (Compare's rotation over several servers).
 *
 * fan_out (issue 21) is two processes the same way: "nsbench fan_server --conns N [--port P]" is
 * the C epoll fan-out server (each byte received is a "go": one 64-byte message sent to each of
 * the N connections, one send(2) each), and "nsbench fan_out --port P --conns N [--rotate 1]" the
 * load generator that reads and checks every message and sends the next go when the round is
 * whole (messages/s per round; native/baseline/uring_fan_out.c is the liburing server).
 *
 * Placement: "same" pins both threads of a two-thread workload to one CPU (NS_CPU_A, default the
 * first CPU this process may use), "split" puts the peer on another (NS_CPU_B, default the second);
 * one-thread workloads always run on NS_CPU_A.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <linux/errqueue.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)
#define BATCH 32

static int size = 64;
static const char *placement = "same";
static int warmup = 3, rounds = 5, round_ms = 1000;
static int cpu_a = 0, cpu_b = 1;
static int opt_gso = 0, opt_gro = 0, opt_zerocopy = 0;
static int port = 0, conns = 1, idle = 0, wait_stdin = 0, rotate = 0;

static void die(const char *what) {
    perror(what);
    exit(2);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

static void pin_main(void) {
    if (strcmp(placement, "none") != 0) pin(cpu_a);
}

static void pin_peer(void) {
    if (strcmp(placement, "same") == 0) pin(cpu_a);
    else if (strcmp(placement, "split") == 0) pin(cpu_b);
}

static void send_fully(int fd, const char *buf, size_t n) {
    size_t off = 0;
    while (off < n) {
        ssize_t r = send(fd, buf + off, n - off, MSG_NOSIGNAL);
        if (r < 0) {
            if (errno == EINTR) continue;
            die("send");
        }
        off += (size_t) r;
    }
}

static void recv_fully(int fd, char *buf, size_t n, int stream) {
    size_t off = 0;
    while (off < n) {
        ssize_t r = recv(fd, buf + off, n - off, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            die("recv");
        }
        if (r == 0) die("recv: peer closed");
        if (!stream) return;
        off += (size_t) r;
    }
}

/* ---- peers ------------------------------------------------------------------------------ */

struct peer {
    int fd;
    int max;
    int echo;
    pthread_t thread;
};

static void *peer_run(void *arg) {
    struct peer *p = arg;
    static __thread char buf[CHUNK];
    pin_peer();
    for (;;) {
        ssize_t n = recv(p->fd, buf, (size_t) p->max, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (p->echo) {
            size_t off = 0;
            while (off < (size_t) n) {
                ssize_t w = send(p->fd, buf + off, (size_t) n - off, MSG_NOSIGNAL);
                if (w < 0 && errno == EINTR) continue;
                if (w <= 0) return NULL;
                off += (size_t) w;
            }
        }
    }
    return NULL;
}

static struct peer *peer_start(int fd, int max, int echo) {
    struct peer *p = calloc(1, sizeof *p);
    p->fd = fd;
    p->max = max;
    p->echo = echo;
    if (pthread_create(&p->thread, NULL, peer_run, p) != 0) die("pthread_create");
    return p;
}

static void peer_stop(struct peer *p) {
    shutdown(p->fd, SHUT_RDWR); /* wakes the peer's recv (also on UDP) */
    pthread_join(p->thread, NULL);
    close(p->fd);
    free(p);
}

/* ---- connections ------------------------------------------------------------------------ */

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int tcp_listener(struct sockaddr_in *bound) {
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (l < 0) die("socket");
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (bind(l, (struct sockaddr *) &a, sizeof a) < 0) die("bind");
    if (listen(l, 128) < 0) die("listen");
    if (getsockname(l, (struct sockaddr *) bound, &len) < 0) die("getsockname");
    return l;
}

static void tcp_pair(int fds[2]) {
    struct sockaddr_in a;
    int one = 1;
    int l = tcp_listener(&a);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c < 0) die("socket");
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c, (struct sockaddr *) &a, sizeof a) < 0) die("connect");
    int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
    if (s < 0) die("accept4");
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    close(l);
    fds[0] = c;
    fds[1] = s;
}

static void udp_pair(int fds[2]) {
    struct sockaddr_in a[2];
    for (int i = 0; i < 2; i++) {
        fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fds[i] < 0) die("socket");
        struct sockaddr_in any = loopback(0);
        socklen_t len = sizeof a[i];
        if (bind(fds[i], (struct sockaddr *) &any, sizeof any) < 0) die("bind");
        if (getsockname(fds[i], (struct sockaddr *) &a[i], &len) < 0) die("getsockname");
    }
    if (connect(fds[0], (struct sockaddr *) &a[1], sizeof a[1]) < 0) die("connect");
    if (connect(fds[1], (struct sockaddr *) &a[0], sizeof a[0]) < 0) die("connect");
}

/* ---- measurement ------------------------------------------------------------------------ */

typedef void (*op_fn)(void *ctx);

/*
 * Runs op in batches of `every` until round_ms passed, warmup + rounds times; prints each measured
 * round. per_op: value is time per op in `scale` units (1e6 = µs, 1e9 = ns); otherwise ops/s times
 * ops_per_call.
 */
static void measure(op_fn op, void *ctx, int every, int per_op, double scale, int ops_per_call, const char *unit) {
    for (int r = 0; r < warmup + rounds; r++) {
        long ops = 0;
        double start = now(), end = start + round_ms / 1000.0, t;
        do {
            for (int i = 0; i < every; i++) op(ctx);
            ops += every;
        } while ((t = now()) < end);
        double elapsed = t - start;
        if (r >= warmup) {
            double v = per_op ? elapsed / ops * scale : (double) ops * ops_per_call / elapsed;
            printf("round %d %.6g %s\n", r - warmup + 1, v, unit);
            fflush(stdout);
        }
    }
}

struct conn {
    int fd;
    int stream;
    char *buf;
};

static void round_trip(void *ctx) {
    struct conn *c = ctx;
    send_fully(c->fd, c->buf, (size_t) size);
    recv_fully(c->fd, c->buf, (size_t) size, c->stream);
}

static void write64k(void *ctx) {
    struct conn *c = ctx;
    send_fully(c->fd, c->buf, CHUNK);
}

static void pingpong(int fds[2], int stream) {
    static char buf[CHUNK];
    pin_main();
    struct peer *p = peer_start(fds[1], size, 1);
    struct conn c = {fds[0], stream, buf};
    measure(round_trip, &c, 16, 1, 1e6, 1, "us/op");
    shutdown(fds[0], SHUT_RDWR);
    peer_stop(p);
    close(fds[0]);
}

static void tcp_throughput(void) {
    static char buf[CHUNK];
    int fds[2];
    pin_main();
    tcp_pair(fds);
    struct peer *p = peer_start(fds[1], CHUNK, 0);
    struct conn c = {fds[0], 1, buf};
    measure(write64k, &c, 16, 0, 0, 1, "ops/s");
    shutdown(fds[0], SHUT_RDWR);
    peer_stop(p);
    close(fds[0]);
}

struct listener {
    int fd;
    struct sockaddr_in addr;
};

static void connect_accept(void *ctx) {
    struct listener *l = ctx;
    int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c < 0) die("socket");
    if (connect(c, (struct sockaddr *) &l->addr, sizeof l->addr) < 0) die("connect");
    int s = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
    if (s < 0) die("accept4");
    /* the server side closes first, as servers do: its TIME_WAIT never blocks the client's next
     * ephemeral port (a SYN recycles it), so the rate stays steady instead of stalling on ports */
    close(s);
    close(c);
}

struct udp {
    int from, to;
    char *buf;
    struct mmsghdr send_vec[BATCH], recv_vec[BATCH];
    struct iovec send_iov[BATCH], recv_iov[BATCH];
    char send_data[BATCH][CHUNK / BATCH], recv_data[BATCH][CHUNK / BATCH];
};

static void udp_single(void *ctx) {
    struct udp *u = ctx;
    for (int i = 0; i < BATCH; i++) send_fully(u->from, u->buf, (size_t) size);
    for (int i = 0; i < BATCH; i++) recv_fully(u->to, u->buf, (size_t) size, 0);
}

static void udp_mmsg(void *ctx) {
    struct udp *u = ctx;
    int sent = 0, got = 0;
    while (sent < BATCH) {
        int n = sendmmsg(u->from, u->send_vec + sent, (unsigned) (BATCH - sent), 0);
        if (n < 0) die("sendmmsg");
        sent += n;
    }
    while (got < BATCH) {
        int n = recvmmsg(u->to, u->recv_vec + got, (unsigned) (BATCH - got), MSG_WAITFORONE, NULL);
        if (n < 0) die("recvmmsg");
        got += n;
    }
}

static void udp_batch(int mmsg) {
    static struct udp u;
    static char buf[CHUNK];
    int fds[2];
    if (size > CHUNK / BATCH) die("size too large for udp_batch");
    pin(cpu_a);
    udp_pair(fds);
    u.from = fds[0];
    u.to = fds[1];
    u.buf = buf;
    for (int i = 0; i < BATCH; i++) {
        u.send_iov[i] = (struct iovec) {u.send_data[i], (size_t) size};
        u.recv_iov[i] = (struct iovec) {u.recv_data[i], (size_t) size};
        memset(&u.send_vec[i], 0, sizeof u.send_vec[i]);
        memset(&u.recv_vec[i], 0, sizeof u.recv_vec[i]);
        u.send_vec[i].msg_hdr.msg_iov = &u.send_iov[i];
        u.send_vec[i].msg_hdr.msg_iovlen = 1;
        u.recv_vec[i].msg_hdr.msg_iov = &u.recv_iov[i];
        u.recv_vec[i].msg_hdr.msg_iovlen = 1;
    }
    measure(mmsg ? udp_mmsg : udp_single, &u, 4, 0, 0, BATCH, "ops/s");
    close(fds[0]);
    close(fds[1]);
}

/* ---- UDP GSO / GRO ------------------------------------------------------------------------ */

#define GSO_SEGMENTS 48

struct gso {
    int from, to;
    char *data;                              /* GSO_SEGMENTS * size bytes */
    struct mmsghdr send_vec[GSO_SEGMENTS], recv_vec[GSO_SEGMENTS];
    struct iovec send_iov[GSO_SEGMENTS], recv_iov[GSO_SEGMENTS];
    char *recv_data;                         /* GSO_SEGMENTS * size bytes, or 64 KiB for GRO */
    char control[CMSG_SPACE(sizeof(uint16_t))];
    char recv_control[CMSG_SPACE(sizeof(int))];
};

static void gso_op(void *ctx) {
    struct gso *g = ctx;
    if (opt_gso) {
        struct iovec iov = {g->data, (size_t) size * GSO_SEGMENTS};
        struct msghdr m = {0};
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = g->control;
        m.msg_controllen = sizeof g->control;
        if (sendmsg(g->from, &m, 0) < 0) die("sendmsg(UDP_SEGMENT)");
    } else {
        int sent = 0;
        while (sent < GSO_SEGMENTS) {
            int n = sendmmsg(g->from, g->send_vec + sent, (unsigned) (GSO_SEGMENTS - sent), 0);
            if (n < 0) die("sendmmsg");
            sent += n;
        }
    }
    if (opt_gro) {
        long got = 0;
        while (got < (long) size * GSO_SEGMENTS) {
            struct iovec iov = {g->recv_data, CHUNK};
            struct msghdr m = {0};
            m.msg_iov = &iov;
            m.msg_iovlen = 1;
            m.msg_control = g->recv_control;
            m.msg_controllen = sizeof g->recv_control;
            ssize_t n = recvmsg(g->to, &m, 0);
            if (n < 0) die("recvmsg");
            got += n;
        }
    } else {
        int got = 0;
        while (got < GSO_SEGMENTS) {
            int n = recvmmsg(g->to, g->recv_vec + got, (unsigned) (GSO_SEGMENTS - got), MSG_WAITFORONE, NULL);
            if (n < 0) die("recvmmsg");
            got += n;
        }
    }
}

static void udp_gso(void) {
    static struct gso g;
    int fds[2];
    if ((long) size * GSO_SEGMENTS > 65507) die("size too large for udp_gso (48 segments must fit 65507 bytes)");
    pin(cpu_a);
    udp_pair(fds);
    g.from = fds[0];
    g.to = fds[1];
    g.data = calloc(GSO_SEGMENTS, (size_t) size);
    g.recv_data = calloc(1, CHUNK > size * GSO_SEGMENTS ? CHUNK : (size_t) size * GSO_SEGMENTS);
    if (!g.data || !g.recv_data) die("calloc");
    for (int i = 0; i < GSO_SEGMENTS; i++) {
        g.send_iov[i] = (struct iovec) {g.data + (size_t) i * size, (size_t) size};
        g.recv_iov[i] = (struct iovec) {g.recv_data + (size_t) i * size, (size_t) size};
        g.send_vec[i].msg_hdr.msg_iov = &g.send_iov[i];
        g.send_vec[i].msg_hdr.msg_iovlen = 1;
        g.recv_vec[i].msg_hdr.msg_iov = &g.recv_iov[i];
        g.recv_vec[i].msg_hdr.msg_iovlen = 1;
    }
    struct cmsghdr *c = (struct cmsghdr *) g.control;
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    *(uint16_t *) CMSG_DATA(c) = (uint16_t) size;
    if (opt_gro) {
        int on = 1;
        if (setsockopt(g.to, SOL_UDP, UDP_GRO, &on, sizeof on) < 0) die("setsockopt(UDP_GRO)");
    }
    measure(gso_op, &g, 4, 0, 0, GSO_SEGMENTS, "ops/s");
    close(fds[0]);
    close(fds[1]);
}

/* ---- TCP MSG_ZEROCOPY --------------------------------------------------------------------- */

#define ZC_SIZE (1024 * 1024)

struct zc {
    int fd;
    char *buf;
    long completed;
};

static void zc_drain(struct zc *z) {
    for (;;) {
        char control[128];
        struct msghdr m = {0};
        m.msg_control = control;
        m.msg_controllen = sizeof control;
        if (recvmsg(z->fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
            if (errno == EAGAIN || errno == EINTR) return;
            die("recvmsg(MSG_ERRQUEUE)");
        }
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
            struct sock_extended_err *e = (struct sock_extended_err *) CMSG_DATA(c);
            if (e->ee_origin == SO_EE_ORIGIN_ZEROCOPY) z->completed += (long) (e->ee_data - e->ee_info) + 1;
        }
    }
}

static void zc_op(void *ctx) {
    struct zc *z = ctx;
    size_t off = 0;
    while (off < ZC_SIZE) {
        ssize_t r = send(z->fd, z->buf + off, ZC_SIZE - off, MSG_NOSIGNAL | (opt_zerocopy ? MSG_ZEROCOPY : 0));
        if (r < 0) {
            if (errno == EINTR) continue;
            if (errno == ENOBUFS && opt_zerocopy) { zc_drain(z); continue; } /* optmem full: completions pending */
            die("send");
        }
        off += (size_t) r;
    }
    if (opt_zerocopy) zc_drain(z);
}

static void tcp_zerocopy(void) {
    static struct zc z;
    int fds[2];
    pin_main();
    tcp_pair(fds);
    z.fd = fds[0];
    z.buf = aligned_alloc(4096, ZC_SIZE);
    if (!z.buf) die("aligned_alloc");
    memset(z.buf, 'x', ZC_SIZE);
    if (opt_zerocopy) {
        int on = 1;
        if (setsockopt(z.fd, SOL_SOCKET, SO_ZEROCOPY, &on, sizeof on) < 0) die("setsockopt(SO_ZEROCOPY)");
    }
    struct peer *p = peer_start(fds[1], CHUNK, 0);
    measure(zc_op, &z, 1, 0, 0, 1, "ops/s");
    shutdown(fds[0], SHUT_RDWR);
    peer_stop(p);
    close(fds[0]);
}

static int sink_value;

static void downcall(void *ctx) {
    int fd = *(int *) ctx, v = 0;
    socklen_t len = sizeof v;
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) < 0) die("getsockopt");
    sink_value += v;
}


/* ---- echo_loop: many connections, one thread, epoll ------------------------------------ */

#define ECHO_MSG 64

/* 10,000 connections need more descriptors than a default soft limit: take the hard limit */
static void raise_nofile(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) die("setrlimit");
    }
}

static void epoll_add(int ep, int fd, unsigned events) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.fd = fd;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl");
}

/*
 * The epoll servers' start: the descriptor limit, the thread pinned to --cpu-a, and a listener,
 * nonblocking, on 127.0.0.1:--port (0: any), in a new epoll set (*ep) for EPOLLIN, announced as
 * "listening on 127.0.0.1:PORT". Returns the listener.
 */
static int epoll_server_start(int *ep) {
    int one = 1;
    raise_nofile();
    pin(cpu_a);
    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l < 0) die("socket");
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = loopback(port);
    socklen_t len = sizeof a;
    if (bind(l, (struct sockaddr *) &a, sizeof a) < 0) die("bind");
    if (listen(l, 65535) < 0) die("listen");
    if (getsockname(l, (struct sockaddr *) &a, &len) < 0) die("getsockname");
    *ep = epoll_create1(EPOLL_CLOEXEC);
    if (*ep < 0) die("epoll_create1");
    epoll_add(*ep, l, EPOLLIN);
    printf("listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
    fflush(stdout);
    return l;
}

/* epoll_wait for up to max events, as long as it takes (EINTR: again) */
static int epoll_wait_ready(int ep, struct epoll_event *events, int max) {
    for (;;) {
        int n = epoll_wait(ep, events, max, -1);
        if (n >= 0) return n;
        if (errno != EINTR) die("epoll_wait");
    }
}

/*
 * Every connection waiting on the epoll server's listener l, accepted nonblocking: while fewer
 * than max are kept (max -1: no limit), each gets TCP_NODELAY and EPOLLIN in ep and goes into
 * fds[kept] (fds may be NULL); past max each is closed (one generator at a time). Returns how
 * many are kept now.
 */
static int accept_all(int ep, int l, int *fds, int kept, int max) {
    int one = 1;
    for (;;) {
        int c = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return kept;
            if (errno == EINTR || errno == ECONNABORTED) continue;
            die("accept4");
        }
        if (kept == max) {
            close(c);
            continue;
        }
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        epoll_add(ep, c, EPOLLIN);
        if (fds) fds[kept] = c;
        kept++;
    }
}

/*
 * The limit: level-triggered EPOLLIN on every connection, one recv into a shared buffer and one
 * send of what came, per ready connection, as the Java servers do. With one 64-byte message in
 * flight per connection the send always fits the socket buffer; should it ever not, the rest is
 * sent blocking (counted, printed on exit) rather than kept per connection.
 */
static void echo_server(void) {
    static char buf[CHUNK];
    static struct epoll_event events[1024];
    long short_sends = 0;
    int ep;
    int l = epoll_server_start(&ep);
    for (;;) {
        int n = epoll_wait_ready(ep, events, 1024);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == l) {
                accept_all(ep, l, NULL, 0, -1);
                continue;
            }
            ssize_t r = recv(fd, buf, sizeof buf, 0);
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
            if (r <= 0) {
                close(fd); /* the last descriptor of it: epoll forgets it */
                continue;
            }
            ssize_t w = send(fd, buf, (size_t) r, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w == r) continue;
            if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                close(fd);
                continue;
            }
            short_sends++;
            fprintf(stderr, "echo_server: short send (%ld so far), finishing it blocking\n", short_sends);
            size_t off = w < 0 ? 0 : (size_t) w;
            while (off < (size_t) r) {
                struct pollfd p = {fd, POLLOUT, 0};
                poll(&p, 1, -1);
                ssize_t m = send(fd, buf + off, (size_t) r - off, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (m > 0) off += (size_t) m;
                else if (m < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) break;
            }
        }
    }
}

struct gen_conn {
    int fd;
    int got;
    int in_flight;
    char msg[ECHO_MSG];
    char in[ECHO_MSG];
};

static struct gen_conn *gen;
static int gen_ep;
static long gen_in_flight;

/* The load generators' start: the descriptor limit, --placement's CPU, --port checked, gen_ep. */
static void gen_start(const char *mode) {
    raise_nofile();
    if (strcmp(placement, "split") == 0) pin(cpu_b);
    else if (strcmp(placement, "same") == 0) pin(cpu_a);
    if (port <= 0) {
        fprintf(stderr, "%s needs --port\n", mode);
        exit(2);
    }
    gen_ep = epoll_create1(EPOLL_CLOEXEC);
    if (gen_ep < 0) die("epoll_create1");
}

/* The generators' wait on gen_ep: at most 100 ms, so that their loops keep an eye on the clock; 0 on EINTR. */
static int gen_wait(struct epoll_event *events, int max) {
    int n = epoll_wait(gen_ep, events, max, 100);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    return n < 0 ? 0 : n;
}

/*
 * Generator connection i to the server: TCP_NODELAY, connected blocking (a full accept queue only
 * delays it), then driven nonblocking, in gen_ep for EPOLLIN with i as its data.
 */
static int gen_connect(int i) {
    int one = 1;
    struct sockaddr_in a = loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *) &a, sizeof a) < 0) die("connect");
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) die("fcntl");
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.u32 = (unsigned) i;
    if (epoll_ctl(gen_ep, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl");
    return fd;
}

static void wait_for_stdin(void) {
    char line[64];
    while (read(0, line, sizeof line) < 0 && errno == EINTR) { }
}

static void gen_send(struct gen_conn *g) {
    g->msg[0]++; /* every message differs from the last */
    send_fully(g->fd, g->msg, ECHO_MSG);
    g->in_flight = 1;
    gen_in_flight++;
}

/*
 * Drives the connections until `end` (sending a connection's next message as soon as the whole
 * echo of the last came back and matched), or, with sending = 0, until every echo in flight is
 * back. Returns the echoes completed.
 */
static long gen_run(double end, int sending) {
    static struct epoll_event events[1024];
    long echoes = 0;
    for (;;) {
        double t = now();
        if (sending ? t >= end : gen_in_flight == 0) break;
        if (!sending && t >= end) {
            fprintf(stderr, "echo_loop: %ld echoes still in flight after 30 s\n", gen_in_flight);
            exit(2);
        }
        int n = gen_wait(events, 1024);
        for (int e = 0; e < n; e++) {
            struct gen_conn *g = &gen[events[e].data.u32];
            ssize_t got = recv(g->fd, g->in + g->got, (size_t) (ECHO_MSG - g->got), MSG_DONTWAIT);
            if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
            if (got < 0) die("recv");
            if (got == 0 || !g->in_flight) {
                fprintf(stderr, "echo_loop: connection %ld: %s\n", (long) (g - gen),
                        got == 0 ? "the server closed it" : "bytes with no message in flight");
                exit(2);
            }
            g->got += (int) got;
            if (g->got < ECHO_MSG) continue;
            if (memcmp(g->in, g->msg, ECHO_MSG) != 0) {
                fprintf(stderr, "echo_loop: connection %ld got back other bytes than it sent\n", (long) (g - gen));
                exit(2);
            }
            g->got = 0;
            g->in_flight = 0;
            gen_in_flight--;
            echoes++;
            if (sending) gen_send(g);
        }
    }
    return echoes;
}

/*
 * One round: every connection gets a message in flight; after a lead of ms / 2 (sending the first
 * 10,000 messages alone takes a good part of a short round, and the first echoes bunch up), echoes
 * are counted for ms; then every echo in flight is drained, so the server is idle after the round.
 */
static double gen_round(int ms) {
    for (int i = 0; i < conns; i++) {
        if (!gen[i].in_flight) gen_send(&gen[i]);
    }
    gen_run(now() + ms / 2000.0, 1);
    double start = now();
    long echoes = gen_run(start + ms / 1000.0, 1);
    double rate = echoes / (now() - start);
    gen_run(now() + 30, 0); /* the server goes idle before the next round, whoever serves it */
    return rate;
}

/*
 * The load generator: N connections, each with one 64-byte message in flight. Default: warm-up
 * and measured rounds back to back. --rotate 1: prints "connected N", then runs one round per
 * "run MS" line on stdin (printing "round 0 VALUE echoes/s") until "quit" or EOF, so that a caller
 * can take rounds of several servers in rotation, each generator idle (nothing in flight) while
 * another one runs.
 */
static void echo_loop(void) {
    gen_start("echo_loop");
    gen = calloc((size_t) conns, sizeof *gen);
    if (!gen) die("calloc");
    for (int i = 0; i < conns; i++) {
        for (int k = 0; k < ECHO_MSG; k++) gen[i].msg[k] = (char) (i * 31 + k);
        gen[i].fd = gen_connect(i);
    }
    if (idle || rotate) {
        printf("connected %d\n", conns);
        fflush(stdout);
    }
    if (idle) {
        wait_for_stdin();
    } else if (rotate) {
        char line[128];
        int ms;
        while (fgets(line, sizeof line, stdin)) {
            if (sscanf(line, "run %d", &ms) == 1 && ms > 0) {
                printf("round 0 %.6g echoes/s\n", gen_round(ms));
                fflush(stdout);
            } else {
                break;
            }
        }
    } else {
        for (int r = 0; r < warmup + rounds; r++) {
            if (r == warmup) {
                printf("warmed\n");
                fflush(stdout);
            }
            double rate = gen_round(round_ms);
            if (r >= warmup) {
                printf("round %d %.6g echoes/s\n", r - warmup + 1, rate);
                fflush(stdout);
            }
        }
        printf("done\n");
        fflush(stdout);
        if (wait_stdin) wait_for_stdin();
    }
    for (int i = 0; i < conns; i++) close(gen[i].fd);
    free(gen);
}

/* ---- fan_out: one message to each of N connections per round ----------------------------- */

/*
 * The fan-out protocol (issue 21): the server accepts --conns N connections; every byte it
 * receives on any of them is one "go"; on a go, once all N are accepted, it sends one 64-byte
 * message (FAN_BYTE) to each of the N connections, then waits for the next go. The load
 * generator sends one go (on its first connection) when a round starts and the next one only
 * when every connection has its whole message, so rounds never overlap and the server is idle
 * whenever the generator holds the go back: the server's send side is what is measured.
 */
#define FAN_BYTE 'f'

/*
 * The C epoll fan-out server: level-triggered EPOLLIN on every connection (for the go bytes),
 * then one send(2) per connection per round, the shape of the library's Readiness loop.
 */
static void fan_server(void) {
    static char buf[CHUNK];
    static char msg[ECHO_MSG];
    static struct epoll_event events[1024];
    memset(msg, FAN_BYTE, sizeof msg);
    int *fds = calloc((size_t) conns, sizeof *fds);
    if (!fds) die("calloc");
    int accepted = 0;
    long pending = 0;
    int ep;
    int l = epoll_server_start(&ep);
    for (;;) {
        int n = epoll_wait_ready(ep, events, 1024);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == l) {
                accepted = accept_all(ep, l, fds, accepted, conns);
                continue;
            }
            ssize_t r = recv(fd, buf, sizeof buf, 0);
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
            if (r <= 0) {
                exit(0); /* the generator is gone: this server served its one */
            }
            pending += r;
        }
        if (pending > 0 && accepted == conns) {
            pending--;
            for (int i = 0; i < conns; i++) {
                /* one message per connection per round, taken by the reader before the next go: it always fits */
                ssize_t w = send(fds[i], msg, sizeof msg, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (w != (ssize_t) sizeof msg) {
                    fprintf(stderr, "fan_server: send to connection %d: %s\n", i, w < 0 ? strerror(errno) : "short");
                    exit(2);
                }
            }
        }
    }
}

struct fan_conn {
    int fd;
    int got;   /* bytes of this round's message so far */
    long round; /* the round `got` belongs to */
};

static struct fan_conn *fan;
static long fan_round, fan_got; /* the current round; whole messages of it received */

static void fan_go(void) {
    char go = 'g';
    fan_round++;
    fan_got = 0;
    send_fully(fan[0].fd, &go, 1);
}

/*
 * Receives until `end`, starting the next round (one go) as soon as every connection has this
 * round's message; with sending = 0, only until the round in flight is complete. Returns the
 * messages received.
 */
static long fan_run(double end, int sending) {
    static struct epoll_event events[1024];
    static char in[ECHO_MSG];
    long messages = 0;
    for (;;) {
        double t = now();
        if (sending ? t >= end : fan_got == conns) break;
        if (sending && fan_got == conns) fan_go(); /* the last round ended as the previous call's time ran out */
        if (!sending && t >= end) {
            fprintf(stderr, "fan_out: round %ld still short of %ld messages after 30 s\n", fan_round, conns - fan_got);
            exit(2);
        }
        int n = gen_wait(events, 1024);
        for (int e = 0; e < n; e++) {
            struct fan_conn *g = &fan[events[e].data.u32];
            if (g->round != fan_round) {
                g->round = fan_round;
                g->got = 0;
            }
            /* ask for one byte more than is due: a second message in one round is caught, not hidden */
            ssize_t got = recv(g->fd, in, (size_t) (ECHO_MSG - g->got) + 1, MSG_DONTWAIT);
            if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
            if (got < 0) die("recv");
            if (got == 0 || g->got + got > ECHO_MSG) {
                fprintf(stderr, "fan_out: connection %ld: %s\n", (long) (g - fan),
                        got == 0 ? "the server closed it" : "more than one message in a round");
                exit(2);
            }
            for (ssize_t k = 0; k < got; k++) {
                if (in[k] != FAN_BYTE) {
                    fprintf(stderr, "fan_out: connection %ld got other bytes than the message\n", (long) (g - fan));
                    exit(2);
                }
            }
            g->got += (int) got;
            if (g->got < ECHO_MSG) continue;
            messages++;
            ++fan_got;
        }
    }
    return messages;
}

static double cpu_seconds(void) {
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) die("getrusage");
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

/*
 * One round as echo_loop's: a lead of ms / 2, ms counted, then the round in flight is drained.
 * Prints "round 0 RATE messages/s TOTAL CPU": TOTAL = every message of the round (lead and drain
 * included: what a system-call count over the whole round is divided by), CPU = this process's
 * CPU time over the round's wall time (near 1: the generator, not the server, set the pace).
 */
static void fan_round_run(int ms) {
    double t0 = now(), c0 = cpu_seconds();
    long total = fan_run(t0 + ms / 2000.0, 1);
    double start = now();
    long messages = fan_run(start + ms / 1000.0, 1);
    double rate = messages / (now() - start);
    total += messages + fan_run(now() + 30, 0);
    printf("round 0 %.6g messages/s %ld %.3f\n", rate, total, (cpu_seconds() - c0) / (now() - t0));
    fflush(stdout);
}

/*
 * The fan-out load generator: N connections (one thread, epoll), reading and checking every
 * message, sending the go that starts the server's next round. --rotate 1 as echo_loop's:
 * "connected N", then one round per "run MS" line, printing "round 0 VALUE messages/s TOTAL CPU";
 * without it, --warmup + --rounds rounds back to back, each printed the same way.
 */
static void fan_out(void) {
    gen_start("fan_out");
    fan = calloc((size_t) conns, sizeof *fan);
    if (!fan) die("calloc");
    for (int i = 0; i < conns; i++) {
        fan[i].fd = gen_connect(i);
    }
    fan_got = conns; /* no round in flight */
    if (rotate) {
        printf("connected %d\n", conns);
        fflush(stdout);
        char line[128];
        int ms;
        while (fgets(line, sizeof line, stdin)) {
            if (sscanf(line, "run %d", &ms) == 1 && ms > 0) {
                fan_round_run(ms);
            } else {
                break;
            }
        }
    } else {
        for (int r = 0; r < warmup + rounds; r++) {
            fan_round_run(round_ms);
        }
    }
    for (int i = 0; i < conns; i++) close(fan[i].fd);
    free(fan);
}

static void *idle_thread(void *arg) {
    (void) arg;
    for (;;) pause();
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: nsbench WORKLOAD [--size N] [--placement same|split|none] [--warmup N] [--rounds N] [--ms N]"
                        " [--gso 0|1] [--gro 0|1] [--zerocopy 0|1]\n"
                        "       nsbench echo_server [--port P]\n"
                        "       nsbench echo_loop --port P [--conns N] [--placement same|split] [--warmup N] [--rounds N] [--ms N] [--wait 1] [--idle 1] [--rotate 1]\n"
                        "       nsbench fan_server --conns N [--port P]\n"
                        "       nsbench fan_out --port P --conns N [--placement same|split] [--warmup N] [--rounds N] [--ms N] [--rotate 1]\n");
        return 2;
    }
    const char *w = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--size")) size = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--placement")) placement = argv[i + 1];
        else if (!strcmp(argv[i], "--warmup")) warmup = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--rounds")) rounds = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--ms")) round_ms = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--gso")) opt_gso = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--gro")) opt_gro = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--zerocopy")) opt_zerocopy = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--conns")) conns = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--idle")) idle = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--wait")) wait_stdin = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--rotate")) rotate = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    /*
     * A JVM is always multi-threaded, and glibc's send/recv/accept/connect (cancellation points)
     * take a cheaper path only while a process is single-threaded: they skip the atomic
     * enable/disable of asynchronous cancellation around the system call. So that the one-thread
     * workloads compare like with like, this process always has a second, idle thread, as any
     * real server has. NS_SINGLE_THREADED=1 leaves it out (to measure that difference).
     */
    if (!getenv("NS_SINGLE_THREADED") || strcmp(getenv("NS_SINGLE_THREADED"), "1") != 0) {
        pthread_t idle;
        if (pthread_create(&idle, NULL, idle_thread, NULL) != 0) die("pthread_create");
        pthread_detach(idle);
    }
    {
        /* defaults: the first two CPUs this process may run on (the same rule as the Java side) */
        cpu_set_t allowed;
        int found = 0;
        if (sched_getaffinity(0, sizeof allowed, &allowed) == 0) {
            for (int c = 0; c < CPU_SETSIZE && found < 2; c++) {
                if (CPU_ISSET(c, &allowed)) {
                    if (found == 0) cpu_a = cpu_b = c;
                    else cpu_b = c;
                    found++;
                }
            }
        }
    }
    if (getenv("NS_CPU_A")) cpu_a = atoi(getenv("NS_CPU_A"));
    if (getenv("NS_CPU_B")) cpu_b = atoi(getenv("NS_CPU_B"));
    if (size < 1 || size > CHUNK) {
        fprintf(stderr, "size must be 1..%d\n", CHUNK);
        return 2;
    }
    int fds[2];
    if (!strcmp(w, "tcp_pingpong")) {
        tcp_pair(fds);
        pingpong(fds, 1);
    } else if (!strcmp(w, "unix_pingpong")) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) die("socketpair");
        pingpong(fds, 1);
    } else if (!strcmp(w, "udp_pingpong")) {
        udp_pair(fds);
        pingpong(fds, 0);
    } else if (!strcmp(w, "tcp_throughput")) {
        tcp_throughput();
    } else if (!strcmp(w, "connect_accept")) {
        struct listener l;
        pin(cpu_a);
        l.fd = tcp_listener(&l.addr);
        measure(connect_accept, &l, 16, 0, 0, 1, "ops/s");
        close(l.fd);
    } else if (!strcmp(w, "udp_batch")) {
        udp_batch(0);
    } else if (!strcmp(w, "udp_batch_mmsg")) {
        udp_batch(1);
    } else if (!strcmp(w, "udp_gso")) {
        udp_gso();
    } else if (!strcmp(w, "tcp_zerocopy")) {
        tcp_zerocopy();
    } else if (!strcmp(w, "echo_server")) {
        echo_server();
    } else if (!strcmp(w, "echo_loop")) {
        if (conns < 1 || conns > 1000000) {
            fprintf(stderr, "conns must be 1..1000000\n");
            return 2;
        }
        echo_loop();
    } else if (!strcmp(w, "fan_server") || !strcmp(w, "fan_out")) {
        if (conns < 1 || conns > 1000000) {
            fprintf(stderr, "conns must be 1..1000000\n");
            return 2;
        }
        if (!strcmp(w, "fan_server")) fan_server();
        else fan_out();
    } else if (!strcmp(w, "downcall")) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) die("socket");
        pin(cpu_a);
        measure(downcall, &fd, 256, 1, 1e9, 1, "ns/op");
        close(fd);
    } else {
        fprintf(stderr, "unknown workload %s\n", w);
        return 2;
    }
    return sink_value == 42 ? 1 : 0;
}
