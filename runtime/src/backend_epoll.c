/* backend_epoll.c: the loop's only contact with epoll, behind four calls (open, close, set, poll).
 * Covered by test/runtime/io_*.c, which drive it through pipes, socketpairs, TCP and regular files.
 *
 * The traps of epoll this file and io.c handle:
 *  a) An fd closed behind weft's back leaves the epoll set by itself (when its
 *     last reference goes), so a later MOD fails with ENOENT: add it again.
 *     A wait on a kept registration makes no epoll_ctl, so io.c verifies it:
 *     by an event its retry uses, or by the skipped call when its delay is up.
 *  b) A dup()ed fd (or a fork's child) keeps the registration alive after
 *     close(), reporting the old file's events under the number; weft removes
 *     interest itself (weft_close) rather than relying on close().  When the
 *     kernel turns out to have no registration of the number's current file
 *     (MOD that had to ADD, DEL that found none: set returns 1), io.c retags
 *     the fd, so the old registration's events are dropped (trap i).
 *  c) ADD of an fd weft thought unregistered fails with EEXIST: modify it.
 *  d) Regular files and directories cannot be polled (EPERM); io.c never
 *     asks, it reads and writes them directly, as they never block for long.
 *     A device that turns out unpollable the same way is treated alike.
 *  e) EPOLLERR and EPOLLHUP arrive whether asked for or not: they wake the
 *     head of each queue of the fd, whose syscall then reports the real
 *     error, and drop the registration if nobody waits.
 *  f) epoll_wait may return early (EINTR, or a timeout rounded down by the
 *     kernel): the loop rechecks the clock and never fires a timer early.
 *  g) Level-triggered mode: interest left registered after a completed wait
 *     reports again until dropped, so io.c drops it when an event finds no
 *     waiter; cancelled waits drop theirs at once.  It also makes skipping
 *     the call safe: input that came before a wait is reported at the next
 *     poll (the drained and answer rules of io.c, and the kept registration).
 *  h) The interest list belongs to the epoll instance, which a fork()'s child
 *     shares: a child's ADD, MOD or DEL would change its parent's loop.  A
 *     child going on with an inherited loop is a misuse; its DELs are skipped.
 *  i) Events name a file by its number, which the kernel reuses at once
 *     after a close: each event's data carries weft's generation of the fd
 *     as well, and io.c drops events of a generation it has forgotten.
 *  j) Readiness says nothing about a description someone else may make
 *     blocking: io.c never relies on O_NONBLOCK (MSG_DONTWAIT, RWF_NOWAIT,
 *     private descriptions), and calls a blocking fd only once per report.
 *  k) Trap b's old registration cannot be removed: no number names its
 *     file any more, and epoll_ctl takes a number.  Its events are dropped
 *     (trap i), but level-triggered, they come at every poll for as long
 *     as the old file is ready (a dup or a fork's child holds a readable
 *     pipe): the loop would spin, never sleeping.  An event of a forgotten
 *     generation therefore makes the epoll instance anew, with every
 *     registration weft counts on (libev's ev_epoll.c does the same):
 *     the old registration goes with the old instance.
 */
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
  weft__pool_close();   /* so is the worker pool's eventfd */
  if (weft__loop.backend_fd >= 0) close(weft__loop.backend_fd);
  weft__loop.backend_fd = -1;
}

int weft__backend_set(int fd, uint32_t old_events, uint32_t new_events, uint64_t data) {
  int epfd = weft__loop.backend_fd;
  struct epoll_event ev = {.events = new_events, .data.u64 = data};
  if (weft__loop.forked) {
    /* trap h: the epoll instance is the parent's.  Dropping interest is
     * skipped (the parent still wants it); anything else is a misuse. */
    if (new_events == 0) return 0;
    weft__forked_misuse();
  }
  if (new_events == 0) {
    if (epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev) == 0) return 0;
    if (errno == ENOENT || errno == EBADF) return old_events ? 1 : 0; /* traps a, b */
    return -errno;
  }
  int op = old_events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(epfd, op, fd, &ev) == 0) return 0;
  int lost = op == EPOLL_CTL_MOD && errno == ENOENT; /* traps a, b */
  if (lost) op = EPOLL_CTL_ADD;
  else if (op == EPOLL_CTL_ADD && errno == EEXIST) op = EPOLL_CTL_MOD; /* trap c */
  else return -errno;
  return epoll_ctl(epfd, op, fd, &ev) == 0 ? lost : -errno;
}

/* Trap k: a fresh instance in place of one that holds a registration no
 * number can remove.  If none can be made (the descriptor limit), the old
 * one stays, and the next forgotten event tries again. */
static void rebuild(void) {
  int fresh = epoll_create1(EPOLL_CLOEXEC);
  if (fresh < 0) return;
  close(weft__loop.backend_fd);
  weft__loop.backend_fd = fresh;
  weft__signal_rearm();
  weft__pool_rearm();
  weft__process_rearm();
  weft__io_rearm();
}

int weft__backend_poll(int timeout_ms) {
  struct epoll_event events[EVENTS_PER_POLL];
  bool forgotten = false;
  if (weft__loop.forked) weft__forked_misuse(); /* trap h */
  weft__signal_settle();
  int n = epoll_wait(weft__loop.backend_fd, events, EVENTS_PER_POLL, timeout_ms);
  if (n < 0) return errno == EINTR ? 0 : -errno; /* trap f */
  for (int i = 0; i < n; i++)
    if (!weft__signal_ready(events[i].data.u64) && !weft__pool_ready(events[i].data.u64) &&
        !weft__process_ready(events[i].data.u64) && !weft__io_ready(events[i].data.u64, events[i].events))
      forgotten = true;
  if (forgotten) rebuild(); /* trap k */
  return n;
}
