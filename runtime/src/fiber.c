/* fiber.c: fibers, the trampoline that runs actions on a heap continuation stack, join/pick and cancellation.
 * Covered by test/runtime/stack_*.c (stack safety), memory_*.c and the api_*.c tests of each combinator. */
#include "internal.h"

#include <errno.h>

/* Continuations are stored as one uniform pointer type and called through
 * the types below.  This is the ABI contract of docs/runtime.md: every
 * async(T) is a union of one pointer, returned like weft_async_void, and
 * every value travels as one integer-class word. */
typedef weft_async_void (*k_value_fn)(void *env, uintptr_t value);
typedef weft_async_void (*k_unit_fn)(void *env);
typedef weft_async_void (*k_error_fn)(void *env, int err);
typedef uintptr_t (*map_fn)(void *env, uintptr_t value);

/* How many primitives a fiber may finish without waiting before it lets
 * the others run: a peer that always has data ready must not starve them. */
#define FIBER_BUDGET 64

/* Freed fibers wait on a short per-thread list, continuation stack and
 * all, for the next fiber: every join, pick and timeout starts two (issue
 * 13: calloc, free and the stack's realloc were a third of a timeout).
 * Like the node list (node.c), it is emptied when the thread ends. */
#define FIBER_CACHE_MAX 256
static _Thread_local struct weft__fiber *fiber_cache; /* linked through next_all */
static _Thread_local unsigned fiber_cache_len;

void weft__fiber_cache_flush(void) {
  while (fiber_cache != NULL) {
    struct weft__fiber *f = fiber_cache;
    WEFT__UNPOISON(f);
    fiber_cache = f->next_all;
    free(f->frames);
    free(f->links);
    free(f);
  }
  fiber_cache_len = 0;
}

struct weft__fiber *weft__fiber_new(struct weft__node *m) {
  struct weft__loop *L = &weft__loop;
  struct weft__fiber *f = fiber_cache;
  if (f != NULL) {
    WEFT__UNPOISON(f);
    fiber_cache = f->next_all;
    fiber_cache_len--;
    struct weft__frame *frames = f->frames;
    uint32_t cap = f->cap;
    struct weft__fiber_links *links = f->links;
    memset(f, 0, sizeof *f);
    f->frames = frames;
    f->cap = cap;
    if (links != NULL) memset(links, 0, sizeof *links);
    f->links = links;
  } else {
    f = calloc(1, sizeof *f);
    if (f == NULL) abort();
  }
  f->cur = m;
  f->heap_index = WEFT__NO_TIMER;
  f->io_fd = -1;
  f->next_all = L->all;
  if (L->all) L->all->prev_all = f;
  L->all = f;
  return f;
}

void weft__fiber_free(struct weft__fiber *f) {
  struct weft__loop *L = &weft__loop;
  if (f->prev_all) f->prev_all->next_all = f->next_all;
  else L->all = f->next_all;
  if (f->next_all) f->next_all->prev_all = f->prev_all;
  if (f->op && f->op->kind == WEFT__K_EVENT) weft__event_cancel(f); /* leaves the object's queue */
  if (f->links && f->links->task) weft__task_fiber_gone(f);
  if (f->op) {
    weft__io_abandon(f, false); /* the loop's teardown: nothing more is written */
    weft__node_release(f->op);
  }
  if (f->cur) weft__node_free_tree(f->cur);
  weft__rbuf_free(f->rbuf);
  weft__rbuf_free(f->rprev);
  if (f->links != NULL) {
    free(f->links->trace);
    f->links->trace = NULL;
  }
  for (uint32_t i = 0; i < f->depth; i++) /* a finaliser that never finished kept a trace aside */
    if (f->frames[i].kind == WEFT__F_RESTORE && f->frames[i].saved_err != 0) free((void *)f->frames[i].saved);
  if (fiber_cache_len >= FIBER_CACHE_MAX || f->cap > 16) { /* a deep stack is not kept */
    free(f->frames);
    free(f->links);
    free(f);
    return;
  }
  f->next_all = fiber_cache;
  fiber_cache = f;
  fiber_cache_len++;
  WEFT__POISON(f);
}

