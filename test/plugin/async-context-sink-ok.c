// RUN: %weft_verify %s
// expected-no-diagnostics
// An action built anywhere inside a sink's argument is run by the sink,
// however deep: as the argument of the user's own helpers that take and
// return actions, inside combinators, in either branch of a join or pick.
#include <weft.h>
#include <stddef.h>

async(int) job(void);
async(void) chore(int n);
async(int) with_deadline(async(int) m, long ms) { return weft_timeout(m, ms); }
async(void) quietly(async(void) m) { return m; }

static async(int) twice(void *env, int v) {
  (void)env;
  return weft_return(int, v * 2);
}

static async(void) after(void *env) {
  (void)env;
  return chore(5);
}

mayyield int run_all(void) {
  int out = 0;
  int rc = weft_run(with_deadline(job(), 100), NULL);
  rc |= weft_run(weft_bind(with_deadline(with_deadline(job(), 5), 100), twice, NULL), &out);
  rc |= weft_run(weft_pick(job(), with_deadline(job(), 10)), &out);
  rc |= weft_run(weft_join(quietly(chore(1)), quietly(quietly(chore(2)))), NULL);
  weft_spawn(quietly(chore(3)));
  weft_spawn(weft_then(quietly(chore(4)), after, NULL));
  return rc + out;
}
