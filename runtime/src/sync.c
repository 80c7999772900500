/* sync.c: fibers that wait for each other: promises, conditions, channels, mvars, the mutex, tasks, switches, yield.
 * Covered by test/runtime/sync_*.c (FIFO order, cancelled waiters, backpressure, close, switches) and stack_sync_chain.c. */
#include "internal.h"

#include <errno.h>

/* ---- the FIFO of waiting fibers --------------------------------------- */

/* The links live in the fiber's links block, made by the first wait. */
void weft__waitq_push(struct weft__waitq *q, struct weft__fiber *f) {
  struct weft__fiber_links *l = weft__fiber_links(f);
  l->wait_next = NULL;
  l->wait_prev = q->tail;
  if (q->tail) q->tail->links->wait_next = f;
  else q->head = f;
  q->tail = f;
}

void weft__waitq_remove(struct weft__waitq *q, struct weft__fiber *f) {
  struct weft__fiber_links *l = f->links; /* queued, so made by waitq_push */
  if (l->wait_prev) l->wait_prev->links->wait_next = l->wait_next;
  else q->head = l->wait_next;
  if (l->wait_next) l->wait_next->links->wait_prev = l->wait_prev;
  else q->tail = l->wait_prev;
  l->wait_prev = l->wait_next = NULL;
}

static WEFT_BOUNDARY struct weft__fiber *waitq_pop(struct weft__waitq *q) {
  struct weft__fiber *f = q->head;
  if (f) weft__waitq_remove(q, f);
  return f;
}

/* f waits on q until a waker hands it something. */
static int wait_on(struct weft__waitq *q, struct weft__fiber *f, struct weft__node *op) {
  weft__waitq_push(q, f);
  op->ev_phase = WEFT__EV_WAITING;
  f->state = WEFT__FS_WAIT_EVENT;
  return WEFT__OP_WAIT;
}

/* Wakes f with a value (or a failure) kept in its op node until it runs:
 * a fiber cancelled meanwhile can give it back.  Waking never yields, but
 * the checker counts every weft__ call as building an action: the helpers
 * that call into the fiber layer (and weft__misuse) are weft_boundary, so
 * that the noyield functions built on them are checked as what they are. */
static WEFT_BOUNDARY void give(struct weft__fiber *f, uintptr_t value) {
  f->op->u.ev.value = value;
  f->op->ev_phase = WEFT__EV_GIVEN;
  weft__fiber_enqueue(f);
}

static WEFT_BOUNDARY void give_failure(struct weft__fiber *f, int err) {
  f->op->u.ev.value = (uintptr_t)(intptr_t)err;
  f->op->ev_phase = WEFT__EV_FAILED;
  weft__fiber_enqueue(f);
}

/* The outcome handed to a woken waiter. */
static int handed(struct weft__fiber *f, struct weft__node *op) {
  if (op->ev_phase == WEFT__EV_FAILED) return weft__op_failed(f, (int)(intptr_t)op->u.ev.value);
  return weft__op_done(f, op->u.ev.value);
}

static struct weft__node *event_node(const struct weft__event_ops *ops, void *obj, uintptr_t value) {
  if (obj == NULL) weft__misuse("%s was given a NULL object", ops->name);
  struct weft__node *n = weft__node_new(WEFT__K_EVENT);
  n->u.ev.ops = ops;
  n->u.ev.obj = obj;
  n->u.ev.value = value;
  return n;
}

static void *alloc(size_t size) {
  return calloc(1, size);
}

static WEFT_BOUNDARY void check_free(const struct weft__waitq *q, const char *what) {
  if (q->head != NULL)
    weft__misuse("%s was called while fibers wait on it: free it once nothing waits "
                 "(after weft_run returns, or once its waiters are done)", what);
}

/* Fibers already woken by obj (handed a value, a signal or the mutex) but
 * not yet run are no longer on its queue, so obj may be freed under them.
 * Each keeps what it was handed in its own node; forgetting obj here
 * keeps a cancel from giving it back to freed memory (what it held is
 * then dropped, as the free drops what obj holds). */
static size_t forget_woken(const void *obj) {
  size_t woken = 0;
  for (struct weft__fiber *f = weft__loop.all; f != NULL; f = f->next_all)
    if (f->op != NULL && f->op->kind == WEFT__K_EVENT && f->op->u.ev.obj == obj) {
      f->op->u.ev.obj = NULL;
      woken++;
    }
  return woken;
}

