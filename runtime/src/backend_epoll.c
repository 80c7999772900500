/* backend_epoll.c: the loop's only contact with epoll, behind four calls (open, close, set, poll).
 * Covered by test/runtime/io_*.c, which drive it through pipes, socketpairs, TCP and regular files.
 *
 * The traps of epoll this file and io.c handle:
 *  a) An fd closed behind weft's back leaves the epoll set by itself (when its
 *     last reference goes), so a later MOD fails with ENOENT: add it again.
 *  b) A dup()ed fd keeps the registration alive after close(); weft removes
 *     interest itself (weft_close) rather than relying on close().
 *  c) ADD of an fd weft thought unregistered fails with EEXIST: modify it.
 *  d) Regular files and directories cannot be polled (EPERM); io.c never
 *     asks, it reads and writes them directly, as they never block for long.
 *  e) EPOLLERR and EPOLLHUP arrive whether asked for or not: they wake every
 *     waiter of the fd, whose syscall then reports the real error, and drop
 *     the registration if nobody waits.
 *  f) epoll_wait may return early (EINTR, or a timeout rounded down by the
 *     kernel): the loop rechecks the clock and never fires a timer early.
 *  g) Level-triggered mode: interest left registered after a completed wait
 *     reports again until dropped, so io.c drops it when an event finds no
 *     waiter; cancelled waits drop theirs at once. */
#include "internal.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#define EVENTS_PER_POLL 256

int weft__backend_open(void) {
  int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return -errno;
  weft__loop.backend_fd = fd;
  return 0;
}

void weft__backend_close(void) {
  weft__signal_close(); /* the signalfd is in the epoll set: it goes first */
  if (weft__loop.backend_fd >= 0) close(weft__loop.backend_fd);
  weft__loop.backend_fd = -1;
}

int weft__backend_set(int fd, uint32_t old_events, uint32_t new_events) {
  int epfd = weft__loop.backend_fd;
  struct epoll_event ev = {.events = new_events, .data.fd = fd};
  if (new_events == 0) {
    if (epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev) < 0 && errno != ENOENT && errno != EBADF) return -errno;
    return 0;
  }
  int op = old_events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(epfd, op, fd, &ev) == 0) return 0;
  if (op == EPOLL_CTL_MOD && errno == ENOENT) op = EPOLL_CTL_ADD;     /* trap a */
  else if (op == EPOLL_CTL_ADD && errno == EEXIST) op = EPOLL_CTL_MOD; /* trap c */
  else return -errno;
  return epoll_ctl(epfd, op, fd, &ev) == 0 ? 0 : -errno;
}

int weft__backend_poll(int timeout_ms) {
  struct epoll_event events[EVENTS_PER_POLL];
  weft__signal_settle();
  int n = epoll_wait(weft__loop.backend_fd, events, EVENTS_PER_POLL, timeout_ms);
  if (n < 0) return errno == EINTR ? 0 : -errno; /* trap f */
  for (int i = 0; i < n; i++)
    if (!weft__signal_ready(events[i].data.fd)) weft__io_ready(events[i].data.fd, events[i].events);
  return n;
}
