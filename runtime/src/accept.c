/* accept.c: weft_accept at the descriptor limit: on EMFILE or ENFILE the accept pauses, it does not fail.
 * Covered by test/runtime/accept_emfile.c and test/examples/fd_limit.py (both servers under a low RLIMIT_NOFILE).
 *
 * Why a pause.  A listening socket with connections queued stays readable,
 * so an accept loop that meets EMFILE and retries at once spins on the CPU
 * (level-triggered epoll reports the socket again on every turn).  libuv
 * keeps a reserve descriptor: it closes it, accepts the pending connection,
 * closes that at once and opens the reserve again, so the client is turned
 * away with a reset.  nginx instead stops accepting for a moment and lets
 * the connections wait in the kernel's listen backlog.  weft does what nginx
 * does: the connections waiting in the backlog are served as soon as a
 * descriptor is free, instead of being dropped.
 *
 * A paused accept waits among the timers, so it costs nothing while it
 * waits (its epoll interest in the listening socket is dropped by io.c when
 * the next event finds no reader), and it is cancelled like any sleep.  It
 * is tried again after PAUSE_MS, or at once when a weft_close of this loop
 * frees a descriptor; the timer covers descriptors freed by anything else
 * (close(2), another thread, another process for ENFILE).  A weft_close of
 * the listening socket itself fails the paused accept with -EBADF. */
#include "internal.h"

#include <errno.h>

/* The longest a paused accept waits before it tries again (nginx waits its
 * accept_mutex_delay, 500 ms by default; weft is quicker, a retry is cheap). */
#define PAUSE_MS 100

/* An upper bound of the paused accepts in this thread's loop: a cancelled
 * one is not subtracted, so weft__accept_resume may look and find none. */
static _Thread_local size_t paused;

int weft__accept_pause(struct weft__fiber *f) {
  f->deadline = weft__clock_now() + (int64_t)PAUSE_MS * 1000000;
  weft__timer_add(f);
  paused++;
  return WEFT__OP_WAIT;
}

/* A paused accept is the only fiber with a timer (in the heap or the lane,
 * timer.c) whose primitive is an accept.  Removing one from the heap
 * reorders it, so the search starts over after each; there are rarely more
 * than one or two. */
static struct weft__fiber *find_paused(void) {
  struct weft__loop *L = &weft__loop;
  for (size_t i = 0; i < L->heap_len; i++)
    if (L->heap[i].fiber->op != NULL && L->heap[i].fiber->op->kind == WEFT__K_ACCEPT) return L->heap[i].fiber;
  for (size_t i = L->lane_head; i < L->lane_len; i++) {
    struct weft__fiber *f = L->lane[i].fiber; /* NULL: a cancelled timer's hole */
    if (f != NULL && f->op != NULL && f->op->kind == WEFT__K_ACCEPT) return f;
  }
  return NULL;
}

void weft__accept_resume(int closed_fd) {
  if (paused == 0) return;
  paused = 0;
  for (struct weft__fiber *f = find_paused(); f != NULL; f = find_paused()) {
    weft__timer_remove(f);
    if (f->op->u.read.fd != closed_fd) {
      weft__fiber_enqueue(f); /* its accept is tried again when it runs */
      continue;
    }
    /* Its own listening socket was closed: it fails now, as a waiting reader
     * would, before the number can name a new socket. */
    weft__node_release(f->op);
    f->op = NULL;
    weft__fiber_resume(f, 0, -EBADF);
  }
}
