// RUN: %weft_verify %s
// One finding, one diagnostic: a mistake inside the argument of a
// combinator, however deeply nested in others, is reported once (weft.h
// writes each argument once in its expansion; it used to be reported once
// per copy, six times inside weft_then).
#include <weft.h>

async(void) done(void);
async(str) line(void);

static async(void) next(void *env) {
  (void)env;
  return weft_return(void);
}
static async(void) handle(void *env, int err) {
  (void)env;
  (void)err;
  return weft_return(void);
}
static async(void) fin(void *env) {
  (void)env;
  return weft_return(void);
}

async(void) nested(async(void) a) {
  // expected-warning@+1 {{action of type 'async(str)' is discarded and never runs; return it or bind it}}
  return weft_then(weft_catch(weft_finally(weft_then((line(), a), next, NULL), fin, NULL), handle, NULL), next, NULL);
}

async(void) reused(async(void) m) {
  // expected-note@+1 {{first used here}}
  async(void) once = weft_then(m, next, NULL);
  // expected-error@+1 {{action 'm' is used twice; an action is consumed by its first use, build a new one instead}}
  return weft_join(once, weft_catch(weft_then(m, next, NULL), handle, NULL));
}

struct job {
  async(void) slot;
};
mayyield int run(struct job *j) {
  // expected-error@+1 {{an action of type 'async(void)' is read out of a field and stays there too}}
  return weft_run(weft_then(weft_then(weft_then(j->slot, next, NULL), next, NULL), next, NULL), NULL);
}
