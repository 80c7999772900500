/* ready.c: weft_wait_readable / weft_wait_writable, readiness waits for libraries that do their own IO (Lwt_unix.wait_read, uv_poll).
 * Covered by test/runtime/ready.c (waits, close, cancellation), ready_tls.c (OpenSSL over a socketpair) and ready_curl.c (libcurl multi).
 *
 * The wait is a primitive of io.c's (op_ready): it queues on the fd like a
 * read or a write, which is what makes weft_close fail it with -EBADF and
 * lets a cancellation release its watch.  This file builds it and answers
 * the one question io.c asks of it: is the fd ready now? */
#include "internal.h"

#include <errno.h>
#include <poll.h>

static WEFT_BOUNDARY async(void) ready_node(int fd, int dir) {
  struct weft__node *n = weft__node_new(WEFT__K_READY);
  n->u.read.fd = fd;
  n->u.read.n = (size_t)dir;
  return (async(void)){.node_ = n};
}

WEFT_BOUNDARY async(void) weft_wait_readable(int fd) {
  return ready_node(fd, WEFT__IO_READ);
}

WEFT_BOUNDARY async(void) weft_wait_writable(int fd) {
  return ready_node(fd, WEFT__IO_WRITE);
}

/* Hang-up and error conditions count as ready: the library's own call is
 * what reports them (end of file, ECONNRESET), as with uv_poll, whose
 * callback is called for UV_DISCONNECT too. */
int weft__ready_now(int fd, int dir) {
  struct pollfd p = {.fd = fd, .events = dir == WEFT__IO_READ ? POLLIN : POLLOUT};
  int r;
  while ((r = poll(&p, 1, 0)) < 0 && errno == EINTR) {
  }
  if (r < 0) return -errno;
  if (p.revents & POLLNVAL) return -EBADF;
  return r > 0;
}