int weft__event_attempt(struct weft__fiber *f) {
  return f->op->u.ev.ops->attempt(f, f->op);
}

void weft__event_cancel(struct weft__fiber *f) {
  struct weft__node *op = f->op;
  if (op->u.ev.ops->cancel) op->u.ev.ops->cancel(f, op);
  op->ev_phase = WEFT__EV_NEW;
}

/* ---- promises --------------------------------------------------------- */

struct weft_promise {
  bool resolved;
  uintptr_t value;
  int err;
  struct weft__waitq waiters;
};

weft_promise_t *weft_promise_new(void) {
  return alloc(sizeof(struct weft_promise));
}

/* A woken waiter finds its outcome in its own node, not in p: the
 * resolver may free p as soon as it has resolved it. */
static int promise_attempt(struct weft__fiber *f, struct weft__node *op) {
  struct weft_promise *p = op->u.ev.obj;
  if (op->ev_phase != WEFT__EV_NEW) return handed(f, op);
  if (!p->resolved) return wait_on(&p->waiters, f, op);
  return p->err ? weft__op_failed(f, p->err) : weft__op_done(f, p->value);
}

static void promise_cancel(struct weft__fiber *f, struct weft__node *op) {
  struct weft_promise *p = op->u.ev.obj;
  if (op->ev_phase == WEFT__EV_WAITING) weft__waitq_remove(&p->waiters, f);
}

static const struct weft__event_ops promise_ops = {"weft_promise_wait", promise_attempt, promise_cancel, NULL};

struct weft__node *weft__promise_wait(weft_promise_t *p) {
  return event_node(&promise_ops, p, 0);
}

static WEFT_BOUNDARY void settle(weft_promise_t *p, uintptr_t value, int err, const char *by) {
  if (p == NULL) weft__misuse("%s was given a NULL promise", by);
  if (p->resolved)
    weft__misuse("%s: the promise is already resolved: a promise is resolved once", by);
  p->resolved = true;
  p->value = value;
  p->err = err;
  struct weft__fiber *f;
  while ((f = waitq_pop(&p->waiters)) != NULL) {
    if (err != 0) give_failure(f, err);
    else give(f, value);
  }
}

void(weft_promise_resolve)(weft_promise_t *p, uintptr_t value) {
  settle(p, value, 0, "weft_promise_resolve");
}

void weft_promise_reject(weft_promise_t *p, int err) {
  settle(p, 0, err < 0 ? err : err > 0 ? -err : -EINVAL, "weft_promise_reject");
}

bool weft_promise_is_resolved(const weft_promise_t *p) {
  return p->resolved;
}

void weft_promise_free(weft_promise_t *p) {
  if (p == NULL) return;
  check_free(&p->waiters, "weft_promise_free");
  free(p);
}

/* ---- conditions ------------------------------------------------------- */

struct weft_cond {
  struct weft__waitq waiters;
};

weft_cond_t *weft_cond_new(void) {
  return alloc(sizeof(struct weft_cond));
}

static int cond_attempt(struct weft__fiber *f, struct weft__node *op) {
  struct weft_cond *c = op->u.ev.obj;
  if (op->ev_phase == WEFT__EV_NEW) return wait_on(&c->waiters, f, op);
  return weft__op_done(f, 0);
}

/* A signal (value 1) handed to a waiter that is cancelled before it ran is
 * passed on: the signaller meant one waiter to go on. */
static void cond_cancel(struct weft__fiber *f, struct weft__node *op) {
  struct weft_cond *c = op->u.ev.obj;
  if (op->ev_phase == WEFT__EV_WAITING) weft__waitq_remove(&c->waiters, f);
  else if (op->ev_phase == WEFT__EV_GIVEN && op->u.ev.value == 1 && c != NULL) weft_cond_signal(c);
}

static const struct weft__event_ops cond_ops = {"weft_cond_wait", cond_attempt, cond_cancel, NULL};

WEFT_BOUNDARY async(void) weft_cond_wait(weft_cond_t *c) {
  return (async(void)){.node_ = event_node(&cond_ops, c, 0)};
}