void weft__fiber_enqueue(struct weft__fiber *f) {
  struct weft__loop *L = &weft__loop;
  f->state = WEFT__FS_READY;
  if (f->queued) return;
  f->queued = true;
  f->next_ready = NULL;
  if (L->ready_tail) L->ready_tail->next_ready = f;
  else L->ready_head = f;
  L->ready_tail = f;
}

void weft__fiber_resume(struct weft__fiber *f, uintptr_t value, int err) {
  f->value = value;
  f->err = err;
  weft__fiber_enqueue(f);
}

/* The continuation stack starts with one frame and grows to 3, 7, 15...
 * frames: most fibers wait with one (a pending sleep) or three (a
 * connection of examples/tcp_server.c: its finaliser, its catch and the
 * bind of the pending read), and a stack of exactly three is 96 bytes
 * where a doubling one would hold four.  A recycled fiber keeps its
 * stack, so the growth is paid rarely.  The caller fills the new frame. */
static struct weft__frame *push_frame(struct weft__fiber *f) {
  if (f->depth == f->cap) {
    if (f->cap > UINT32_MAX / 2 - 1) abort(); /* 2^31 frames: memory ran out long before */
    uint32_t cap = f->cap * 2 + 1;
    struct weft__frame *grown = realloc(f->frames, cap * sizeof *grown);
    if (grown == NULL) abort();
    f->frames = grown;
    f->cap = cap;
  }
  return &f->frames[f->depth++];
}

/* A continuation's result becomes the fiber's next action.  This and
 * deliver are where the runtime opens actions up, so they are a boundary for
 * the checker (the rules hold for code that uses actions, not for this). */
/* An action to run next, or the outcome itself when it is a weft_return's
 * immediate: f->cur never holds an immediate. */
static void set_cur(struct weft__fiber *f, struct weft__node *m) {
  if (weft__immediate(m)) {
    f->cur = NULL;
    f->value = weft__immediate_value(m);
    f->err = 0;
  } else {
    f->cur = m;
  }
}

static WEFT_BOUNDARY void take(struct weft__fiber *f, weft_async_void next, const char *by) {
  struct weft__node *n = next.node_;
  if (weft__immediate(n)) { /* resolved already: no node to claim or step */
    set_cur(f, n);
    return;
  }
  if (n == NULL)
    weft__misuse("a %s continuation returned a NULL action (an async value that was never built)", by);
  /* weft__node_claim's checks inline, the call made only for a report. */
#ifdef WEFT_DEBUG
  if (n->owned || n->kind == WEFT__K_DEAD) weft__node_claim(n, by);
#else
  if (n->owned) weft__node_claim(n, by);
#endif
  n->owned = 1;
  f->cur = n;
}

static uintptr_t widen(uintptr_t v, unsigned size, bool is_signed) {
  if (size == 0 || size >= sizeof v) return v;
  unsigned bits = size * 8u;
  uintptr_t mask = ((uintptr_t)1 << bits) - 1;
  v &= mask;
  if (is_signed && ((v >> (bits - 1)) & 1u)) v |= ~mask;
  return v;
}

struct weft__fiber_links *weft__fiber_links_new(struct weft__fiber *f) {
  f->links = calloc(1, sizeof *f->links);
  if (f->links == NULL) abort();
  return f->links;
}

static struct weft__fiber *parent_of(const struct weft__fiber *f) {
  return f->links != NULL ? f->links->parent : NULL;
}

static void start_children(struct weft__fiber *f, struct weft__node *n) {
  struct weft__fiber_links *l = weft__fiber_links(f);
  l->combinator = n->kind;
  l->combinator_site = n->u.pair.site;
  l->running_children = 2;
  f->state = WEFT__FS_WAIT_CHILDREN;
  struct weft__node *branch[2] = {n->u.pair.a, n->u.pair.b};
  weft__node_release(n);
  for (int i = 0; i < 2; i++) {
    struct weft__fiber *c = weft__fiber_new(branch[i]);
    weft__fiber_links(c)->parent = f;
    l->child[i] = c;
    weft__fiber_enqueue(c);
  }
}

