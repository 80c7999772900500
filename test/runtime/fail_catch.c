/* fail_catch.c: weft_fail and weft_catch; a failure skips every bind up to the nearest catch, which sees its code.
 * Proves: skipped continuations never run, handlers run once with the right code, and a handler may recover or re-fail. */
#include <weft.h>

#include "check.h"

struct log {
  int binds;
  int handled;
  int last_err;
};

static async(int) must_not_run(struct log *g, int v) {
  (void)v;
  g->binds++;
  return weft_return(int, 0);
}

static async(int) recover(struct log *g, int err) {
  g->handled++;
  g->last_err = err;
  return weft_return(int, 99);
}

static async(int) refail(struct log *g, int err) {
  g->handled++;
  g->last_err = err;
  return weft_fail(int, -EXDEV);
}

static async(int) fail_later(struct log *g, int v) {
  g->binds++;
  return v > 0 ? weft_fail(int, -EIO) : weft_return(int, v);
}

static async(int) add_ten(struct log *g, int v) {
  g->binds++;
  return weft_return(int, v + 10);
}

static async(void) void_recover(struct log *g, int err) {
  g->handled++;
  g->last_err = err;
  return weft_return(void);
}

int main(void) {
  struct log g = {0};
  int i = 0;

  /* weft_run returns the failure code of an uncaught failure. */
  CHECK_INT_EQ(weft_run(weft_fail(int, -ENOENT), &i), -ENOENT);
  CHECK_INT_EQ(weft_run(weft_fail(-EACCES), NULL), -EACCES);

  /* The failure passes two binds without running them. */
  CHECK_INT_EQ(weft_run(weft_bind(weft_bind(weft_fail(int, -EPIPE), must_not_run, &g), must_not_run, &g), &i),
               -EPIPE);
  CHECK_INT_EQ(g.binds, 0);

  /* A catch further out sees the code; binds after the catch run. */
  async(int) m = weft_bind(weft_bind(weft_return(int, 1), fail_later, &g), must_not_run, &g);
  CHECK_INT_EQ(weft_run(weft_bind(weft_catch(m, recover, &g), add_ten, &g), &i), 0);
  CHECK_INT_EQ(i, 109);
  CHECK_INT_EQ(g.binds, 2); /* fail_later and add_ten */
  CHECK_INT_EQ(g.handled, 1);
  CHECK_INT_EQ(g.last_err, -EIO);

  /* A catch around a success is transparent and its handler never runs. */
  g = (struct log){0};
  CHECK_INT_EQ(weft_run(weft_catch(weft_return(int, -5), recover, &g), &i), 0);
  CHECK_INT_EQ(i, -5);
  CHECK_INT_EQ(g.handled, 0);

  /* A handler that fails again: the outer catch sees the new code. */
  g = (struct log){0};
  CHECK_INT_EQ(weft_run(weft_catch(weft_catch(weft_fail(int, -EAGAIN), refail, &g), recover, &g), &i), 0);
  CHECK_INT_EQ(i, 99);
  CHECK_INT_EQ(g.handled, 2);
  CHECK_INT_EQ(g.last_err, -EXDEV);

  /* Uncaught re-failure reaches weft_run. */
  g = (struct log){0};
  CHECK_INT_EQ(weft_run(weft_catch(weft_fail(int, -EAGAIN), refail, &g), &i), -EXDEV);

  /* The async(void) form. */
  g = (struct log){0};
  CHECK_INT_EQ(weft_run(weft_catch(weft_fail(-ECANCELED), void_recover, &g), NULL), 0);
  CHECK_INT_EQ(g.last_err, -ECANCELED);
  return 0;
}