void weft_cond_signal(weft_cond_t *c) {
  struct weft__fiber *f = waitq_pop(&c->waiters);
  if (f) give(f, 1);
}

void weft_cond_broadcast(weft_cond_t *c) {
  struct weft__fiber *f;
  while ((f = waitq_pop(&c->waiters)) != NULL) give(f, 0);
}

void weft_cond_free(weft_cond_t *c) {
  if (c == NULL) return;
  check_free(&c->waiters, "weft_cond_free");
  forget_woken(c);
  free(c);
}

/* ---- channels and mvars ----------------------------------------------- */

/* A ring of words.  It may hold more than the capacity for a while: a
 * value given back by a cancelled receiver goes in front whatever the
 * count, so that cancellation loses nothing. */
struct weft_chan {
  uintptr_t *ring;
  size_t ring_cap, head, len;
  size_t capacity;
  bool closed;
  struct weft__waitq senders, receivers; /* at most one of them is non-empty */
};

struct weft_mvar {
  struct weft_chan ch;
};

static void ring_grow(struct weft_chan *ch) {
  size_t cap = ch->ring_cap ? ch->ring_cap * 2 : 8;
  uintptr_t *ring = malloc(cap * sizeof *ring);
  if (ring == NULL) abort();
  for (size_t i = 0; i < ch->len; i++) ring[i] = ch->ring[(ch->head + i) % ch->ring_cap];
  free(ch->ring);
  ch->ring = ring;
  ch->ring_cap = cap;
  ch->head = 0;
}

static void ring_push_back(struct weft_chan *ch, uintptr_t v) {
  if (ch->len == ch->ring_cap) ring_grow(ch);
  ch->ring[(ch->head + ch->len++) % ch->ring_cap] = v;
}

static void ring_push_front(struct weft_chan *ch, uintptr_t v) {
  if (ch->len == ch->ring_cap) ring_grow(ch);
  ch->head = (ch->head + ch->ring_cap - 1) % ch->ring_cap;
  ch->ring[ch->head] = v;
  ch->len++;
}

static uintptr_t ring_pop_front(struct weft_chan *ch) {
  uintptr_t v = ch->ring[ch->head];
  ch->head = (ch->head + 1) % ch->ring_cap;
  ch->len--;
  return v;
}

static void chan_init(struct weft_chan *ch, size_t capacity) {
  ch->capacity = capacity;
}

/* Puts v in without waiting if it can: to the first waiting receiver, else
 * into the ring while there is room. */
static WEFT_BOUNDARY bool chan_offer(struct weft_chan *ch, uintptr_t v) {
  struct weft__fiber *r = waitq_pop(&ch->receivers);
  if (r != NULL) {
    give(r, v);
    return true;
  }
  if (ch->len < ch->capacity) {
    ring_push_back(ch, v);
    return true;
  }
  return false;
}

static int send_attempt(struct weft__fiber *f, struct weft__node *op) {
  struct weft_chan *ch = op->u.ev.obj;
  switch (op->ev_phase) {
  case WEFT__EV_NEW:
    if (ch->closed) return weft__op_failed(f, -EPIPE);
    if (chan_offer(ch, op->u.ev.value)) return weft__op_done(f, 0);
    return wait_on(&ch->senders, f, op);
  case WEFT__EV_FAILED: return weft__op_failed(f, (int)(intptr_t)op->u.ev.value);
  default: return weft__op_done(f, 0); /* a receiver took the value */
  }
}

/* A waiting sender leaves the queue with its value; one whose value was
 * taken has sent it. */
static void send_cancel(struct weft__fiber *f, struct weft__node *op) {
  struct weft_chan *ch = op->u.ev.obj;
  if (op->ev_phase == WEFT__EV_WAITING) weft__waitq_remove(&ch->senders, f);
}

/* Room was made: waiting senders move their values in, oldest first. */
static WEFT_BOUNDARY void admit_senders(struct weft_chan *ch) {
  while (ch->len < ch->capacity && ch->senders.head != NULL) {
    struct weft__fiber *s = waitq_pop(&ch->senders);
    ring_push_back(ch, s->op->u.ev.value);
    give(s, 0);
  }
}

