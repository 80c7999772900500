/* internal.h: the runtime's private types (actions, fibers, the loop) and the functions its files share.
 * Covered by every test in test/runtime/; docs/design.md walks through how the pieces meet. */
#ifndef WEFT_INTERNAL_H
#define WEFT_INTERNAL_H

#include "weft.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NDEBUG
#define WEFT_DEBUG 1
#endif

/* Memory the runtime keeps for reuse (its free lists of nodes and fibers)
 * is poisoned under AddressSanitizer while it waits, so that a use after
 * release is still reported. */
#if defined(__SANITIZE_ADDRESS__)
#define WEFT__ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT__ASAN 1
#endif
#endif
#ifdef WEFT__ASAN
#include <sanitizer/asan_interface.h>
#define WEFT__POISON(p) ASAN_POISON_MEMORY_REGION((p), sizeof *(p))
#define WEFT__UNPOISON(p) ASAN_UNPOISON_MEMORY_REGION((p), sizeof *(p))
#else
#define WEFT__POISON(p) ((void)(p))
#define WEFT__UNPOISON(p) ((void)(p))
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
  WEFT__K_READ, /* from here to WEFT__K_DEAD: primitives, which a fiber runs through f->op */
  WEFT__K_WRITE,
  WEFT__K_SLEEP,
  WEFT__K_ACCEPT,
  WEFT__K_CONNECT,
  WEFT__K_CLOSE,
  WEFT__K_SIGNAL, /* u.read.fd holds the signal number */
  WEFT__K_EVENT, /* a wait on a synchronisation object (sync.c): ops say what */
  WEFT__K_READY, /* weft_wait_readable/writable: u.read.fd, u.read.n = direction */
  WEFT__K_DEAD, /* consumed; only ever seen in debug builds' quarantine */
};

/* 40 bytes (48 as malloc rounds it; 56 and 64 before issue 13's memory
 * round): a pending sleep or read holds one as its primitive.  The
 * combinator's site lives inside the union members of the kinds that have
 * one (fail, seq, pair, weft_timeout's sleep), so that the 32-byte members
 * (seq, ev) set the size and no node pays for a site it does not have. */
