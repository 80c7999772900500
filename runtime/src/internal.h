/* internal.h: the runtime's private types (actions, fibers, the loop) and the functions its files share.
 * Covered by every test in test/runtime/; docs/design.md walks through how the pieces meet. */
#ifndef WEFT_INTERNAL_H
#define WEFT_INTERNAL_H

#include "weft.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NDEBUG
#define WEFT_DEBUG 1
#endif

/* ---- actions ---------------------------------------------------------- */

enum weft__kind {
  WEFT__K_RETURN,
  WEFT__K_FAIL,
  WEFT__K_BIND,    /* seq: run m, then fn(env, value) */
  WEFT__K_THEN,    /* seq: run m, then fn(env) */
  WEFT__K_MAP,     /* seq: run m, then produce fn(env, value) */
  WEFT__K_CATCH,   /* seq: run m; on failure fn(env, err) */
  WEFT__K_FINALLY, /* seq: run m, then the action fn(env), then m's outcome */
  WEFT__K_JOIN,
  WEFT__K_PICK,
  WEFT__K_READ,
  WEFT__K_WRITE,
  WEFT__K_SLEEP,
  WEFT__K_ACCEPT,
  WEFT__K_CONNECT,
  WEFT__K_CLOSE,
  WEFT__K_EVENT, /* a wait on a synchronisation object (sync.c): ops say what */
  WEFT__K_DEAD, /* consumed; only ever seen in debug builds' quarantine */
};

struct weft__node {
  unsigned char kind;
  unsigned char owned;     /* already part of another action or given to a sink */
  unsigned char map_size;  /* WEFT__K_MAP: size of the produced value */
  unsigned char map_signed;
  unsigned char ev_phase;  /* WEFT__K_EVENT: how far the wait got (enum weft__ev_phase) */
  union {
    uintptr_t value; /* RETURN */
    int err;         /* FAIL */
    struct {
      struct weft__node *m;
      weft__fn fn;
      void *env;
    } seq;
    struct {
      struct weft__node *a, *b;
    } pair;
    struct {
      int fd;
      size_t n;
    } read; /* READ, ACCEPT, CLOSE use fd only */
    struct {
      int fd;
      const char *buf;
      size_t len;
    } write;
    struct {
      long ms;
      int fail;      /* non-zero: fail with this code when the time is up */
      bool seconds;  /* produce whole seconds (weft_sleep) rather than ms */
    } sleep;
    struct {
      int fd;
      socklen_t len;
      struct sockaddr_storage *addr;
    } connect;
    struct {
      const struct weft__event_ops *ops;
      void *obj;               /* the promise, channel, mutex... waited on */
      uintptr_t value;         /* what is sent, or what the waker handed over */
      struct weft__node *sub;  /* an action the wait runs once it is over, or NULL */
    } ev;
  } u;
};

/* Waits on synchronisation objects (promise, channel, mutex, task...) are
 * one kind of primitive whose behaviour the object supplies.  The fiber's
 * own fields stay the runtime's: the object keeps waiting fibers in an
 * intrusive FIFO (wait_prev/wait_next) and hands a waiter its outcome in
 * its op node (ev_phase, u.ev.value), so that a waiter cancelled after it
 * was handed something can give it back. */
enum weft__ev_phase {
  WEFT__EV_NEW,     /* not tried yet */
  WEFT__EV_WAITING, /* queued on the object */
  WEFT__EV_GIVEN,   /* woken with u.ev.value, not yet run */
  WEFT__EV_FAILED,  /* woken with the failure (int)u.ev.value */
  WEFT__EV_AGAIN,   /* re-queued on purpose (weft_yield): done when run */
};

struct weft__fiber;
struct weft__event_ops {
  const char *name; /* the public function that built the action */
  /* Runs the op as weft__op_attempt does: WEFT__OP_DONE with f->value and
   * f->err set (and possibly an action to run next in f->cur), or
   * WEFT__OP_WAIT with f queued somewhere that will enqueue it again. */
  int (*attempt)(struct weft__fiber *f, struct weft__node *op);
  /* The fiber is cancelled or freed while op is its primitive: leave the
   * object's queues and give back whatever was handed over. */
  void (*cancel)(struct weft__fiber *f, struct weft__node *op);
  /* op is released (run or not): drop what it holds.  May be NULL. */
  void (*release)(struct weft__node *op);
};

struct weft__node *weft__node_new(enum weft__kind kind);
void weft__node_release(struct weft__node *n);   /* one consumed node */
void weft__node_quarantine_flush(void);
void weft__node_free_tree(struct weft__node *n); /* an action never run */
void weft__node_claim(struct weft__node *n, const char *by);
const char *weft__node_name(const struct weft__node *n);

_Noreturn void weft__misuse(const char *fmt, ...);

/* ---- read buffers ----------------------------------------------------- */

struct weft__rbuf {
  size_t len;
  size_t cap;
  char data[];
};

/* ---- fibers ----------------------------------------------------------- */

enum weft__frame_kind {
  WEFT__F_BIND,
  WEFT__F_THEN,
  WEFT__F_MAP,
  WEFT__F_CATCH,
  WEFT__F_FINALLY,
  WEFT__F_RESTORE, /* after a finaliser: deliver the saved outcome */
};

