// RUN: %weft_verify %s
// Descriptors shown non-blocking, every way a program shows it: opened with
// a *_NONBLOCK flag (socket, accept4, open, pipe2, socketpair, eventfd,
// timerfd, signalfd), switched with fcntl (directly, or through a flags
// variable) or ioctl FIONBIO with a non-zero int, switched by a helper of
// the program's that provably does it, copied from such a descriptor, or
// delivered by weft_accept to a continuation; and connect on a UDP socket.
#define _GNU_SOURCE
#include <weft.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

// expected-no-diagnostics

struct conn {
  int fd;
  struct conn *peer;
};

async(ssize_t) opened(struct conn *c, char *buf) {
  int l = weft_tcp_listen(NULL, 0);
  int fds[2], sv[2];
  pipe2(fds, O_NONBLOCK | O_CLOEXEC);
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
  int ev = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  int tf = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  sigset_t mask;
  sigemptyset(&mask);
  int sf = signalfd(-1, &mask, SFD_NONBLOCK);
  int f = open("/dev/null", O_RDONLY | O_NONBLOCK);
  c->fd = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  ssize_t n = read(fds[0], buf, 8) + read(sv[1], buf, 8) + read(ev, buf, 8);
  n += read(tf, buf, 8) + read(sf, buf, 8) + read(f, buf, 8) + recv(c->fd, buf, 8, 0);
  int copy = ev;
  n += read(copy, buf, 8);
  return weft_return(ssize_t, n);
}

async(ssize_t) switched(int a, int b, int c, struct conn *cl, char *buf) {
  int on = 1;
  ioctl(a, FIONBIO, &on);
  ioctl(b, FIONBIO, &(int){1});
  int fl = fcntl(c, F_GETFL);
  fl |= O_NONBLOCK;
  fcntl(c, F_SETFL, fl);
  fcntl(cl->peer->fd, F_SETFL, fcntl(cl->peer->fd, F_GETFL) | O_NONBLOCK);
  ssize_t n = read(a, buf, 8) + read(b, buf, 8) + read(c, buf, 8) + recv(cl->peer->fd, buf, 8, 0);
  return weft_return(ssize_t, n);
}

// Helpers: the fcntl one, an ioctl one, and one that calls another.
static int set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0)
    return -1;
  return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}
static void nbio(int fd) {
  int one = 1;
  ioctl(fd, FIONBIO, &one);
}
static void prepare(int unused, int fd) {
  (void)unused;
  set_nonblocking(fd);
}
async(ssize_t) after_helpers(int a, struct conn *c, int d, char *buf) {
  set_nonblocking(a);
  nbio(c->fd);
  prepare(0, d);
  return weft_return(ssize_t, read(a, buf, 8) + recv(c->fd, buf, 8, 0) + read(d, buf, 8));
}

// A helper that switches the descriptor a struct it is given holds.
static void conn_setup(struct conn *c) { fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK); }
async(ssize_t) after_setup(struct conn *c, char *buf) {
  struct conn local = {0};
  conn_setup(c);
  conn_setup(&local);
  return weft_return(ssize_t, recv(c->fd, buf, 8, 0) + read(local.fd, buf, 8));
}

// weft_accept's descriptor is documented non-blocking.
static async(ssize_t) on_client(void *env, int fd) {
  return weft_return(ssize_t, recv(fd, env, 8, 0));
}
static long on_client_sync(void *env, int fd) { return (long)read(fd, env, 8); }
async(ssize_t) serve(int l, char *buf) { return weft_bind(weft_accept(l), on_client, buf); }
async(long) serve_mapped(int l, char *buf) {
  async(int) next = weft_accept(l);
  return weft_map(next, on_client_sync, buf);
}

// connect on a datagram socket only records the peer.
async(int) udp(const struct sockaddr *a, socklen_t len) {
  int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  return weft_return(int, connect(u, a, len));
}