/* Runs the node at the top of the fiber; returns false if the fiber waits. */
static bool step_node(struct weft__fiber *f) {
  struct weft__node *n = f->cur;
  switch (n->kind) {
  case WEFT__K_RETURN:
    f->cur = NULL;
    f->value = n->u.value;
    f->err = 0;
    weft__node_release(n);
    return true;
  case WEFT__K_FAIL:
    f->cur = NULL;
    f->err = n->u.fail.err;
    weft__trace_start(f);
    weft__trace_add(f, n->u.fail.site, WEFT__K_FAIL);
    weft__node_release(n);
    return true;
  case WEFT__K_BIND:
  case WEFT__K_THEN:
  case WEFT__K_MAP:
  case WEFT__K_CATCH:
  case WEFT__K_FINALLY: {
    static const unsigned char frame_of[] = {
        [WEFT__K_BIND] = WEFT__F_BIND, [WEFT__K_THEN] = WEFT__F_THEN,
        [WEFT__K_MAP] = WEFT__F_MAP, [WEFT__K_CATCH] = WEFT__F_CATCH,
        [WEFT__K_FINALLY] = WEFT__F_FINALLY};
    *push_frame(f) = (struct weft__frame){.fn = n->u.seq.fn, .env = n->u.seq.env, .site = n->u.seq.site,
                                          .kind = frame_of[n->kind], .map_size = n->map_size,
                                          .map_signed = n->map_signed};
    set_cur(f, n->u.seq.m);
    weft__node_release_plain(n);
    return true;
  }
  case WEFT__K_JOIN:
  case WEFT__K_PICK:
    f->cur = NULL;
    start_children(f, n);
    return false;
  case WEFT__K_DEAD:
    weft__misuse("a fiber ran an action that already ran: an action is used once, "
                 "and this one was used twice");
  default: /* a primitive: weft__fiber_run drives it through f->op */
    f->cur = NULL;
    f->op = n;
    f->op_done = 0;
    f->op_retry = false;
    return true;
  }
}

/* A bind, then, map or catch of an action that is already resolved (a
 * weft_return) runs its continuation at once, from the trampoline, without
 * pushing a frame for it: that is what a bind loop does on every step.  The
 * continuation is called from weft__fiber_run's loop as deliver would call
 * it, so the C stack does not grow with the length of the chain, and the
 * outcome is the same as by step_node and deliver (a success leaves no
 * trace).  Never used by enter_unstarted, which must run no user code. */
static WEFT_BOUNDARY void run_resolved(struct weft__fiber *f, struct weft__node *n) {
  struct weft__node *m = n->u.seq.m;
  uintptr_t value;
  if (weft__immediate(m)) {
    value = weft__immediate_value(m);
  } else {
    value = m->u.value;
    weft__node_release(m);
  }
  weft__fn fn = n->u.seq.fn;
  void *env = n->u.seq.env;
  unsigned char kind = n->kind, size = n->map_size, is_signed = n->map_signed;
  weft__node_release_plain(n);
  f->cur = NULL;
  f->value = value;
  f->err = 0;
  switch (kind) {
  case WEFT__K_BIND:
    take(f, ((k_value_fn)fn)(env, value), "weft_bind");
    break;
  case WEFT__K_THEN:
    take(f, ((k_unit_fn)fn)(env), "weft_then");
    break;
  case WEFT__K_MAP:
    f->value = widen(((map_fn)fn)(env, value), size, is_signed);
    break;
  default: /* CATCH: the success passes through */
    break;
  }
}

/* A bind loop's every step: run_resolved's first case, for a bind of an
 * immediate, repeated while the continuation returns another such bind.
 * Inlined into the trampoline, so that a step costs no call of its own.
 * f->value and f->err mean nothing while f->cur is set; f->cur is cleared
 * for the call, in case the continuation cancels its own fiber. */
static inline WEFT_BOUNDARY void run_bound_immediates(struct weft__fiber *f, struct weft__node *n) {
  do {
    weft__fn fn = n->u.seq.fn;
    void *env = n->u.seq.env;
    uintptr_t value = weft__immediate_value(n->u.seq.m);
    weft__node_release_plain(n);
    f->cur = NULL;
    take(f, ((k_value_fn)fn)(env, value), "weft_bind");
    n = f->cur;
  } while (n != NULL && n->kind == WEFT__K_BIND && weft__immediate(n->u.seq.m));
}

