/* pingpong_ev.c: the socketpair ping-pong on libev: one ev_io watcher per end, each answering in its callback.
 * Same work as bench/pingpong.c.  Usage: pingpong_ev [round-trips]
 * Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole). */
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static long n, pinged;

static void on_ping_end(struct ev_loop *loop, ev_io *w, int revents)
{
  (void)revents;
  char c;
  if (read(w->fd, &c, 1) != 1)
    exit(1);
  if (++pinged == n) {
    ev_break(loop, EVBREAK_ALL);
    return;
  }
  if (write(w->fd, "x", 1) != 1)
    exit(1);
}

static void on_pong_end(struct ev_loop *loop, ev_io *w, int revents)
{
  (void)loop;
  (void)revents;
  char c;
  if (read(w->fd, &c, 1) != 1 || write(w->fd, "y", 1) != 1)
    exit(1);
}

int main(int argc, char **argv)
{
  n = argc > 1 ? atol(argv[1]) : 1000000L;
  int sv[2];
  if (n <= 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0)
    return 2;
  struct ev_loop *loop = ev_default_loop(EVBACKEND_EPOLL);
  ev_io ping_w, pong_w;
  ev_io_init(&ping_w, on_ping_end, sv[0], EV_READ);
  ev_io_init(&pong_w, on_pong_end, sv[1], EV_READ);
  ev_io_start(loop, &ping_w);
  ev_io_start(loop, &pong_w);
  ev_now_update(loop);
  double t0 = ev_time();
  if (write(sv[0], "x", 1) != 1)
    return 1;
  ev_run(loop, 0);
  double s = ev_time() - t0;
  printf("%.0f\n", (double)n / s);
  return 0;
}