struct weft__node {
  unsigned char kind;
  unsigned char owned;     /* already part of another action or given to a sink */
  unsigned char map_size;  /* WEFT__K_MAP: size of the produced value */
  unsigned char map_signed;
  unsigned char owns_buf;  /* WEFT__K_WRITE: buf is the runtime's copy, freed with the node */
  unsigned char ev_phase;  /* WEFT__K_EVENT: how far the wait got (enum weft__ev_phase) */
  union {
    uintptr_t value; /* RETURN */
    struct {
      int err;
      const struct weft_site *site; /* where weft_fail was written */
    } fail;
    struct {
      struct weft__node *m;
      weft__fn fn;
      void *env;
      const struct weft_site *site; /* where the combinator was written */
    } seq;
    struct {
      struct weft__node *a, *b;
      const struct weft_site *site;
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
      const struct weft_site *site; /* weft_timeout's timer: the timeout's site */
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

/* weft_return's immediates (weft.h): an action pointer with its low bit
 * set is no node but the resolved value itself, shifted left by one.  Only
 * the trampoline's hot path (fiber.c: take, step_node, run_resolved) and a
 * seq node's inner action meet one; every other consumer gets a node from
 * weft__node_claim. */
static inline bool weft__immediate(const struct weft__node *n) {
  return ((uintptr_t)n & 1u) != 0;
}
static inline uintptr_t weft__immediate_value(const struct weft__node *n) {
  return (uintptr_t)((intptr_t)(uintptr_t)n >> 1);
}

struct weft__node *weft__node_new(enum weft__kind kind);
void weft__node_release(struct weft__node *n);   /* one consumed node */
void weft__node_quarantine_flush(void);
void weft__node_free_tree(struct weft__node *n); /* an action never run (an immediate is nothing to free) */
/* The per-thread free list of consumed nodes (node.c explains it), shared
 * with fiber.c so that the bind loop's step pops and pushes inline.  The
 * runtime is compiled position-independent (it is also a shared library),
 * where a thread-local is reached through a call to __tls_get_addr, which
 * made every bind save six registers for it: the initial-exec model reads
 * it at a fixed offset from the thread pointer instead.  These 12 bytes are
 * the runtime's only such variables, well within what glibc sets aside for
 * libraries loaded by dlopen. */
#define WEFT__TLS_FAST __attribute__((tls_model("initial-exec")))
extern _Thread_local struct weft__node *weft__node_cache WEFT__TLS_FAST; /* linked through u.seq.m */
extern _Thread_local unsigned weft__node_cache_room WEFT__TLS_FAST;      /* 0: full, or not hooked yet */

/* A node that holds nothing (a seq node, BIND to FINALLY; a RETURN, FAIL,
 * SLEEP, READ...: not a WRITE, CONNECT or EVENT) consumed: the push of
 * weft__node_release without its tests, in builds with no quarantine.
 * Falls back to the full release when the list has no room. */
static inline void weft__node_release_plain(struct weft__node *n) {
#ifdef WEFT_DEBUG
  weft__node_release(n);
#else
  if (weft__node_cache_room == 0) {
    weft__node_release(n);
    return;
  }
  n->u.seq.m = weft__node_cache;
  weft__node_cache = n;
  weft__node_cache_room--;
  WEFT__POISON(n);
#endif
}

/* Marks n consumed (reporting a second use) and returns it; an immediate
 * comes back as a RETURN node of its value, for consumers that keep nodes. */
struct weft__node *weft__node_claim(struct weft__node *n, const char *by);
const char *weft__node_name(const struct weft__node *n);

_Noreturn void weft__misuse(const char *fmt, ...);

/* ---- read buffers ----------------------------------------------------- */

/* The bytes one weft_read delivered, allocated when they were read (never
 * while waiting), exactly their size plus the NUL. */
struct weft__rbuf {
  size_t len;
  char *data;   /* the bytes (NUL-terminated): bytes below, or WEFT__RBUF_AT into a read's own block */
  char bytes[];
};
/* A buffer a file's read of a page or more lands in directly has its bytes
 * WEFT__RBUF_AT past a page boundary (io.c, weft__rbuf_new), so that the kernel's copy out of the page
 * cache writes at the same offset within a page as it reads, plus one
 * cache line.  With malloc's placement the destination sat 24 bytes below a
 * page boundary (a store just below each load, modulo the page): a 128 KiB
 * read ran at 4.3 GiB/s instead of 7.2 on the project's machine (AMD EPYC),
 * and copy_stream at 0.59 of cat. */
#define WEFT__RBUF_PAGE 4096
#define WEFT__RBUF_AT 64
struct weft__rbuf *weft__rbuf_new(size_t n); /* room for n bytes; NULL on no memory */
struct weft__rbuf *weft__rbuf_fit(struct weft__rbuf *b, size_t n, size_t len); /* b holding len of n bytes, shrunk */

/* ---- fibers ----------------------------------------------------------- */

enum weft__frame_kind {
  WEFT__F_BIND,
  WEFT__F_THEN,
  WEFT__F_MAP,
  WEFT__F_CATCH,
  WEFT__F_FINALLY,
  WEFT__F_RESTORE, /* after a finaliser: deliver the saved outcome */
};

/* 32 bytes (40 before issue 13's memory round): an idle connection of
 * examples/tcp_server.c waits with three. */
struct weft__frame {
  weft__fn fn;
  union {
    void *env;       /* BIND..FINALLY: the continuation's environment */
    uintptr_t saved; /* RESTORE: the value, or after a failure its trace */
  };
  const struct weft_site *site; /* the combinator's, for traces and GDB */
  int saved_err;                /* RESTORE: the failure, or 0 */
  unsigned char kind;
  unsigned char map_size, map_signed; /* MAP: the produced value's size and signedness */
};

/* The sites a failure passed through (weft_failure_site): the first
 * WEFT_TRACE_MAX are kept, the rest counted. */
struct weft__trace {
  size_t len, dropped;
  struct {
    const struct weft_site *site;
    unsigned char kind; /* enum weft__kind of the combinator */
  } at[WEFT_TRACE_MAX];
};

enum weft__fiber_state {
  WEFT__FS_READY,
  WEFT__FS_WAIT_IO,
  WEFT__FS_WAIT_TIMER,
  WEFT__FS_WAIT_CHILDREN,
  WEFT__FS_WAIT_SIGNAL,
  WEFT__FS_WAIT_EVENT, /* queued on a synchronisation object (sync.c) */
  WEFT__FS_DONE,
};

/* What only some fibers need lives in a block allocated on first use and
 * kept while the fiber is recycled: a pending sleep or an idle connection
 * carries no join, pick or wait links, task or failure trace (issue 13: a
 * sleeping fiber held 240 bytes, most of them for things it never did). */
struct weft__fiber_links {
  struct weft__fiber *parent;              /* JOIN/PICK branch: the fiber that waits */
  struct weft__fiber *child[2];            /* JOIN/PICK: the branches still running */
  const struct weft_site *combinator_site; /* where that join or pick was written */
  struct weft__fiber *wait_prev, *wait_next; /* WAIT_EVENT: the object's FIFO of waiters */
  struct weft_task *task;    /* spawned with a handle or under a switch (sync.c), else NULL */
  struct weft__trace *trace; /* allocated at the first failure */
  unsigned char combinator;                /* WEFT__K_JOIN or WEFT__K_PICK while waiting */
  unsigned char running_children;
};

struct weft__fiber {
  struct weft__node *cur; /* next action to run; NULL: deliver the outcome */
  uintptr_t value;        /* the outcome being delivered */
  int err;
  enum weft__fiber_state state;

