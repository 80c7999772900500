// RUN: %weft_verify %s
// The escape hatches of the effect rules: weft_unchecked(...) silences one
// call, and a weft_boundary function is neither looked into nor inferred
// through.
#include <weft.h>

#include <unistd.h>

static async(void) job(void *env) {
  (void)env;
  return weft_return(void);
}

// The author vouches for this one: it spawns, but callers treat it as quiet.
weft_boundary void flush_later(void) { weft_spawn(job(NULL)); }

static int hits;

noyield void bump(void) {
  hits++;
  flush_later();
  weft_unchecked(weft_spawn(job(NULL)));
}

// No mayyield needed on an exported boundary function either.
weft_boundary void poll_once(void) { weft_spawn(job(NULL)); }

static void slow(void) { sleep(1); }
weft_boundary void slow_boundary(void) { sleep(1); }

async(void) handler(void) {
  weft_unchecked(sleep(1));
  weft_unchecked(slow());
  slow_boundary();
  return weft_return(void);
}

// expected-no-diagnostics