static int recv_attempt(struct weft__fiber *f, struct weft__node *op) {
  struct weft_chan *ch = op->u.ev.obj;
  if (op->ev_phase != WEFT__EV_NEW) return handed(f, op);
  if (ch->len > 0) {
    uintptr_t v = ring_pop_front(ch);
    admit_senders(ch);
    return weft__op_done(f, v);
  }
  struct weft__fiber *s = waitq_pop(&ch->senders); /* capacity 0: straight from a sender */
  if (s != NULL) {
    uintptr_t v = s->op->u.ev.value;
    give(s, 0);
    return weft__op_done(f, v);
  }
  if (ch->closed) return weft__op_failed(f, -EPIPE);
  return wait_on(&ch->receivers, f, op);
}

/* A receiver handed a value it will now never deliver gives it back: to
 * the next waiting receiver, or to the front of the ring. */
static void recv_cancel(struct weft__fiber *f, struct weft__node *op) {
  struct weft_chan *ch = op->u.ev.obj;
  if (op->ev_phase == WEFT__EV_WAITING) {
    weft__waitq_remove(&ch->receivers, f);
  } else if (op->ev_phase == WEFT__EV_GIVEN && ch != NULL) {
    struct weft__fiber *r = waitq_pop(&ch->receivers);
    if (r != NULL) give(r, op->u.ev.value);
    else ring_push_front(ch, op->u.ev.value);
  }
}

static const struct weft__event_ops send_ops = {"weft_chan_send", send_attempt, send_cancel, NULL};
static const struct weft__event_ops recv_ops = {"weft_chan_recv", recv_attempt, recv_cancel, NULL};
static const struct weft__event_ops put_ops = {"weft_mvar_put", send_attempt, send_cancel, NULL};
static const struct weft__event_ops take_ops = {"weft_mvar_take", recv_attempt, recv_cancel, NULL};

weft_chan_t *weft_chan_new(size_t capacity) {
  struct weft_chan *ch = alloc(sizeof *ch);
  if (ch) chan_init(ch, capacity);
  return ch;
}

WEFT_BOUNDARY async(void)(weft_chan_send)(weft_chan_t *ch, uintptr_t value) {
  return (async(void)){.node_ = event_node(&send_ops, ch, value)};
}

struct weft__node *weft__chan_recv(weft_chan_t *ch) {
  return event_node(&recv_ops, ch, 0);
}

int(weft_chan_try_send)(weft_chan_t *ch, uintptr_t value) {
  if (ch->closed) return -EPIPE;
  return chan_offer(ch, value) ? 0 : -EAGAIN;
}

WEFT_BOUNDARY int weft_chan_try_recv(weft_chan_t *ch, uintptr_t *out) {
  if (ch->len > 0) {
    *out = ring_pop_front(ch);
    admit_senders(ch);
    return 0;
  }
  struct weft__fiber *s = waitq_pop(&ch->senders);
  if (s != NULL) {
    *out = s->op->u.ev.value;
    give(s, 0);
    return 0;
  }
  return ch->closed ? -EPIPE : -EAGAIN;
}

void weft_chan_close(weft_chan_t *ch) {
  if (ch->closed) return;
  ch->closed = true;
  struct weft__fiber *f;
  while ((f = waitq_pop(&ch->receivers)) != NULL) give_failure(f, -EPIPE);
  while ((f = waitq_pop(&ch->senders)) != NULL) give_failure(f, -EPIPE);
}

size_t weft_chan_length(const weft_chan_t *ch) {
  return ch->len;
}

static WEFT_BOUNDARY void chan_free(struct weft_chan *ch, const char *by) {
  check_free(&ch->senders, by);
  check_free(&ch->receivers, by);
  forget_woken(ch);
  free(ch->ring);
  free(ch);
}

void weft_chan_free(weft_chan_t *ch) {
  if (ch) chan_free(ch, "weft_chan_free");
}

weft_mvar_t *weft_mvar_new(void) {
  struct weft_mvar *mv = alloc(sizeof *mv);
  if (mv) chan_init(&mv->ch, 1);
  return mv;
}

WEFT_BOUNDARY async(void)(weft_mvar_put)(weft_mvar_t *mv, uintptr_t value) {
  return (async(void)){.node_ = event_node(&put_ops, mv ? &mv->ch : NULL, value)};
}

struct weft__node *weft__mvar_take(weft_mvar_t *mv) {
  return event_node(&take_ops, mv ? &mv->ch : NULL, 0);
}

