/* combinators.c: the N-ary and value-carrying combinators (weft_all, weft_join_n, weft_pick_n, weft_first_success, weft_both).
 * Covered by test/runtime/sync_nary.c.  Each is a balanced tree of the binary join and pick of fiber.c. */
#include "internal.h"

#include <errno.h>

typedef weft_async_void (*make_fn)(void *env, size_t i);

/* Where one branch's value goes, and how wide it is. */
struct slot {
  void *out;
  size_t size;
};

/* What a combinator shares with its branches; freed by the finaliser at
 * its root, which runs however the combinator ends. */
struct nary {
  size_t n, failures;
  struct slot slots[];
};

static struct nary *nary_new(size_t n) {
  struct nary *c = calloc(1, sizeof *c + n * sizeof(struct slot));
  if (c == NULL) abort();
  c->n = n;
  return c;
}

static weft_async_void nary_free(void *env) {
  free(env);
  return weft_return(void);
}

/* A value is written with its own width, as weft_run writes *out. */
static weft_async_void store(void *env, uintptr_t v) {
  struct slot *s = env;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  memcpy(s->out, (char *)&v + sizeof v - s->size, s->size);
#else
  memcpy(s->out, &v, s->size);
#endif
  return weft_return(void);
}

/* The runtime opens the action up here, as fiber.c's take does. */
static WEFT_BOUNDARY struct weft__node *build(make_fn make, void *env, size_t i) {
  struct weft__node *m = make(env, i).node_;
  if (m == NULL) weft__misuse("the make function of an N-ary combinator returned a NULL action for %zu", i);
  return m;
}

/* Pairs neighbours level by level: depth log2(n), each leaf used once. */
static struct weft__node *tree(struct weft__node **nodes, size_t n,
                               struct weft__node *(*combine)(struct weft__node *, struct weft__node *)) {
  while (n > 1) {
    size_t k = 0;
    for (size_t i = 0; i + 1 < n; i += 2) nodes[k++] = combine(nodes[i], nodes[i + 1]);
    if (n % 2) nodes[k++] = nodes[n - 1];
    n = k;
  }
  return nodes[0];
}

/* The tree's inner nodes are the runtime's own: no call site of the program's. */
static struct weft__node *join2(struct weft__node *a, struct weft__node *b) {
  return weft__join(a, b, NULL);
}

static struct weft__node *pick2(struct weft__node *a, struct weft__node *b) {
  return weft__pick(a, b, NULL);
}

static struct weft__node **leaves(size_t n) {
  struct weft__node **v = malloc(n * sizeof *v);
  if (v == NULL) abort();
  return v;
}

struct weft__node *weft__all(size_t n, weft__fn make, void *env, void *values, size_t size) {
  if (make == NULL) weft__misuse("weft_all was given a NULL make function");
  if (n == 0) return weft__return(0);
  struct weft__node **v = leaves(n);
  struct nary *c = values != NULL ? nary_new(n) : NULL;
  for (size_t i = 0; i < n; i++) {
    v[i] = build((make_fn)make, env, i);
    if (c != NULL) {
      c->slots[i] = (struct slot){.out = (char *)values + i * size, .size = size};
      v[i] = weft__bind(v[i], (weft__fn)store, &c->slots[i], NULL);
    }
  }
  struct weft__node *root = n == 1 && c == NULL ? v[0] : tree(v, n, join2);
  free(v);
  if (c == NULL) return root;
  return weft__finally(root, (weft__fn)nary_free, c, NULL);
}

/* A branch of weft_first_success that failed while others may still
 * succeed waits here until the winner cancels it. */
static int park_attempt(struct weft__fiber *f, struct weft__node *op) {
  (void)op;
  f->state = WEFT__FS_WAIT_EVENT;
  return WEFT__OP_WAIT;
}

static const struct weft__event_ops park_ops = {"weft_first_success", park_attempt, NULL, NULL};

static WEFT_BOUNDARY weft_async_void branch_failed(void *env, int err) {
  struct nary *c = env;
  if (++c->failures == c->n) return (weft_async_void){.node_ = weft__fail(err, NULL)}; /* the last: it wins */
  struct weft__node *park = weft__node_new(WEFT__K_EVENT);
  park->u.ev.ops = &park_ops;
  park->u.ev.obj = c;
  return (weft_async_void){.node_ = park};
}

struct weft__node *weft__pick_n(size_t n, weft__fn make, void *env, int first_success) {
  if (make == NULL) weft__misuse("weft_pick_n was given a NULL make function");
  if (n == 0) return weft__fail(-EINVAL, NULL);
  struct weft__node **v = leaves(n);
  struct nary *c = first_success ? nary_new(n) : NULL;
  for (size_t i = 0; i < n; i++) {
    v[i] = build((make_fn)make, env, i);
    if (c != NULL) v[i] = weft__catch(v[i], (weft__fn)branch_failed, c, NULL);
  }
  struct weft__node *root = n == 1 && c == NULL ? v[0] : tree(v, n, pick2);
  free(v);
  if (c == NULL) return root;
  return weft__finally(root, (weft__fn)nary_free, c, NULL);
}

struct weft__node *weft__both(struct weft__node *a, struct weft__node *b, void *out_a, size_t size_a,
                              void *out_b, size_t size_b) {
  struct nary *c = nary_new(2);
  c->slots[0] = (struct slot){.out = out_a, .size = size_a};
  c->slots[1] = (struct slot){.out = out_b, .size = size_b};
  struct weft__node *l = weft__bind(a, (weft__fn)store, &c->slots[0], NULL);
  struct weft__node *r = weft__bind(b, (weft__fn)store, &c->slots[1], NULL);
  return weft__finally(weft__join(l, r, NULL), (weft__fn)nary_free, c, NULL);
}
