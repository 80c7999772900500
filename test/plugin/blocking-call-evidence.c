// RUN: %weft_verify %s
// Evidence that a descriptor is non-blocking is judged by value and per
// lvalue, in source order: FIONBIO with a zero makes it blocking, clearing
// O_NONBLOCK does too, a fact about client->fd or conns[0] says nothing of
// upstream->fd or conns[1], a fact written after the call or before the
// descriptor was replaced does not hold at the call.
#include <weft.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn {
  int fd;
};

async(ssize_t) fionbio_zero(int fd, char *buf) {
  int zero = 0;
  ioctl(fd, FIONBIO, &zero);
  return weft_return(ssize_t, read(fd, buf, 8)); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
}

async(ssize_t) cleared(int fd, char *buf) {
  int flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return weft_return(ssize_t, read(fd, buf, 8)); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
}

async(ssize_t) reset_to_zero(int fd, char *buf) {
  fcntl(fd, F_SETFL, O_NONBLOCK);
  fcntl(fd, F_SETFL, 0);
  return weft_return(ssize_t, read(fd, buf, 8)); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
}

async(ssize_t) other_member(struct conn *client, struct conn *upstream, char *buf) {
  fcntl(client->fd, F_SETFL, O_NONBLOCK);
  ssize_t n = recv(client->fd, buf, 8, 0);
  n += recv(upstream->fd, buf, 8, 0); // expected-warning {{call to 'recv' blocks the event loop; use 'weft_read' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  return weft_return(ssize_t, n);
}

async(ssize_t) other_element(struct conn *conns, char *buf) {
  fcntl(conns[0].fd, F_SETFL, O_NONBLOCK);
  ssize_t n = read(conns[0].fd, buf, 8);
  n += read(conns[1].fd, buf, 8); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  return weft_return(ssize_t, n);
}

async(ssize_t) too_late(int fd, char *buf) {
  ssize_t n = read(fd, buf, 8); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  fcntl(fd, F_SETFL, O_NONBLOCK);
  return weft_return(ssize_t, n);
}

async(ssize_t) replaced(int l, char *buf) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ssize_t n = read(fd, buf, 8);
  fd = accept(l, NULL, NULL); // expected-warning {{call to 'accept' blocks the event loop; use 'weft_accept' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += read(fd, buf, 8); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  return weft_return(ssize_t, n);
}

async(ssize_t) owner_replaced(struct conn *c, struct conn *next, char *buf) {
  fcntl(c->fd, F_SETFL, O_NONBLOCK);
  c = next;
  return weft_return(ssize_t, read(c->fd, buf, 8)); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
}

// A helper that makes its parameter blocking is evidence of the opposite.
static void set_blocking(int fd) {
  int fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
}
// A helper that switches some other descriptor is no evidence about this one.
static int log_fd;
static void quiet_log(int fd) {
  (void)fd;
  fcntl(log_fd, F_SETFL, O_NONBLOCK);
}
async(ssize_t) via_helpers(int fd, int other, char *buf) {
  fcntl(fd, F_SETFL, O_NONBLOCK);
  set_blocking(fd);
  quiet_log(other);
  ssize_t n = read(fd, buf, 8); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += read(other, buf, 8); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  return weft_return(ssize_t, n);
}

// connect on a stream socket blocks; a datagram socket is no excuse for read.
async(int) stream_connect(const struct sockaddr *a, socklen_t len, char *buf) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  int r = connect(s, a, len); // expected-warning {{call to 'connect' blocks the event loop; use 'weft_connect' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  r += (int)read(u, buf, 8); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  return weft_return(int, r);
}

// A helper that switches the descriptor of the struct it is given says
// nothing of another struct's, nor of one it replaced its parameter with.
static void conn_setup(struct conn *c) { fcntl(c->fd, F_SETFL, O_NONBLOCK); }
static void conn_reset(struct conn *c, struct conn *fresh) {
  fcntl(c->fd, F_SETFL, O_NONBLOCK);
  c = fresh;
}
async(ssize_t) other_struct(struct conn *a, struct conn *b, char *buf) {
  conn_setup(a);
  conn_reset(b, a);
  ssize_t n = read(a->fd, buf, 8);
  n += read(b->fd, buf, 8); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  return weft_return(ssize_t, n);
}
