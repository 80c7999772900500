// RUN: %weft_verify -fplugin-arg-weft-disable=async-context %s
// A noyield function may not yield directly: no sink, no action built, no
// action-typed parameter, local or result, no call to a mayyield function.
// (async-context, which reports the actions built here as well, is off.)
#include <weft.h>

static int counter;

mayyield void flush_log(void); // expected-note {{'flush_log' is declared 'mayyield' here}}

static async(void) tick(void *env) {
  (void)env;
  return weft_return(void);
}

noyield void spawns(void) {
  weft_spawn(tick(NULL)); // expected-error {{'noyield' function 'spawns' calls 'weft_spawn', which yields}}
}

noyield int runs(void) {
  return weft_run(tick(NULL), NULL); // expected-error {{'noyield' function 'runs' calls 'weft_run', which yields}}
}

noyield void spawns_combinator(void) {
  weft_spawn(weft_then(weft_write(1, "x", 1), tick, NULL)); // expected-error {{'noyield' function 'spawns_combinator' calls 'weft_spawn', which yields}}
}

noyield void holds(void) {
  async(void) a = tick(NULL); // expected-error {{'noyield' function 'holds' declares 'a' of action type 'async(void)'}}
  weft_spawn(a); // expected-error {{'noyield' function 'holds' calls 'weft_spawn', which yields}}
}

noyield void takes(async(void) a) { // expected-error {{'noyield' function 'takes' takes parameter 'a' of action type 'async(void)'}}
  weft_spawn(a); // expected-error {{'noyield' function 'takes' calls 'weft_spawn', which yields}}
}

noyield void calls_mayyield(void) {
  counter++;
  flush_log(); // expected-error {{'noyield' function 'calls_mayyield' calls 'flush_log', which may yield}}
}

noyield int calls_primitive(void) {
  async(int) s = weft_sleep(1); // expected-error {{'noyield' function 'calls_primitive' declares 's' of action type 'async(int)'}}
  return weft_run(s, NULL); // expected-error {{'noyield' function 'calls_primitive' calls 'weft_run', which yields}}
}

// Clean: plain computation, calls to other noyield functions and to
// functions whose bodies are visible and do not yield.
static int bump(int by) { return counter += by; }
noyield int next(void) { return bump(1); }
noyield int twice(void) { return next() + next(); }
