/* echo_ev.c: the TCP echo server on libev: one ev_io per connection, one shared read buffer, what is not written
 * at once is kept per connection and sent when the socket is writable.  Peer of weft's examples/echo_server.
 * Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole). */
#include <errno.h>
#include <ev.h>
#include <stdlib.h>
#include <string.h>

#include "listen.h"

struct conn {
  ev_io io;
  char *pending;
  size_t len;
};

static char buf[65536];

static void drop(struct ev_loop *loop, struct conn *c)
{
  ev_io_stop(loop, &c->io);
  close(c->io.fd);
  free(c->pending);
  free(c);
}

static void on_conn(struct ev_loop *loop, ev_io *w, int revents)
{
  struct conn *c = (struct conn *)w;
  if (revents & EV_WRITE) {
    ssize_t n = send(w->fd, c->pending, c->len, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN)
      return drop(loop, c);
    if (n > 0) {
      memmove(c->pending, c->pending + n, c->len - (size_t)n);
      c->len -= (size_t)n;
    }
    if (c->len == 0) {
      free(c->pending);
      c->pending = NULL;
      ev_io_stop(loop, w);
      ev_io_set(w, w->fd, EV_READ);
      ev_io_start(loop, w);
    }
    return;
  }
  ssize_t r = recv(w->fd, buf, sizeof buf, 0);
  if (r <= 0) {
    if (r < 0 && errno == EAGAIN)
      return;
    return drop(loop, c);
  }
  ssize_t n = send(w->fd, buf, (size_t)r, MSG_NOSIGNAL);
  if (n < 0 && errno != EAGAIN)
    return drop(loop, c);
  if (n < 0)
    n = 0;
  if (n < r) {
    c->len = (size_t)(r - n);
    c->pending = malloc(c->len);
    memcpy(c->pending, buf + n, c->len);
    ev_io_stop(loop, w);
    ev_io_set(w, w->fd, EV_WRITE);
    ev_io_start(loop, w);
  }
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
  (void)revents;
  int fd;
  while ((fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
    struct conn *c = calloc(1, sizeof *c);
    ev_io_init(&c->io, on_conn, fd, EV_READ);
    ev_io_start(loop, &c->io);
  }
}

int main(int argc, char **argv)
{
  struct ev_loop *loop = ev_default_loop(EVBACKEND_EPOLL);
  ev_io accept_w;
  ev_io_init(&accept_w, on_accept, bench_listen(argc, argv), EV_READ);
  ev_io_start(loop, &accept_w);
  ev_run(loop, 0);
  return 0;
}