  struct weft__frame *frames; /* the continuation stack, on the heap */
  uint32_t depth, cap;
  uint32_t cancel_depth; /* frames below this were there at cancellation: their catch is skipped */

  /* The one-byte fields sit together: a fiber is allocated for every
   * spawn, join branch, timeout and sleep, and padding was an eighth of it. */
  bool queued;
  bool cancelled;  /* unwinding because it was cancelled */
  bool root;       /* the fiber weft_run waits for */
  bool op_retry;   /* f->op was started: it is tried again after a wake */
  bool tracing;    /* trace describes the failure in err */
  bool quiet;      /* the runtime's own fiber: its failure is not reported */
  unsigned char io_dir;  /* WEFT__IO_READ or WEFT__IO_WRITE */
  bool io_armed;         /* the queue's head, waiting for epoll */
  uint32_t heap_index;   /* position in the timer heap, WEFT__IN_LANE | position in the lane, or WEFT__NO_TIMER */

  struct weft__node *op; /* the primitive being waited for */
  size_t op_done;        /* WRITE: bytes written; SLEEP, CONNECT: 1 once started; ACCEPT: 1 if gated */
  int64_t deadline;      /* SLEEP: when it ends (it began ms before) */

  /* An IO primitive in progress holds a place in its fd's queue from the
   * moment it starts until it completes, fails or is cancelled, together
   * with the generation of the fd it started on (see struct weft__fdw). */
  int io_fd;             /* the fd whose queue holds the fiber, or -1 */
  uint32_t io_gen;
  struct weft__fiber *io_prev, *io_next;

  struct weft__fiber_links *links; /* join/pick and wait links, task, trace: NULL until first needed */