bool weft_mvar_is_empty(const weft_mvar_t *mv) {
  return mv->ch.len == 0;
}

void weft_mvar_free(weft_mvar_t *mv) {
  if (mv) chan_free(&mv->ch, "weft_mvar_free");
}

/* ---- the mutex -------------------------------------------------------- */

struct weft_mutex {
  bool locked;
  struct weft__waitq waiters;
};

weft_mutex_t *weft_mutex_new(void) {
  return alloc(sizeof(struct weft_mutex));
}

/* Ownership passes straight to the first waiter, so that nobody can get
 * in between (FIFO). */
static void unlock(struct weft_mutex *mx) {
  struct weft__fiber *w = waitq_pop(&mx->waiters);
  if (w != NULL) give(w, 0);
  else mx->locked = false;
}

static weft_async_void unlock_k(struct weft_mutex *mx) {
  unlock(mx);
  return weft_return(void);
}

/* Holding the lock, the fiber goes on with the action, wrapped in the
 * finaliser that unlocks (built with the node, u.ev.sub). */
static int lock_attempt(struct weft__fiber *f, struct weft__node *op) {
  struct weft_mutex *mx = op->u.ev.obj;
  if (op->ev_phase == WEFT__EV_NEW) {
    if (mx->locked) return wait_on(&mx->waiters, f, op);
    mx->locked = true;
  }
  f->cur = op->u.ev.sub;
  op->u.ev.sub = NULL;
  return weft__op_done(f, 0);
}

/* Cancelled before it held the lock: the action never runs under it, but
 * its own finalisers still run (as for any action cancelled unstarted), so
 * it is handed to the fiber without the unlocking finaliser around it. */
static void lock_cancel(struct weft__fiber *f, struct weft__node *op) {
  struct weft_mutex *mx = op->u.ev.obj;
  if (op->ev_phase == WEFT__EV_WAITING) weft__waitq_remove(&mx->waiters, f);
  else if (op->ev_phase == WEFT__EV_GIVEN && mx != NULL) unlock(mx); /* handed over, never used */
  struct weft__node *fin = op->u.ev.sub;
  if (fin != NULL && f->cur == NULL) {
    /* A weft_return's immediate has no finalisers to owe: nothing to hand back. */
    f->cur = weft__immediate(fin->u.seq.m) ? NULL : fin->u.seq.m;
    weft__node_release(fin);
    op->u.ev.sub = NULL;
  }
}

static void lock_release(struct weft__node *op) {
  if (op->u.ev.sub) weft__node_free_tree(op->u.ev.sub);
  op->u.ev.sub = NULL;
}

static const struct weft__event_ops lock_ops = {"weft_with_lock", lock_attempt, lock_cancel, lock_release};

struct weft__node *weft__with_lock(weft_mutex_t *mx, struct weft__node *m) {
  struct weft__node *n = event_node(&lock_ops, mx, 0);
  n->u.ev.sub = weft__finally(m, (weft__fn)unlock_k, mx, NULL); /* claims m */
  n->u.ev.sub->owned = 1;
  return n;
}

bool weft_mutex_is_locked(const weft_mutex_t *mx) {
  return mx->locked;
}

WEFT_BOUNDARY void weft_mutex_free(weft_mutex_t *mx) {
  if (mx == NULL) return;
  check_free(&mx->waiters, "weft_mutex_free");
  /* A fiber handed the mutex will run its section and unlock it. */
  if (forget_woken(mx) > 0)
    weft__misuse("weft_mutex_free was called while a fiber holds the mutex: free it once nothing waits "
                 "(after weft_run returns, or once its waiters are done)");
  free(mx);
}

/* ---- yield ------------------------------------------------------------ */

/* The fiber goes to the back of the ready queue; every fiber ready now
 * runs before it does again. */
static int yield_attempt(struct weft__fiber *f, struct weft__node *op) {
  if (op->ev_phase == WEFT__EV_AGAIN) return weft__op_done(f, 0);
  op->ev_phase = WEFT__EV_AGAIN;
  weft__fiber_enqueue(f);
  return WEFT__OP_WAIT;
}

static const struct weft__event_ops yield_ops = {"weft_yield", yield_attempt, NULL, NULL};

WEFT_BOUNDARY async(void) weft_yield(void) {
  static char token; /* event_node wants an object */
  return (async(void)){.node_ = event_node(&yield_ops, &token, 0)};
}

