/* node.c: building actions (the nodes behind async(T)), their release, and the misuse reports.
 * Covered by test/runtime/api_*.c for construction and test/runtime/misuse_*.c for the reports. */
#include "internal.h"

#include <errno.h>
#include <stdarg.h>

_Noreturn void weft__misuse(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("weft: misuse: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  abort();
}

static const char *const kind_names[] = {
    [WEFT__K_RETURN] = "weft_return", [WEFT__K_FAIL] = "weft_fail",
    [WEFT__K_BIND] = "weft_bind",     [WEFT__K_THEN] = "weft_then",
    [WEFT__K_MAP] = "weft_map",       [WEFT__K_CATCH] = "weft_catch",
    [WEFT__K_FINALLY] = "weft_finally", [WEFT__K_JOIN] = "weft_join",
    [WEFT__K_PICK] = "weft_pick",     [WEFT__K_READ] = "weft_read",
    [WEFT__K_WRITE] = "weft_write",   [WEFT__K_SLEEP] = "weft_sleep",
    [WEFT__K_ACCEPT] = "weft_accept", [WEFT__K_CONNECT] = "weft_connect",
    [WEFT__K_CLOSE] = "weft_close",   [WEFT__K_SIGNAL] = "weft_signal",
    [WEFT__K_EVENT] = "a wait",       [WEFT__K_READY] = "a readiness wait",
    [WEFT__K_DEAD] = "a consumed action",
};

const char *weft__node_name(const struct weft__node *n) {
  if (n->kind == WEFT__K_EVENT) return n->u.ev.ops->name;
  return n->kind <= WEFT__K_DEAD ? kind_names[n->kind] : "a corrupted action";
}

/* Consumed nodes go on a per-thread free list instead of back to malloc: a
 * bind loop builds and consumes two nodes per step, and glibc's calloc and
 * free cost about ten times a push and a pop (issue 13: 66% of the bind
 * loop).  The list is short, so a burst of actions hands its memory back to
 * malloc afterwards, and it is emptied when the thread ends.  A node freed
 * on another thread than the one that built it simply joins that thread's
 * list: every node is its own malloc block.  Under AddressSanitizer a node
 * on the list is poisoned, so a use after release is still reported. */
#define NODE_CACHE_MAX 1024
_Static_assert(sizeof(void *) != 8 || sizeof(struct weft__node) == 40,
               "a node is 40 bytes on 64-bit targets (48 as malloc rounds it): see internal.h");
_Thread_local struct weft__node *weft__node_cache WEFT__TLS_FAST; /* linked through u.seq.m */
/* How many more nodes the list takes: 0 when it is full, and also before
 * the thread is hooked, so that a release tests one number. */
_Thread_local unsigned weft__node_cache_room WEFT__TLS_FAST;
static _Thread_local bool node_cache_hooked;

struct weft__node *weft__node_new(enum weft__kind kind) {
  struct weft__node *n = weft__node_cache;
  if (n != NULL) {
    WEFT__UNPOISON(n);
    weft__node_cache = n->u.seq.m;
    weft__node_cache_room++;
    memset(n, 0, sizeof *n);
  } else {
    n = calloc(1, sizeof *n);
    if (n == NULL) {
      fputs("weft: out of memory\n", stderr);
      abort();
    }
  }
  n->kind = (unsigned char)kind;
  return n;
}

static void node_recycle(struct weft__node *n) {
  if (n == NULL) return;
  if (weft__node_cache_room == 0) {
    if (node_cache_hooked) { /* full */
      free(n);
      return;
    }
    node_cache_hooked = true; /* the list is emptied when the thread ends */
    weft__thread_hook();
    weft__node_cache_room = NODE_CACHE_MAX;
  }
  n->u.seq.m = weft__node_cache;
  weft__node_cache = n;
  weft__node_cache_room--;
  WEFT__POISON(n);
}

/* Debug builds do not hand a consumed node back at once: it waits,
 * marked dead, in a quarantine ring, so that running the same action twice
 * meets a dead node and is reported instead of silently running whatever
 * reused the memory.  The ring is emptied when the thread ends. */
#ifdef WEFT_DEBUG
#define QUARANTINE 4096
static _Thread_local struct weft__node *quarantine[QUARANTINE];
static _Thread_local size_t quarantine_next;
#endif

/* Called when the thread ends (and at exit for the main thread). */
void weft__node_quarantine_flush(void) {
#ifdef WEFT_DEBUG
  for (size_t i = 0; i < QUARANTINE; i++) {
    free(quarantine[i]);
    quarantine[i] = NULL;
  }
#endif
  while (weft__node_cache != NULL) {
    struct weft__node *n = weft__node_cache;
    WEFT__UNPOISON(n);
    weft__node_cache = n->u.seq.m;
    free(n);
  }
  weft__node_cache_room = node_cache_hooked ? NODE_CACHE_MAX : 0;
}

void weft__node_release(struct weft__node *n) {
  /* Only a write, a connect and a wait hold anything; the others (a bind,
   * a return) pass this one test. */
  if (n->kind >= WEFT__K_WRITE) {
    if (n->kind == WEFT__K_CONNECT) free(n->u.connect.addr);
    if (n->kind == WEFT__K_WRITE && n->owns_buf) free((char *)n->u.write.buf);
    if (n->kind == WEFT__K_EVENT && n->u.ev.ops->release != NULL) n->u.ev.ops->release(n);
  }
#ifdef WEFT_DEBUG
  n->kind = WEFT__K_DEAD;
  node_recycle(quarantine[quarantine_next]);
  quarantine[quarantine_next] = n;
  quarantine_next = (quarantine_next + 1) % QUARANTINE;
#else
  node_recycle(n);
#endif
}

/* An action that will never run (a cancelled fiber's next step, a pending
 * fiber at loop close) is freed with everything it holds.  Chains can be a
 * million nodes deep, so this walks with a heap stack, not recursion. */
void weft__node_free_tree(struct weft__node *root) {
  struct weft__node **stack = NULL;
  size_t len = 0, cap = 0;
  struct weft__node *n = weft__immediate(root) ? NULL : root;
  while (n != NULL) {
    struct weft__node *kids[2] = {NULL, NULL};
    switch (n->kind) {
    case WEFT__K_BIND:
    case WEFT__K_THEN:
    case WEFT__K_MAP:
    case WEFT__K_CATCH:
    case WEFT__K_FINALLY:
      kids[0] = n->u.seq.m;
      break;
    case WEFT__K_JOIN:
    case WEFT__K_PICK:
      kids[0] = n->u.pair.a;
      kids[1] = n->u.pair.b;
      break;
    default:
      break;
    }
    weft__node_release(n);
    for (int i = 0; i < 2; i++) {
      if (kids[i] == NULL || weft__immediate(kids[i])) continue;
      if (len == cap) {
        cap = cap ? cap * 2 : 64;
        struct weft__node **grown = realloc(stack, cap * sizeof *stack);
        if (grown == NULL) abort();
        stack = grown;
      }
      stack[len++] = kids[i];
    }
    n = len ? stack[--len] : NULL;
  }
  free(stack);
}

/* Every action is consumed exactly once: by a combinator that takes it in,
 * or by a sink.  A second claim is the misuse the checker proves absent. */
struct weft__node *weft__node_claim(struct weft__node *n, const char *by) {
  if (weft__immediate(n)) {
    struct weft__node *r = weft__return_node(weft__immediate_value(n));
    r->owned = 1;
    return r;
  }
  if (n == NULL)
    weft__misuse("%s was given a NULL action (an async value that was never built)", by);
#ifdef WEFT_DEBUG
  if (n->kind == WEFT__K_DEAD)
    weft__misuse("%s was given an action that already ran: an action is used once, "
                 "and this one was used twice", by);
#endif
  if (n->owned)
    weft__misuse("%s was given an action (built by %s) that is already used by another: "
                 "an action is used once, and this one was used twice",
                 by, weft__node_name(n));
  n->owned = 1;
  return n;
}

/* ---- constructors behind the weft.h macros ---------------------------- */

struct weft__node *weft__return_node(uintptr_t value) {
  struct weft__node *n = weft__node_new(WEFT__K_RETURN);
  n->u.value = value;
  return n;
}

/* The move behind weft_take: a slot is a place the checker cannot follow,
 * so emptiness is checked here, and a second take reports instead of
 * handing out an action twice. */
struct weft__node *weft__take(struct weft__node **slot) {
  if (slot == NULL) weft__misuse("weft_take was given a NULL slot");
  struct weft__node *n = *slot;
  if (n == NULL) weft__misuse("weft_take of an empty slot: its action was already taken, or never stored");
  *slot = NULL;
  return n;
}

struct weft__node *weft__fail(int err, const struct weft_site *site) {
  struct weft__node *n = weft__node_new(WEFT__K_FAIL);
  n->u.fail.site = site;
  n->u.fail.err = err < 0 ? err : err > 0 ? -err : -EINVAL; /* a failure always carries a code */
  return n;
}

/* Everything seq does when its fast path cannot: reports, the claim of a
 * node never checked inline, a node from malloc. */
/* Its parameters come in weft__bind's order, the kind last, so that the
 * fast path passes them on in the registers they arrived in. */
static __attribute__((noinline)) struct weft__node *seq_slow(struct weft__node *m, weft__fn fn, void *env,
                                                             const struct weft_site *site,
                                                             enum weft__kind kind) {
  if (fn == NULL) weft__misuse("%s was given a NULL continuation", kind_names[kind]);
  if (!weft__immediate(m)) m = weft__node_claim(m, kind_names[kind]);
  struct weft__node *n = weft__node_new(kind);
  n->u.seq.m = m;
  n->u.seq.fn = fn;
  n->u.seq.env = env;
  n->u.seq.site = site;
  return n;
}

/* Every bind's path: weft__node_claim's checks and weft__node_new's pop
 * inline, with no call on the way (so no register to save for one), and
 * whatever else to seq_slow.  One test decides, so that the compiler keeps
 * the slow path's call out of the fast one. */
static inline struct weft__node *seq(enum weft__kind kind, struct weft__node *m, weft__fn fn, void *env,
                                     const struct weft_site *site) {
  struct weft__node *n = weft__node_cache;
#ifdef WEFT_DEBUG
  bool claimable = weft__immediate(m) || (m != NULL && !m->owned && m->kind != WEFT__K_DEAD);
#else
  bool claimable = weft__immediate(m) || (m != NULL && !m->owned);
#endif
  if (__builtin_expect(fn == NULL || n == NULL || !claimable, 0)) return seq_slow(m, fn, env, site, kind);
  if (!weft__immediate(m)) m->owned = 1; /* an immediate is a value: there is nothing to claim */
  WEFT__UNPOISON(n);
  weft__node_cache = n->u.seq.m;
  weft__node_cache_room++;
  *n = (struct weft__node){.kind = (unsigned char)kind, .u.seq = {.m = m, .fn = fn, .env = env, .site = site}};
  return n;
}

struct weft__node *weft__bind(struct weft__node *m, weft__fn k, void *env, const struct weft_site *site) {
  return seq(WEFT__K_BIND, m, k, env, site);
}

struct weft__node *weft__then(struct weft__node *m, weft__fn k, void *env, const struct weft_site *site) {
  return seq(WEFT__K_THEN, m, k, env, site);
}

struct weft__node *weft__map(struct weft__node *m, weft__fn f, void *env, size_t size, int is_signed,
                             const struct weft_site *site) {
  struct weft__node *n = seq(WEFT__K_MAP, m, f, env, site);
  n->map_size = (unsigned char)size;
  n->map_signed = (unsigned char)(is_signed != 0);
  return n;
}

struct weft__node *weft__catch(struct weft__node *m, weft__fn h, void *env, const struct weft_site *site) {
  return seq(WEFT__K_CATCH, m, h, env, site);
}

struct weft__node *weft__finally(struct weft__node *m, weft__fn f, void *env, const struct weft_site *site) {
  return seq(WEFT__K_FINALLY, m, f, env, site);
}

static struct weft__node *pair(enum weft__kind kind, struct weft__node *a, struct weft__node *b,
                               const struct weft_site *site) {
  a = weft__node_claim(a, kind_names[kind]);
  b = weft__node_claim(b, kind_names[kind]);
  struct weft__node *n = weft__node_new(kind);
  n->u.pair.a = a;
  n->u.pair.b = b;
  n->u.pair.site = site;
  return n;
}

struct weft__node *weft__join(struct weft__node *a, struct weft__node *b, const struct weft_site *site) {
  return pair(WEFT__K_JOIN, a, b, site);
}

struct weft__node *weft__pick(struct weft__node *a, struct weft__node *b, const struct weft_site *site) {
  return pair(WEFT__K_PICK, a, b, site);
}

/* About 146 years: long enough to mean "forever", short enough that the
 * deadline in nanoseconds cannot overflow. */
#define SLEEP_MAX_MS (INT64_MAX / 2 / 1000000)

static long clamp_ms(long ms) {
  return ms < 0 ? 0 : (int64_t)ms > SLEEP_MAX_MS ? (long)SLEEP_MAX_MS : ms;
}

/* weft_timeout is a pick against a timer that fails. */
struct weft__node *weft__timeout(struct weft__node *m, long ms, const struct weft_site *site) {
  struct weft__node *t = weft__node_new(WEFT__K_SLEEP);
  t->u.sleep.site = site;
  t->u.sleep.ms = clamp_ms(ms);
  t->u.sleep.fail = -ETIMEDOUT;
  m = weft__node_claim(m, "weft_timeout");
  t->owned = 1;
  struct weft__node *n = weft__node_new(WEFT__K_PICK);
  n->u.pair.a = m;
  n->u.pair.b = t;
  n->u.pair.site = site;
  return n;
}

/* ---- primitives ------------------------------------------------------- */

/* The primitives wrap a node in its async type by hand, which only the
 * runtime may do: they are a boundary for the checker (rule async-forge). */

WEFT_BOUNDARY async(str) weft_read(int fd, size_t n) {
  struct weft__node *r = weft__node_new(WEFT__K_READ);
  r->u.read.fd = fd;
  r->u.read.n = n;
  return (async(str)){.node_ = r};
}

WEFT_BOUNDARY async(void) weft_write(int fd, const char *buf, size_t len) {
  struct weft__node *w = weft__node_new(WEFT__K_WRITE);
  w->u.write.fd = fd;
  w->u.write.buf = buf;
  w->u.write.len = len;
  return (async(void)){.node_ = w};
}

static struct weft__node *sleep_node(long ms, bool seconds) {
  struct weft__node *s = weft__node_new(WEFT__K_SLEEP);
  s->u.sleep.ms = clamp_ms(ms);
  s->u.sleep.seconds = seconds;
  return s;
}

WEFT_BOUNDARY async(int) weft_sleep(int seconds) {
  return (async(int)){.node_ = sleep_node((long)seconds * 1000, true)};
}

WEFT_BOUNDARY async(long) weft_sleep_ms(long ms) {
  return (async(long)){.node_ = sleep_node(ms, false)};
}

WEFT_BOUNDARY async(int) weft_accept(int listen_fd) {
  struct weft__node *a = weft__node_new(WEFT__K_ACCEPT);
  a->u.read.fd = listen_fd;
  return (async(int)){.node_ = a};
}

WEFT_BOUNDARY async(void) weft_connect(int fd, const struct sockaddr *addr, socklen_t len) {
  if (addr == NULL || len == 0 || len > sizeof(struct sockaddr_storage))
    return weft_fail(-EINVAL);
  struct weft__node *c = weft__node_new(WEFT__K_CONNECT);
  c->u.connect.fd = fd;
  c->u.connect.len = len;
  c->u.connect.addr = calloc(1, sizeof *c->u.connect.addr);
  if (c->u.connect.addr == NULL) abort();
  memcpy(c->u.connect.addr, addr, len);
  return (async(void)){.node_ = c};
}

WEFT_BOUNDARY async(void) weft_close(int fd) {
  struct weft__node *c = weft__node_new(WEFT__K_CLOSE);
  c->u.read.fd = fd;
  return (async(void)){.node_ = c};
}
