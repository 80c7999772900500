/* pool.h: the worker pool's jobs, shared by pool.c (weft_detach), file.c (weft_file_*) and resolve.c (names).
 * Covered by test/runtime/pool_*.c, file.c and resolve.c. */
#ifndef WEFT_POOL_H
#define WEFT_POOL_H

#include "internal.h"

struct weft__job;

/* What a kind of job does (start, if given, runs on the loop's thread as
 * the action starts, before the job is queued).  work runs on a worker
 * thread and sets value and err; deliver runs on the loop's thread when the
 * waiting fiber takes the outcome, and takes over whatever the job holds;
 * discard runs when the job ends without delivering (cancelled before it
 * started, cancelled while it ran, or the loop closed) and frees what the
 * job holds: ran says whether work ran.  discard runs on the loop's thread,
 * except for a job cancelled while work ran: then on the worker, once work
 * returns.  ev is the job's action as a wait (pool.c's hooks, with the name
 * of the public function): write it with WEFT__JOB_OPS. */
struct weft__job_ops {
  struct weft__event_ops ev;
  void (*work)(struct weft__job *j);
  int (*deliver)(struct weft__fiber *f, struct weft__job *j);
  void (*discard)(struct weft__job *j, bool ran);
  void (*start)(struct weft__job *j); /* may be NULL */
};

int weft__job_attempt(struct weft__fiber *f, struct weft__node *op);
void weft__job_cancel(struct weft__fiber *f, struct weft__node *op);
void weft__job_release(struct weft__node *op);
#define WEFT__JOB_OPS(name, work, deliver, discard, start)                          \
  {{(name), weft__job_attempt, weft__job_cancel, weft__job_release}, (work), (deliver), (discard), (start)}

enum weft__job_state {
  WEFT__JOB_NEW,     /* built, not submitted (or taken back off the queue) */
  WEFT__JOB_QUEUED,  /* in the pool's queue */
  WEFT__JOB_RUNNING, /* a worker runs work */
  WEFT__JOB_DONE,    /* work returned: in the loop's list of finished jobs */
  WEFT__JOB_GIVEN,   /* handed to the waiting fiber, which has not run yet */
};

/* The head of every job; a kind of job embeds it first and adds its own
 * inputs and outputs.  Allocated with the action, freed with it (or by
 * the worker when the action was cancelled while work ran). */
struct weft__job {
  const struct weft__job_ops *ops;
  uintptr_t value; /* work's outcome */
  int err;
  /* The pool's bookkeeping, under its lock. */
  unsigned char state;   /* enum weft__job_state */
  bool orphan;           /* cancelled while running: the worker discards it */
  struct weft__job *prev, *next; /* in the pool's queue, or the loop's finished list */
  struct weft__pool_port *port;  /* the loop to deliver to */
  struct weft__fiber *fiber;     /* the fiber waiting for it */
};

/* A new job of size bytes (zeroed) with its ops; aborts on no memory. */
void *weft__job_new(const struct weft__job_ops *ops, size_t size);
/* The action that submits j to the pool and waits for it; it owns j. */
struct weft__node *weft__job_node(struct weft__job *j);

#endif /* WEFT_POOL_H */