/* ---- tasks and switches ----------------------------------------------- */

/* A task outlives its fiber while its handle (or a join action, or a
 * put-off cancel) still refers to it: it is freed when refs drops to 0. */
struct weft_task {
  struct weft__fiber *fiber; /* NULL once the fiber is gone */
  bool done;
  bool handle;               /* the handle was neither joined nor detached */
  bool joined;               /* a join action took the handle: it reports the outcome */
  uintptr_t value;
  int err;
  unsigned refs;
  struct weft__waitq joiners;
  struct weft_switch *sw;
  struct weft_task *sw_prev, *sw_next;
  struct weft_task *next_cancel; /* on the list of put-off cancels */
  bool cancel_queued;
};

struct weft_switch {
  bool off;
  size_t count;
  struct weft_task *head;
  struct weft__waitq joiners;
};

static void task_unref(struct weft_task *t) {
  if (--t->refs == 0) free(t);
}

static void switch_leave(struct weft_task *t) {
  struct weft_switch *sw = t->sw;
  if (sw == NULL) return;
  if (t->sw_prev) t->sw_prev->sw_next = t->sw_next;
  else sw->head = t->sw_next;
  if (t->sw_next) t->sw_next->sw_prev = t->sw_prev;
  t->sw = NULL;
  t->sw_prev = t->sw_next = NULL;
  if (--sw->count == 0) {
    struct weft__fiber *f;
    while ((f = waitq_pop(&sw->joiners)) != NULL) give(f, 0);
  }
}

static void task_end(struct weft_task *t, uintptr_t value, int err) {
  if (t->done) return;
  t->done = true;
  t->value = value;
  t->err = err;
  switch_leave(t);
  struct weft__fiber *j;
  while ((j = waitq_pop(&t->joiners)) != NULL) give(j, 0);
}

bool weft__task_finish(struct weft__fiber *f) {
  struct weft_task *t = f->links->task;
  task_end(t, f->value, f->err);
  return t->handle || t->joined;
}

void weft__task_fiber_gone(struct weft__fiber *f) {
  struct weft_task *t = f->links->task;
  f->links->task = NULL;
  task_end(t, 0, -ECANCELED); /* freed unfinished: the loop closed */
  t->fiber = NULL;
  task_unref(t);
}

static struct weft_task *task_start(struct weft__node *m, const char *by) {
  m = weft__node_claim(m, by);
  weft__thread_hook();
  struct weft_task *t = calloc(1, sizeof *t);
  if (t == NULL) abort();
  t->fiber = weft__fiber_new(m);
  weft__fiber_links(t->fiber)->task = t;
  t->refs = 1;
  weft__fiber_enqueue(t->fiber);
  return t;
}

weft_task_t *weft__spawn_task(struct weft__node *m) {
  struct weft_task *t = task_start(m, "weft_spawn_task");
  t->handle = true;
  t->refs++;
  return t;
}

/* Cancels put off because the fiber that asked runs inside the task. */
_Thread_local struct weft_task *weft__task_cancels; /* internal.h */

void weft__task_flush_cancels(void) {
  while (weft__task_cancels != NULL) {
    struct weft_task *t = weft__task_cancels;
    weft__task_cancels = t->next_cancel;
    t->cancel_queued = false;
    if (t->fiber != NULL && !t->done && !t->fiber->cancelled) weft__fiber_cancel(t->fiber);
    task_unref(t);
  }
}

/* Whether the running fiber is f or one of its join or pick branches:
 * cancelling f now would pull the ground from under the code running. */
static bool runs_inside(struct weft__fiber *f) {
  for (struct weft__fiber *c = weft__loop.current; c != NULL; c = c->links != NULL ? c->links->parent : NULL)
    if (c == f) return true;
  return false;
}

static WEFT_BOUNDARY void task_cancel(struct weft_task *t) {
  struct weft__fiber *f = t->fiber;
  if (f == NULL || t->done || f->cancelled) return;
  if (runs_inside(f)) {
    if (!t->cancel_queued) {
      t->cancel_queued = true;
      t->refs++;
      t->next_cancel = weft__task_cancels;
      weft__task_cancels = t;
    }
    return;
  }
  weft__fiber_cancel(f);
}