static void finish(struct weft__fiber *f);

/* Delivers the fiber's outcome to the frame on top of its stack; returns
 * false when the fiber has finished. */
static WEFT_BOUNDARY bool deliver(struct weft__fiber *f) {
  if (f->depth == 0) {
    finish(f);
    return false;
  }
  struct weft__frame fr = f->frames[--f->depth];
  if (f->err == 0) {
    switch (fr.kind) {
    case WEFT__F_BIND:
      take(f, ((k_value_fn)fr.fn)(fr.env, f->value), "weft_bind");
      break;
    case WEFT__F_THEN:
      take(f, ((k_unit_fn)fr.fn)(fr.env), "weft_then");
      break;
    case WEFT__F_MAP:
      f->value = widen(((map_fn)fr.fn)(fr.env, f->value), fr.map_size, fr.map_signed);
      break;
    case WEFT__F_FINALLY:
      *push_frame(f) = (struct weft__frame){.saved = f->value, .kind = WEFT__F_RESTORE};
      take(f, ((k_unit_fn)fr.fn)(fr.env), "weft_finally");
      break;
    case WEFT__F_RESTORE: /* the finaliser succeeded: m's outcome stands */
      f->value = fr.saved;
      f->err = fr.saved_err;
      if (fr.saved_err != 0) { /* and so does its trace, set aside while the finaliser ran */
        struct weft__fiber_links *l = weft__fiber_links(f);
        free(l->trace);
        l->trace = (struct weft__trace *)fr.saved;
        f->tracing = l->trace != NULL;
        f->value = 0;
      }
      break;
    default: /* CATCH: success passes through */
      break;
    }
    return true;
  }
  /* The failure passes this frame: its site joins the failure's trace. */
  static const unsigned char kind_of[] = {
      [WEFT__F_BIND] = WEFT__K_BIND,       [WEFT__F_THEN] = WEFT__K_THEN,
      [WEFT__F_MAP] = WEFT__K_MAP,         [WEFT__F_CATCH] = WEFT__K_CATCH,
      [WEFT__F_FINALLY] = WEFT__K_FINALLY, [WEFT__F_RESTORE] = WEFT__K_FINALLY};
  if (!f->tracing) weft__trace_start(f);
  if (fr.site != NULL && fr.kind < sizeof kind_of) weft__trace_add(f, fr.site, kind_of[fr.kind]);
  switch (fr.kind) {
  case WEFT__F_CATCH:
    /* A cancelled fiber unwinds past the handlers it had when it was
     * cancelled: it must stop.  Handlers inside its finalisers still work. */
    if (!(f->cancelled && f->depth < f->cancel_depth)) {
      int err = f->err;
      f->err = 0;
      f->tracing = false; /* handled: the next failure starts a trace of its own */
      take(f, ((k_error_fn)fr.fn)(fr.env, err), "weft_catch");
    }
    break;
  case WEFT__F_FINALLY:
    /* The failure's trace waits in the RESTORE frame while the finaliser
     * runs, so that failures the finaliser meets (and perhaps catches)
     * start traces of their own and leave this one whole. */
    *push_frame(f) = (struct weft__frame){
        .saved = (uintptr_t)weft__fiber_trace(f), .saved_err = f->err, .kind = WEFT__F_RESTORE};
    if (f->links != NULL) f->links->trace = NULL;
    f->tracing = false;
    f->err = 0;
    take(f, ((k_unit_fn)fr.fn)(fr.env), "weft_finally");
    break;
  case WEFT__F_RESTORE: /* the finaliser failed: its failure wins, with its own trace */
    if (fr.saved_err != 0) free((void *)fr.saved);
    break;
  default: /* BIND, THEN, MAP are skipped */
    break;
  }
  return true;
}