  struct weft__fiber *next_ready;
  struct weft__fiber *prev_all, *next_all;
  struct weft__rbuf *rbuf;    /* the bytes the latest weft_read delivered */
  struct weft__rbuf *rprev;   /* and the read before it */
};

#define WEFT__NO_TIMER UINT32_MAX
#define WEFT__IN_LANE 0x80000000u

/* f's links, allocated the first time f needs them (it starts branches, is
 * one, waits on an object, is a task or fails). */
/* sync.c: a FIFO of waiting fibers through their links block's wait_prev
 * and wait_next (sync.c's primitives, bufio.c's turns, process.c's waits);
 * a fiber is in at most one. */
struct weft__waitq {
  struct weft__fiber *head, *tail;
};
void weft__waitq_push(struct weft__waitq *q, struct weft__fiber *f);
void weft__waitq_remove(struct weft__waitq *q, struct weft__fiber *f); /* f is in q */

struct weft__fiber_links *weft__fiber_links_new(struct weft__fiber *f);
static inline struct weft__fiber_links *weft__fiber_links(struct weft__fiber *f) {
  return f->links != NULL ? f->links : weft__fiber_links_new(f);
}
static inline struct weft__trace *weft__fiber_trace(const struct weft__fiber *f) {
  return f->links != NULL ? f->links->trace : NULL;
}

/* ---- the loop --------------------------------------------------------- */

enum { WEFT__IO_READ, WEFT__IO_WRITE };

/* How weft does IO on an fd; chosen when the fd is first used (fd_learn in
 * io.c) and never by changing the file's own flags, which it shares with
 * every dup and every process that inherited it. */
enum weft__fd_kind {
  WEFT__FD_UNKNOWN,
  WEFT__FD_DIRECT,  /* regular files, directories, unpollable devices: plain calls */
  WEFT__FD_SOCKET,  /* recv/send with MSG_DONTWAIT (and MSG_NOSIGNAL) */
  WEFT__FD_NOWAIT,  /* pipes: preadv2/pwritev2 with RWF_NOWAIT */
  WEFT__FD_PRIVATE, /* named FIFOs, ttys: a private non-blocking description, pfd */
  WEFT__FD_GATED,   /* could not be reopened: one call per readiness, on fd itself */
};

/* A FIFO of fibers through io_prev/io_next; the head's io_prev is the
 * tail (io.c, q_append). */
struct weft__fiber_queue {
  struct weft__fiber *head;
};

/* One entry per fd number.  gen counts the files the number has named for
 * weft: weft_close (or a new file found behind the number) bumps it, and an
 * operation whose generation is gone fails with -EBADF instead of touching
 * the number again.  Operations queue per direction, first come first
 * served; only the head of a queue does IO. */
struct weft__fdw {
  struct weft__fiber_queue q[2]; /* WEFT__IO_READ, WEFT__IO_WRITE */
  uint32_t gen;
  uint32_t registered;  /* events currently asked of the backend, on pfd */
  int pfd;              /* where IO goes: the private description, or the fd itself (set with kind) */
  unsigned kind : 3;    /* enum weft__fd_kind */
  bool fifo : 1;        /* a write may raise SIGPIPE */
  bool drained : 1;     /* the last read got less than it asked, and epoll has reported no input since */
  bool nowait_refused : 1; /* DIRECT: the file refused RWF_NOWAIT, so each read is checked by an fstat first */
  unsigned ready : 2;   /* GATED, bit per direction: epoll reported readiness since the last call */
  unsigned woken : 2;   /* bit per direction: an event woke the head, whose retry has not waited again or left */
  unsigned verifying : 2; /* bit per direction: the verification ring (io.c) holds an entry for it */
  unsigned rearmed : 2; /* bit per direction: a wait was armed since that entry was made */
  bool wrote : 1;       /* a write completed on the fd since its last read began */
  bool answer_waits : 1; /* the last read to follow a write found nothing yet (EAGAIN) */
  unsigned probe : 4;   /* reads that waited at once by answer_waits, modulo 16 */
  dev_t dev;            /* the file the entry describes */
  ino_t ino;
};
_Static_assert(sizeof(void *) != 8 || sizeof(struct weft__fdw) == 48,
               "an fd entry is 48 bytes on 64-bit targets: one per fd number, a connection's share of the table");

/* An entry of the verification ring (io.c): the wait armed in direction
 * dir of fd's generation gen is verified at due if it is still armed. */
struct weft__verify {
  int64_t due;
  int fd;
  uint32_t gen;
  unsigned char dir;
};

/* An entry of the timer heap; seq keeps timers with equal deadlines in
 * the order they were set. */
struct weft__timer {
  int64_t deadline;
  uint64_t seq;
  struct weft__fiber *fiber;
};

struct weft__loop {
  bool open;
  bool running;
  int backend_fd;
  int64_t now; /* the clock when the loop last expired timers */

  struct weft__fiber *ready_head, *ready_tail;
  struct weft__fiber *all; /* every fiber alive, for teardown */
  struct weft__fiber *current;
  size_t waiting_io;

  struct weft__timer *heap; /* timers: min-heap on (deadline, seq) */
  size_t heap_len, heap_cap;
  uint64_t timer_seq;
  /* Timers set in deadline order (timer.c): a FIFO in lane[lane_head,
   * lane_len), with lane_dead entries of cancelled timers (fiber NULL)
   * somewhere strictly inside. */
  struct weft__timer *lane;
  size_t lane_head, lane_len, lane_cap, lane_dead;