struct weft__frame {
  weft__fn fn;
  void *env;
  uintptr_t saved; /* RESTORE: value; MAP: size and signedness */
  int saved_err;
  unsigned char kind;
};

enum weft__fiber_state {
  WEFT__FS_READY,
  WEFT__FS_WAIT_IO,
  WEFT__FS_WAIT_TIMER,
  WEFT__FS_WAIT_CHILDREN,
  WEFT__FS_WAIT_EVENT, /* queued on a synchronisation object (sync.c) */
  WEFT__FS_DONE,
};

struct weft__fiber {
  struct weft__node *cur; /* next action to run; NULL: deliver the outcome */
  uintptr_t value;        /* the outcome being delivered */
  int err;

  struct weft__frame *frames; /* the continuation stack, on the heap */
  size_t depth, cap;

  enum weft__fiber_state state;
  bool queued;
  bool cancelled;  /* unwinding because it was cancelled */
  size_t cancel_depth; /* frames below this were there at cancellation: their catch is skipped */
  bool root;       /* the fiber weft_run waits for */

  struct weft__node *op; /* the primitive being waited for */
  size_t op_done;        /* WRITE: bytes written; CONNECT: 1 once started */
  bool op_retry;         /* f->op is tried again after a wake */
  int64_t started;       /* SLEEP: when it began */
  int64_t deadline;      /* SLEEP: when it ends */
  uint64_t timer_seq;
  size_t heap_index;     /* position in the timer heap; SIZE_MAX if none */
  int io_fd;             /* WAIT_IO: the fd and direction waited on */
  uint32_t io_events;

  struct weft__fiber *parent; /* JOIN/PICK branch: the fiber that waits */
  struct weft__fiber *child[2];
  unsigned char combinator;   /* WEFT__K_JOIN or WEFT__K_PICK while waiting */
  unsigned char running_children;

  struct weft__fiber *next_ready;
  struct weft__fiber *prev_all, *next_all;
  struct weft__fiber *wait_prev, *wait_next; /* WAIT_EVENT: the object's FIFO of waiters */
  struct weft_task *task; /* spawned with a handle or under a switch (sync.c), else NULL */

  struct weft__rbuf *rbuf;    /* the bytes the last weft_read delivered */
  struct weft__rbuf *rspare;  /* a larger buffer being filled */
};

/* ---- the loop --------------------------------------------------------- */

struct weft__fdw {
  struct weft__fiber *reader, *writer;
  uint32_t registered; /* events currently asked of the backend */
  int orig_flags;      /* flags before weft set O_NONBLOCK, or -1 */
  dev_t dev;           /* which file: flags are put back only on the same one */
  ino_t ino;
  bool known;          /* looked at since the loop opened (or since weft_close) */
  bool pollable;       /* false for regular files and directories */
};

struct weft__loop {
  bool open;
  bool running;
  int backend_fd;
  int64_t now;

  struct weft__fiber *ready_head, *ready_tail;
  struct weft__fiber *all; /* every fiber alive, for teardown */
  struct weft__fiber *current;
  size_t waiting_io;

  struct weft__fiber **heap; /* timers: min-heap on (deadline, seq) */
  size_t heap_len, heap_cap;
  uint64_t timer_seq;

  struct weft__fdw *fds;
  size_t nfds;

  struct weft__rbuf *kept; /* the read buffer behind the last weft_run's str result */

  bool sigpipe_saved;
  struct sigaction sigpipe_old;
};

extern _Thread_local struct weft__loop weft__loop;

/* loop.c */
void weft__thread_hook(void); /* frees the thread's leftovers when it ends */

/* fiber.c */
struct weft__fiber *weft__fiber_new(struct weft__node *m);
void weft__fiber_free(struct weft__fiber *f);
void weft__fiber_run(struct weft__fiber *f);
void weft__fiber_enqueue(struct weft__fiber *f);
void weft__fiber_resume(struct weft__fiber *f, uintptr_t value, int err);
void weft__fiber_cancel(struct weft__fiber *f);

/* io.c */
enum { WEFT__OP_DONE, WEFT__OP_WAIT };
int weft__op_attempt(struct weft__fiber *f); /* runs f->op; DONE sets f->value/err */
void weft__io_ready(int fd, uint32_t events);
void weft__io_unwatch(struct weft__fiber *f);
void weft__io_close_all(void);
void weft__rbuf_free(struct weft__rbuf *b);

/* sync.c */
int weft__event_attempt(struct weft__fiber *f);
void weft__event_cancel(struct weft__fiber *f); /* f->op is a WEFT__K_EVENT */
bool weft__task_finish(struct weft__fiber *f);  /* true: a handle takes the outcome */
void weft__task_fiber_gone(struct weft__fiber *f);
void weft__task_flush_cancels(void);

/* timer.c */
int64_t weft__clock_now(void);
void weft__timer_add(struct weft__fiber *f);
void weft__timer_remove(struct weft__fiber *f);
int64_t weft__timer_next(void); /* deadline of the first timer, or -1 */
void weft__timer_expire(int64_t now);
void weft__timer_close(void);

/* backend_epoll.c */
int weft__backend_open(void);
void weft__backend_close(void);
int weft__backend_set(int fd, uint32_t old_events, uint32_t new_events);
int weft__backend_poll(int timeout_ms);

#endif /* WEFT_INTERNAL_H */
