// RUN: %weft_verify %s
// A function that runs the loop, reached from async context both through a
// field of a struct that is not a constant (which any struct of the type
// may hold, so that path alone is not reported) and through a variable
// (exact): the exact path is reported, whichever the walk meets first.
#include <weft.h>

async(int) fetch(int);

struct hooks {
  mayyield int (*on_done)(void);
};

static int runner(void) {
  int o = 0;
  // expected-error@+1 {{weft_run called in async context would run a nested event loop; bind the action with weft_bind instead}}
  weft_run(fetch(1), &o);
  return o;
}

// Met first: through a field of a table that is not a constant.
static struct hooks table = {runner};
static async(int) through_field(void *env, int v) {
  (void)env;
  return weft_return(int, v + table.on_done());
}
async(int) first(void) { return weft_bind(fetch(1), through_field, NULL); }

// Met second: through a variable, set by a helper.
static mayyield int (*current)(void);
static void install(void) { current = runner; }
static async(int) through_variable(void *env, int v) {
  (void)env;
  install();
  // expected-note@+1 {{'through_variable' may call 'runner' through a function pointer here}}
  return weft_return(int, v + current());
}
async(int) second(void) { return weft_bind(fetch(1), through_variable, NULL); }

// Only through the field of a table that is not a constant: not reported.
static int runner2(void) {
  int o = 0;
  weft_run(fetch(2), &o);
  return o;
}
static struct hooks other = {runner2};
static async(int) only_field(void *env, int v) {
  (void)env;
  return weft_return(int, v + other.on_done());
}
async(int) third(void) { return weft_bind(fetch(2), only_field, NULL); }
