/* loadgen.c: the one load generator of the TCP echo benchmarks, used against every echo server (weft's and each
 * peer's), written on epoll.  Not a test: bench/run.py runs it (so ctest bench-quick covers it).
 *   loadgen echo PORT CONNS SECONDS [SIZE]  each connection sends SIZE bytes (128), waits for all of them back,
 *                                           sends again; prints the requests (round trips) completed per second
 *                                           and their number.
 *   loadgen idle PORT CONNS                 opens CONNS connections, makes one 1-byte round trip on each (so the
 *                                           server has accepted and served it), prints "ready" and waits for
 *                                           stdin to close.
 * Every socket has SO_LINGER 0: closing it sends a reset and leaves no TIME_WAIT behind, so that runs one after
 * another do not run out of local ports.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "args.h"

struct conn {
  int fd;
  size_t got; /* bytes of the current answer received */
};

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
  perror(what);
  exit(1);
}

static int open_conn(int port)
{
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  if (fd < 0)
    die("socket");
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
    die("connect");
  return fd;
}

static void send_all(int fd, const char *p, size_t n)
{
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EAGAIN)
      continue; /* 128 bytes into an empty socket buffer: never in practice */
    if (w <= 0)
      die("send");
    p += w;
    n -= (size_t)w;
  }
}

int main(int argc, char **argv)
{
  int idle = argc > 1 && strcmp(argv[1], "idle") == 0;
  int port = argc > 2 ? (int)bench_number(argv[2], 1, 65535) : -1;
  long nconns = argc > 3 ? bench_number(argv[3], 1, BENCH_COUNT_MAX) : -1;
  char *rest = NULL;
  double seconds = idle ? 0 : strtod(argc > 4 ? argv[4] : "1", &rest);
  long size_arg = idle ? 1 : argc > 5 ? bench_number(argv[5], 1, 65536) : 128;
  if (argc < 4 || argc > (idle ? 4 : 6) || (!idle && strcmp(argv[1], "echo") != 0) || port < 0 || nconns < 0 ||
      size_arg < 0 || (!idle && (*rest != '\0' || !(seconds > 0 && seconds < 1e6)))) {
    fprintf(stderr, "usage: loadgen echo PORT CONNS SECONDS [SIZE 1..65536] | loadgen idle PORT CONNS\n");
    return 2;
  }
  size_t size = (size_t)size_arg;
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);

  char *msg = malloc(size), *in = malloc(65536);
  memset(msg, 'm', size);
  struct conn *conns = calloc((size_t)nconns, sizeof *conns);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  for (long i = 0; i < nconns; i++) {
    conns[i].fd = open_conn(port);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[i]};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev) != 0)
      die("epoll_ctl");
  }
  double t0 = now(), end = t0 + seconds;
  for (long i = 0; i < nconns; i++)
    send_all(conns[i].fd, msg, size);
  long done = 0, answered = 0;
  int stop = 0;
  while (!stop) {
    struct epoll_event evs[512];
    int k = epoll_wait(ep, evs, 512, 1000);
    if (k < 0 && errno != EINTR)
      die("epoll_wait");
    for (int i = 0; i < k; i++) {
      struct conn *c = evs[i].data.ptr;
      ssize_t r = recv(c->fd, in, 65536, MSG_DONTWAIT);
      if (r < 0 && errno == EAGAIN)
        continue;
      if (r <= 0) {
        fprintf(stderr, "loadgen: the server closed a connection\n");
        return 1;
      }
      c->got += (size_t)r;
      if (c->got < size)
        continue;
      c->got -= size; /* an echo server never sends ahead: got is 0 again */
      if (idle) {
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        if (++answered == nconns)
          stop = 1;
        continue;
      }
      done++;
      send_all(c->fd, msg, size);
    }
    if (!idle && now() >= end)
      stop = 1;
  }
  if (idle) {
    printf("ready\n");
    fflush(stdout);
    while (read(0, in, 1) > 0) {
    }
    return 0;
  }
  printf("%.0f %ld\n", (double)done / (now() - t0), done);
  return 0;
}