WEFT_BOUNDARY void weft_task_cancel(weft_task_t *t) {
  if (t == NULL) weft__misuse("weft_task_cancel was given a NULL task");
  task_cancel(t);
}

static WEFT_BOUNDARY void consume_handle(struct weft_task *t, const char *by) {
  if (t == NULL) weft__misuse("%s was given a NULL task", by);
  if (!t->handle)
    weft__misuse("%s was given a task handle already joined or detached: a handle is used once", by);
  t->handle = false;
}

static int join_attempt(struct weft__fiber *f, struct weft__node *op) {
  struct weft_task *t = op->u.ev.obj;
  if (!t->done) return wait_on(&t->joiners, f, op);
  return t->err ? weft__op_failed(f, t->err) : weft__op_done(f, t->value);
}

static void join_cancel(struct weft__fiber *f, struct weft__node *op) {
  struct weft_task *t = op->u.ev.obj;
  if (op->ev_phase == WEFT__EV_WAITING) weft__waitq_remove(&t->joiners, f);
}

static void join_release(struct weft__node *op) {
  task_unref(op->u.ev.obj);
}

static const struct weft__event_ops join_ops = {"weft_task_join", join_attempt, join_cancel, join_release};

struct weft__node *weft__task_join(weft_task_t *t) {
  consume_handle(t, "weft_task_join");
  t->joined = true;
  return event_node(&join_ops, t, 0); /* the node now holds the handle's reference */
}

void weft_task_detach(weft_task_t *t) {
  consume_handle(t, "weft_task_detach");
  /* A task that failed before its handle was given up is reported now, as
   * weft_spawn would have reported it when it ended. */
  if (t->done && t->err != 0 && t->err != -ECANCELED)
    fprintf(stderr, "weft: a spawned fiber failed: %s\n", strerror(-t->err));
  task_unref(t);
}

weft_switch_t *weft_switch_new(void) {
  return alloc(sizeof(struct weft_switch));
}

void weft__switch_spawn(weft_switch_t *sw, struct weft__node *m) {
  if (sw == NULL) weft__misuse("weft_switch_spawn was given a NULL switch");
  struct weft_task *t = task_start(m, "weft_switch_spawn");
  t->sw = sw;
  t->sw_next = sw->head;
  if (sw->head) sw->head->sw_prev = t;
  sw->head = t;
  sw->count++;
  if (sw->off) weft__fiber_cancel(t->fiber);
}

void weft_switch_off(weft_switch_t *sw) {
  sw->off = true;
  /* Cancelling may end a fiber at once and unlink its task: step first. */
  for (struct weft_task *t = sw->head, *next; t != NULL; t = next) {
    next = t->sw_next;
    task_cancel(t);
  }
}

static int switch_join_attempt(struct weft__fiber *f, struct weft__node *op) {
  struct weft_switch *sw = op->u.ev.obj;
  if (op->ev_phase == WEFT__EV_NEW && sw->count > 0) return wait_on(&sw->joiners, f, op);
  return weft__op_done(f, 0);
}

static void switch_join_cancel(struct weft__fiber *f, struct weft__node *op) {
  struct weft_switch *sw = op->u.ev.obj;
  if (op->ev_phase == WEFT__EV_WAITING) weft__waitq_remove(&sw->joiners, f);
}

static const struct weft__event_ops switch_join_ops = {"weft_switch_join", switch_join_attempt,
                                                       switch_join_cancel, NULL};

WEFT_BOUNDARY async(void) weft_switch_join(weft_switch_t *sw) {
  return (async(void)){.node_ = event_node(&switch_join_ops, sw, 0)};
}

async(void) weft__switch_end(weft_switch_t *sw) {
  weft_switch_off(sw);
  return weft_switch_join(sw);
}

size_t weft_switch_count(const weft_switch_t *sw) {
  return sw->count;
}

bool weft_switch_is_on(const weft_switch_t *sw) {
  return !sw->off;
}

WEFT_BOUNDARY void weft_switch_free(weft_switch_t *sw) {
  if (sw == NULL) return;
  if (sw->count > 0)
    weft__misuse("weft_switch_free was called while fibers run under the switch: "
                 "free it after weft_run returns, or after weft_switch_join");
  check_free(&sw->joiners, "weft_switch_free");
  free(sw);
}
