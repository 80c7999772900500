/* echo_epoll.c: the TCP echo server written by hand on epoll (level-triggered, one shared buffer, what is not
 * written at once is kept per connection until the socket is writable).  Peer of weft's examples/echo_server.
 * Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "listen.h"

struct conn {
  int fd;
  char *pending; /* bytes the socket did not take yet, or NULL */
  size_t len;
};

static char buf[65536];

static void drop(struct conn *c)
{
  close(c->fd);
  free(c->pending);
  free(c);
}

int main(int argc, char **argv)
{
  int lfd = bench_listen(argc, argv);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  for (;;) {
    struct epoll_event evs[256];
    int k = epoll_wait(ep, evs, 256, -1);
    for (int i = 0; i < k; i++) {
      struct conn *c = evs[i].data.ptr;
      if (!c) {
        int fd;
        while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          struct conn *n = calloc(1, sizeof *n);
          n->fd = fd;
          struct epoll_event e = {.events = EPOLLIN, .data.ptr = n};
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
        }
        continue;
      }
      if (c->pending) { /* writable again: send the rest, then read again */
        ssize_t w = send(c->fd, c->pending, c->len, MSG_NOSIGNAL);
        if (w < 0 && errno != EAGAIN) {
          drop(c);
          continue;
        }
        if (w > 0) {
          memmove(c->pending, c->pending + w, c->len - (size_t)w);
          c->len -= (size_t)w;
        }
        if (c->len == 0) {
          free(c->pending);
          c->pending = NULL;
          struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
          epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
        }
        continue;
      }
      ssize_t r = recv(c->fd, buf, sizeof buf, 0);
      if (r <= 0) {
        if (r < 0 && errno == EAGAIN)
          continue;
        drop(c);
        continue;
      }
      ssize_t w = send(c->fd, buf, (size_t)r, MSG_NOSIGNAL);
      if (w < 0 && errno != EAGAIN) {
        drop(c);
        continue;
      }
      if (w < 0)
        w = 0;
      if (w < r) {
        c->len = (size_t)(r - w);
        c->pending = malloc(c->len);
        memcpy(c->pending, buf + w, c->len);
        struct epoll_event e = {.events = EPOLLOUT, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
      }
    }
  }
}
