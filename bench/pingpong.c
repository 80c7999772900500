/* pingpong.c: the socketpair ping-pong benchmark, weft's side: one fiber writes a byte on one end and reads the
 * answer, another echoes it on the other end, N round trips in one loop.  Run by bench/run.py; prints round trips/s.
 * Usage: bench_pingpong [round-trips]   (default 10^6).  Peers: peers/pingpong_{ev,uv,epoll}.c, pingpong_lwt.ml.
 * ctest bench.smoke.pingpong runs it once, small. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <weft.h>

#include "args.h"

struct pingpong {
  int ping_fd, pong_fd;
  long n, pinged, ponged;
};

static async(void) ping(struct pingpong *p);
static async(void) pong(struct pingpong *p);

/*   fun answer -> if answer = "" then fail EIO else ping ()  (the round trip is complete) */
static async(void) ping_answered(struct pingpong *p, char *answer)
{
  if (weft_str_len(answer) != 1)
    return weft_fail(-EIO);
  p->pinged++;
  return ping(p);
}

static async(void) ping_wait(struct pingpong *p) { return weft_bind(weft_read(p->ping_fd, 1), ping_answered, p); }

/* let rec ping () = if done then return () else write ping_fd "x" >>= fun () -> read ping_fd 1 >>= ... */
static async(void) ping(struct pingpong *p)
{
  if (p->pinged == p->n)
    return weft_return(void);
  return weft_then(weft_write(p->ping_fd, "x", 1), ping_wait, p);
}

/*   fun data -> if data = "" then return () else write pong_fd data >>= pong */
static async(void) pong_got(struct pingpong *p, char *data)
{
  if (weft_str_len(data) == 0)
    return weft_return(void);
  p->ponged++;
  return weft_then(weft_write(p->pong_fd, "y", 1), pong, p);
}

static async(void) pong(struct pingpong *p)
{
  if (p->ponged == p->n)
    return weft_return(void);
  return weft_bind(weft_read(p->pong_fd, 1), pong_got, p);
}

int main(int argc, char **argv)
{
  int sv[2];
  struct pingpong p = {.n = argc > 1 ? bench_number(argv[1], 1, BENCH_COUNT_MAX) : 1000000L};
  if (argc > 2 || p.n <= 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
    fprintf(stderr, "usage: bench_pingpong [round-trips > 0]\n");
    return 2;
  }
  p.ping_fd = sv[0];
  p.pong_fd = sv[1];
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = weft_run(weft_join(ping(&p), pong(&p)), NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (rc != 0 || p.pinged != p.n) {
    fprintf(stderr, "pingpong: %d, %ld of %ld round trips\n", rc, p.pinged, p.n);
    return 1;
  }
  double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%.0f\n", (double)p.n / s);
  return 0;
}
