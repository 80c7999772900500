// RUN: %weft_verify %s
// weft_run reached from async context through calls: a continuation, an
// async function, a function weft_map gives to the loop or a function a
// table called in async context holds calls a helper that runs the loop.
// Reported at the call where async context begins, with the chain of calls
// down to weft_run as notes.
#include <weft.h>

#include <stdlib.h>

static int run_job(void) {
  int n = 0;
  weft_run(weft_sleep(1), &n); // expected-note 6 {{'run_job' calls 'weft_run' here}}
  return n;
}
static int deeper(void) {
  return run_job() + 1; // expected-note 2 {{'deeper' calls 'run_job' here}}
}

// One call away, from a continuation.
static async(int) k(void *env, int v) { // expected-note {{'k' returns 'async(int)', so its body is async context}}
  (void)env;
  // expected-error@+1 {{call to 'run_job' in async context would run a nested event loop, because it calls weft_run; bind the action with weft_bind instead}}
  return weft_return(int, v + run_job());
}
async(int) bound(void) { return weft_bind(weft_sleep(1), k, NULL); }

// Two calls away, from an async function.
async(int) direct(void) { // expected-note {{'direct' returns 'async(int)', so its body is async context}}
  int n = deeper(); // expected-error {{call to 'deeper' in async context would run a nested event loop}}
  return weft_return(int, n);
}

// Through mutual recursion: the chain is still finite.
static int ping(int n);
static int pong(int n) { return n ? ping(n - 1) : run_job(); } // expected-note {{'pong' calls 'run_job' here}}
static int ping(int n) { return pong(n); } // expected-note {{'ping' calls 'pong' here}}
async(int) bouncing(void) { // expected-note {{'bouncing' returns 'async(int)', so its body is async context}}
  return weft_return(int, ping(3)); // expected-error {{call to 'ping' in async context would run a nested event loop}}
}

// A weft_map function runs inside the loop: weft_run there is a second,
// nested loop, directly or through a helper.
static long mapper(void *env, int v) {
  (void)env;
  int n = 0;
  weft_run(weft_sleep(1), &n); // expected-error {{weft_run called in async context would run a nested event loop; bind the action with weft_bind instead}}
  return v + n;
}
async(long) mapped(void) {
  return weft_map(weft_sleep(1), mapper, NULL); // expected-note {{'mapped' gives 'mapper' to 'weft_map' here, and the event loop calls it}}
}
static long map_helper(void *env, int v) {
  (void)env;
  return v + deeper(); // expected-error {{call to 'deeper' in async context would run a nested event loop}}
}
async(long) mapped_helper(void) {
  return weft_map(weft_sleep(1), map_helper, NULL); // expected-note {{'mapped_helper' gives 'map_helper' to 'weft_map' here, and the event loop calls it}}
}

// qsort calls its comparator before it returns: a call of the comparator.
static int cmp_runs(const void *a, const void *b) {
  run_job(); // expected-note {{'cmp_runs' calls 'run_job' here}}
  return *(const int *)a - *(const int *)b;
}
async(int) sorted(int *v) { // expected-note {{'sorted' returns 'async(int)', so its body is async context}}
  // expected-error@+2 {{call to 'cmp_runs' in async context would run a nested event loop}}
  // expected-note@+1 {{'sorted' gives 'cmp_runs' to 'qsort' here, which calls it before returning}}
  qsort(v, 4, sizeof *v, cmp_runs);
  return weft_return(int, v[0]);
}

// A table of hooks called in async context runs what it holds there.
mayyield void hook(void) {
  run_job(); // expected-error {{call to 'run_job' in async context would run a nested event loop}}
}
typedef mayyield void (*hook_fn)(void);
static hook_fn hooks[] = {hook};
async(int) with_hooks(void) {
  hooks[0](); // expected-note {{'with_hooks' may call 'hook' through a function pointer here}}
  return weft_return(int, 1);
}