  struct weft__fdw *fds;
  size_t nfds;
  /* Waits that kept the fd's registration without an epoll_ctl, to be
   * verified if no event has proved them by their due time (io.c): a FIFO
   * in verify[verify_head, verify_len). */
  struct weft__verify *verify;
  size_t verify_head, verify_len, verify_cap;
  int64_t turn_now;  /* a clock reading of this turn, if turn_now_set */
  bool turn_now_set; /* cleared before each poll */
  unsigned char idle_polls_skipped; /* zero-timeout polls still to skip after one found nothing (loop.c) */

  struct weft__rbuf *kept; /* the read buffer behind the last weft_run's str result */
  char *scratch;           /* reads land here, then move to a buffer of their size */
  size_t scratch_cap;
  struct weft__trace *failure; /* the trace of the last weft_run's failure, or NULL */

  bool closing;            /* loop_close has begun: nothing new is started */
  bool forked;             /* a fork's child inherited this loop: it must not touch epoll */
  struct weft__pool_port *pool; /* the worker pool's way back into this loop (pool.c), or NULL */
};

extern _Thread_local struct weft__loop weft__loop;

/* loop.c */
void weft__thread_hook(void); /* frees the thread's leftovers when it ends */
_Noreturn void weft__forked_misuse(void);

/* fiber.c */
struct weft__fiber *weft__fiber_new(struct weft__node *m);
void weft__fiber_free(struct weft__fiber *f);
void weft__fiber_cache_flush(void); /* when the thread ends */
void weft__fiber_run(struct weft__fiber *f);
void weft__fiber_enqueue(struct weft__fiber *f);
void weft__fiber_resume(struct weft__fiber *f, uintptr_t value, int err);
void weft__fiber_cancel(struct weft__fiber *f);
/* trace.c, for fiber.c */
void weft__trace_start(struct weft__fiber *f);
void weft__trace_add(struct weft__fiber *f, const struct weft_site *site, unsigned char kind);
void weft__trace_print(const struct weft__trace *t); /* on stderr, if WEFT_TRACE is set */

/* trace.c */
void weft__trace_keep(struct weft__fiber *root, int rc); /* weft_run's result, for weft_failure_site */
void weft__trace_forget(void);

/* io.c */
enum { WEFT__OP_DONE, WEFT__OP_WAIT };
/* An operation's outcome, for io.c's primitives and sync.c's waits alike. */
static inline int weft__op_done(struct weft__fiber *f, uintptr_t value) {
  f->value = value;
  f->err = 0;
  return WEFT__OP_DONE;
}
static inline int weft__op_failed(struct weft__fiber *f, int err) {
  f->value = 0;
  f->err = err;
  return WEFT__OP_DONE;
}
int weft__op_attempt(struct weft__fiber *f); /* runs f->op; DONE sets f->value/err */
/* An event of an fd: false if it names a generation io.c has forgotten,
 * which only a registration left behind by a file closed behind weft's
 * back reports (backend_epoll.c, trap k). */
bool weft__io_ready(uint64_t data, uint32_t events);
void weft__io_rearm(void); /* the fds' registrations made again in a fresh epoll instance */
void weft__io_abandon(struct weft__fiber *f, bool cancelled); /* f's op is cancelled, or f is freed unfinished */
void weft__io_close_all(void);
void weft__io_verify(int64_t now);  /* verifies the waits due by now */
/* The due time of the verification ring's first entry, or -1: read by the
 * loop twice a turn, so inline. */
static inline int64_t weft__io_verify_next(void) {
  const struct weft__loop *L = &weft__loop;
  return L->verify_head < L->verify_len ? L->verify[L->verify_head].due : -1;
}
int64_t weft__turn_now(void);       /* loop.c: one clock reading per turn, for what may be late */
void weft__rbuf_free(struct weft__rbuf *b);
void weft__read_adopt(struct weft__fiber *to, struct weft__fiber *from);
struct weft__rbuf *weft__read_result(struct weft__fiber *f); /* f's buffer holding f->value, taken */

/* io.c, for pool.c's file operations (file.c) */
void weft__read_push(struct weft__fiber *f, struct weft__rbuf *b); /* b becomes f's latest read */
void weft__io_forget(int fd); /* as weft_close does, without closing: waiters fail with -EBADF */

/* ready.c: 1 if poll(2) says fd is ready in direction dir, 0 if not, -EBADF */
int weft__ready_now(int fd, int dir);

/* pool.c: the worker pool's completions reach the loop through an eventfd */
bool weft__pool_ready(uint64_t data); /* an event of the pool's eventfd: finished jobs are delivered */
void weft__pool_close(void);          /* the loop closes: its eventfd goes */
void weft__pool_rearm(void);          /* its registration made again in a fresh epoll instance */
/* weft_tcp_listen's and weft_udp_bind's parser: a numeric IPv4 or IPv6
 * address and a port (0..65535) as a socket address in *ss and its length
 * in *len; false if host is not one.  Inline and without the weft__ prefix,
 * so that the checker does not take it for an action builder in those
 * noyield functions. */
static inline bool sockaddr_numeric(const char *host, int port, struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    *len = sizeof *v4;
    return true;
  }
  if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    *len = sizeof *v6;
    return true;
  }
  return false;
}

/* io.c, for udp.c: a socket operation of another file, run through fd's
 * queue in direction dir (see there); and the bytes it received delivered
 * as f's latest read, which weft_str_len measures. */
typedef int (*weft__io_call)(struct weft__fiber *f, struct weft__node *op, int fd);
int weft__io_queued(struct weft__fiber *f, int fd, int dir, weft__io_call call);
char *weft__read_scratch(size_t n);
int weft__read_done(struct weft__fiber *f, const char *bytes, size_t len);
/* io.c, for bufio.c: IO steps of a channel operation (a WEFT__K_EVENT node) */
int weft__io_read_some(struct weft__fiber *f, int fd, char *buf, size_t n, char **landed);
int weft__io_write_some(struct weft__fiber *f, int fd, const char *buf, size_t len);
void weft__io_leave(struct weft__fiber *f);

/* accept.c: an accept that met EMFILE or ENFILE waits (see there) */
int weft__accept_pause(struct weft__fiber *f);
void weft__accept_resume(int closed_fd); /* weft_close freed a descriptor */

/* signal.c: weft_signal's waiters and the loop's signalfd */
int weft__signal_attempt(struct weft__fiber *f);   /* starts a wait */
void weft__signal_unwatch(struct weft__fiber *f);  /* a cancelled wait */
bool weft__signal_ready(uint64_t data);             /* an event of the signalfd: its waiters are woken */
void weft__signal_settle(void);                    /* before a poll: unblock what nobody waits for */
void weft__signal_close(void);
void weft__signal_rearm(void);                    /* its registration made again in a fresh epoll instance */
void weft__signal_forked(void);                    /* in a fork's child: the parent's signalfd is not ours */

/* process.c: an event of a child's pidfd (its own generation in the data) */
bool weft__process_ready(uint64_t data);
void weft__process_rearm(void); /* the watched pidfds made again in a fresh epoll instance */

/* sync.c */
int weft__event_attempt(struct weft__fiber *f);
void weft__event_cancel(struct weft__fiber *f); /* f->op is a WEFT__K_EVENT */
bool weft__task_finish(struct weft__fiber *f);  /* true: a handle takes the outcome */
void weft__task_fiber_gone(struct weft__fiber *f);
void weft__task_flush_cancels(void);
/* The cancellations put off until the running fiber stops (sync.c), or
 * NULL: tested inline after every run of a fiber, which rarely has any. */
extern _Thread_local struct weft_task *weft__task_cancels;

/* timer.c */
int64_t weft__clock_now(void);
void weft__timer_add(struct weft__fiber *f);
void weft__timer_remove(struct weft__fiber *f);
int64_t weft__timer_next(void); /* deadline of the first timer, or -1 */
void weft__timer_expire(int64_t now);
int weft__sleep_attempt(struct weft__fiber *f, struct weft__node *op); /* a weft_sleep's op starts */
void weft__timer_close(void);

/* backend_epoll.c */
int weft__backend_open(void);
void weft__backend_close(void);
/* 0, or 1 when the kernel had no registration of the file the number names
 * now (a MOD that had to ADD, a DEL that found none): the registration weft
 * counted on went with a file closed behind its back.  -errno on failure. */
int weft__backend_set(int fd, uint32_t old_events, uint32_t new_events, uint64_t data);
int weft__backend_poll(int timeout_ms);

#endif /* WEFT_INTERNAL_H */
