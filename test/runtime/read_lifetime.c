/* read_lifetime.c: the bytes of a read stay valid across the fiber's next read, whatever combinator that read runs in.
 * Proves (under ASan too): a string kept across a plain, timed, picked, joined or nested read is intact, with its length. */
#include <weft.h>

#include "check.h"
#include "support.h"

struct lt {
  int a[2], b[2];
  char *first;      /* kept from the first read */
  char *second;
  int shapes;
};

/* The bytes, and (asked from the fiber that read them) their length. */
static void check_first_bytes(struct lt *t) { CHECK_MEM_EQ(t->first, "first\0line", 10); }

static void check_first(struct lt *t) {
  check_first_bytes(t);
  CHECK_UINT_EQ(weft_str_len(t->first), 10);
}

static async(void) check_both(struct lt *t, char *second) {
  check_first(t);
  CHECK_STR_EQ(second, "second");
  CHECK_UINT_EQ(weft_str_len(second), 6);
  t->shapes++;
  return weft_return(void);
}

/* Each shape: read the first string, keep it, then read the second through
 * the combinator under test and look at both. */
typedef async(str) (*second_read)(struct lt *t);

static async(str) plain(struct lt *t) { return weft_read(t->a[0], 64); }

static async(str) timed(struct lt *t) { return weft_timeout(weft_read(t->a[0], 64), 10000); }

static async(str) picked(struct lt *t) { return weft_pick(weft_read(t->b[0], 64), weft_read(t->a[0], 64)); }

static async(str) nested(struct lt *t) {
  return weft_timeout(weft_pick(weft_read(t->b[0], 64), weft_timeout(weft_read(t->a[0], 64), 10000)), 10000);
}

/* A join whose branches read (and whose bytes die with them), then a read. */
static async(void) branch_got(struct lt *t, char *s) {
  CHECK_STR_EQ(s, "branch");
  check_first_bytes(t); /* a branch is another fiber: weft_str_len would measure */
  return weft_return(void);
}

static async(str) read_after_join(struct lt *t) { return weft_read(t->a[0], 64); }

static async(str) joined(struct lt *t) {
  CHECK_INT_EQ(write(t->b[1], "branch", 6), 6);
  return weft_then(weft_join(weft_bind(weft_read(t->b[0], 6), branch_got, t), weft_return(void)), read_after_join, t);
}

/* A timed read that times out: no read completed, the first string stays
 * the latest, and a read after it is the second. */
static async(str) timed_out(struct lt *t, int err) {
  CHECK_INT_EQ(err, -ETIMEDOUT);
  check_first(t);
  return weft_read(t->a[0], 64);
}

static async(str) expired(struct lt *t) {
  return weft_catch(weft_timeout(weft_read(t->b[0], 64), 5), timed_out, t);
}

/* A pick whose winner's value is not its string: the string is the
 * winner's own and dies with it; the first one is not touched. */
static size_t length(void *env, char *s) {
  (void)env;
  return weft_str_len(s);
}

static async(str) after_len(struct lt *t, size_t n) {
  CHECK_UINT_EQ(n, 4);
  check_first(t);
  return weft_read(t->a[0], 64);
}

static async(str) mapped(struct lt *t) {
  CHECK_INT_EQ(write(t->b[1], "four", 4), 4);
  return weft_bind(weft_timeout(weft_map(weft_read(t->b[0], 64), length, NULL), 10000), after_len, t);
}

struct shape {
  struct lt *t;
  second_read next;
};

static async(void) got_first(struct shape *sh, char *first) {
  sh->t->first = first;
  /* The second line arrives only now, so the second read waits for it. */
  CHECK_INT_EQ(write(sh->t->a[1], "second", 6), 6);
  return weft_bind(sh->next(sh->t), check_both, sh->t);
}

static void run_shape(struct lt *t, second_read next) {
  struct shape sh = {t, next};
  CHECK_INT_EQ(write(t->a[1], "first\0line", 10), 10);
  CHECK_INT_EQ(weft_run(weft_bind(weft_read(t->a[0], 64), got_first, &sh), NULL), 0);
}

int main(void) {
  struct lt t = {0};
  test_pipe(t.a);
  test_pipe(t.b);
  run_shape(&t, plain);
  run_shape(&t, timed);
  run_shape(&t, picked);
  run_shape(&t, nested);
  run_shape(&t, joined);
  run_shape(&t, expired);
  run_shape(&t, mapped);
  CHECK_INT_EQ(t.shapes, 7);
  CHECK_SYS(close(t.a[0]));
  CHECK_SYS(close(t.a[1]));
  CHECK_SYS(close(t.b[0]));
  CHECK_SYS(close(t.b[1]));
  return 0;
}