void weft__fiber_run(struct weft__fiber *f) {
  struct weft__loop *L = &weft__loop;
  unsigned budget = FIBER_BUDGET;
  L->current = f;
  for (;;) {
    if (f->op != NULL) {
      unsigned char kind = f->op->kind;
      int r = kind == WEFT__K_SLEEP   ? weft__sleep_attempt(f, f->op)
              : kind == WEFT__K_EVENT ? weft__event_attempt(f)
                                      : weft__op_attempt(f);
      if (r == WEFT__OP_WAIT) break;
      weft__node_release(f->op);
      f->op = NULL;
      if (--budget == 0) {
        weft__fiber_enqueue(f);
        break;
      }
    } else if (f->cur != NULL) {
      struct weft__node *n = f->cur;
      if (n->kind == WEFT__K_BIND && weft__immediate(n->u.seq.m)) {
        run_bound_immediates(f, n);
      } else if (n->kind == WEFT__K_BIND && n->u.seq.m->kind >= WEFT__K_READ && n->u.seq.m->kind < WEFT__K_DEAD) {
        struct weft__node *m = n->u.seq.m;
        /* A bind of a primitive (weft_bind(weft_read(...), k, env), a
         * sleep's every turn): step_node's BIND case and its last case in
         * one turn, without the calls. */
        *push_frame(f) = (struct weft__frame){.fn = n->u.seq.fn, .env = n->u.seq.env, .site = n->u.seq.site, .kind = WEFT__F_BIND};
        weft__node_release_plain(n);
        f->cur = NULL;
        f->op = m;
        f->op_done = 0;
        f->op_retry = false;
      } else if (n->kind >= WEFT__K_READ && n->kind < WEFT__K_DEAD) {
        /* A primitive: step_node's last case, without the call. */
        f->cur = NULL;
        f->op = n;
        f->op_done = 0;
        f->op_retry = false;
      } else if (n->kind >= WEFT__K_BIND && n->kind <= WEFT__K_CATCH &&
          (weft__immediate(n->u.seq.m) || n->u.seq.m->kind == WEFT__K_RETURN))
        run_resolved(f, n);
      else if (!step_node(f))
        break;
    } else if (!deliver(f)) {
      break;
    }
  }
  L->current = NULL;
  /* A fiber that cancelled a task it runs inside (its own, or one whose
   * join or pick it is a branch of) had that cancellation put off until now. */
  if (weft__task_cancels != NULL) weft__task_flush_cancels();
}

static void detach(struct weft__fiber *p, int slot) {
  struct weft__fiber *c = p->links->child[slot];
  if (c == NULL) return;
  p->links->child[slot] = NULL;
  p->links->running_children--;
  c->links->parent = NULL;
  weft__fiber_cancel(c);
}

/* A branch of a join or pick finished: decide for its parent. */
static void child_done(struct weft__fiber *p, struct weft__fiber *c) {
  struct weft__fiber_links *l = p->links; /* a parent's links were made by start_children */
  int slot = l->child[0] == c ? 0 : 1;
  l->child[slot] = NULL;
  l->running_children--;
  c->links->parent = NULL;
  bool wake = false;
  bool adopt = false;
  if (l->combinator == WEFT__K_PICK) {
    p->value = c->value;
    p->err = c->err;
    adopt = true;
    wake = true;
  } else if (c->err != 0) {
    p->err = c->err;
    wake = true;
  } else if (l->running_children == 0) {
    p->value = 0;
    p->err = 0;
    wake = true;
  }
  if (wake && p->err != 0) {
    /* The parent fails with the branch's failure: its trace goes on from the branch's. */
    free(l->trace);
    l->trace = c->links->trace;
    p->tracing = c->tracing;
    c->links->trace = NULL;
    if (!p->tracing) weft__trace_start(p); /* the branch failed with no frame to record */
    weft__trace_add(p, l->combinator_site, l->combinator);
  }
  if (wake) {
    detach(p, !slot);
    l->combinator = 0;
    weft__fiber_enqueue(p);
  }
  /* A string the winner read becomes the parent's latest read.  Only once
   * the loser is cancelled: a write it leaves half done copies its rest
   * from a buffer the parent's older read may own. */
  if (adopt) weft__read_adopt(p, c);
  weft__fiber_free(c);
}

static void finish(struct weft__fiber *f) {
  f->state = WEFT__FS_DONE;
  if (f->root) return; /* weft_run collects it */
  if (parent_of(f) != NULL) {
    child_done(f->links->parent, f);
    return;
  }
  if (f->links != NULL && f->links->task != NULL && weft__task_finish(f)) { /* its handle's joiner reports */
    weft__fiber_free(f);
    return;
  }
  if (f->quiet) {
    /* The rest of a cancelled write: its failure has nobody to go to. */
  } else if (f->cancelled && f->err != -ECANCELED)
    fprintf(stderr, "weft: a finaliser of a cancelled fiber failed: %s\n", strerror(-f->err));
  else if (!f->cancelled && f->err != 0) {
    fprintf(stderr, "weft: a spawned fiber failed: %s\n", strerror(-f->err));
    if (f->tracing) weft__trace_print(weft__fiber_trace(f));
  }
  weft__fiber_free(f);
}

/* A fiber cancelled before its next action started still owes that
 * action's finalisers: weft_finally(m, f) guards what was acquired before m
 * (an accepted fd, say).  Entering the action's chain of binds, catches and
 * finalisers pushes their frames without running any user code; the unwind
 * that follows then runs the finalisers.  The rest is freed unrun. */
static void enter_unstarted(struct weft__fiber *f) {
  struct weft__node *n = f->cur;
  f->cur = NULL;
  for (;;) {
    while (n != NULL && !weft__immediate(n) && n->kind >= WEFT__K_BIND && n->kind <= WEFT__K_FINALLY) {
      struct weft__node *m = n->u.seq.m;
      f->cur = n;
      step_node(f); /* pushes the frame and releases n */
      n = m;
    }
    f->cur = NULL;
    if (n == NULL || weft__immediate(n) || n->kind != WEFT__K_EVENT) break;
    /* A wait that wraps an action of its own (weft_with_lock) hands that
     * action back, unstarted, when cancelled before it began: its
     * finalisers are owed too.  Other waits hand nothing back. */
    f->op = n;
    weft__event_cancel(f);
    f->op = NULL;
    weft__node_release(n);
    n = f->cur;
    f->cur = NULL;
  }
  if (n != NULL) weft__node_free_tree(n);
}

/* Cancelling a fiber releases what it waits on (fd watch, timer, branches)
 * and makes it unwind with -ECANCELED, running its finalisers.  Branches are
 * cancelled too; towers of joins are deep, so this uses a worklist. */
void weft__fiber_cancel(struct weft__fiber *f) {
  struct weft__fiber **work = NULL;
  size_t len = 0, cap = 0;
  struct weft__fiber *g = f;
  while (g != NULL) {
    g->cancelled = true;
    switch (g->state) {
    case WEFT__FS_WAIT_TIMER:
      weft__timer_remove(g);
      break;
    case WEFT__FS_WAIT_SIGNAL:
      weft__signal_unwatch(g);
      break;
    case WEFT__FS_WAIT_CHILDREN:
      for (int i = 0; i < 2; i++) {
        struct weft__fiber *c = g->links->child[i];
        if (c == NULL) continue;
        g->links->child[i] = NULL;
        c->links->parent = NULL;
        if (len == cap) {
          cap = cap ? cap * 2 : 16;
          struct weft__fiber **grown = realloc(work, cap * sizeof *grown);
          if (grown == NULL) abort();
          work = grown;
        }
        work[len++] = c;
      }
      g->links->running_children = 0;
      g->links->combinator = 0;
      break;
    default:
      break;
    }
    if (g->state != WEFT__FS_DONE) {
      if (g->op && g->op->kind == WEFT__K_EVENT) weft__event_cancel(g);
      if (g->op) {
        weft__io_abandon(g, true); /* its place in an fd's queue goes to the next in line */
        weft__node_release(g->op);
      }
      g->op = NULL;
      if (g->cur) enter_unstarted(g);
      g->cancel_depth = g->depth;
      g->tracing = false; /* the cancellation is a failure of its own */
      weft__fiber_resume(g, 0, -ECANCELED);
    }
    g = len ? work[--len] : NULL;
  }
  free(work);
}

void weft__spawn(struct weft__node *m) {
  m = weft__node_claim(m, "weft_spawn");
  weft__thread_hook();
  weft__fiber_enqueue(weft__fiber_new(m));
}
