// RUN: %weft_verify %s
// Close to the fnptr-effect errors, but valid: every address lands in a
// pointer whose declaration carries the function's effect.
#include <weft.h>

// expected-no-diagnostics

typedef mayyield void (*yielding_fn)(void);
typedef noyield int (*quiet_fn)(int);

static async(void) job(void *env) {
  (void)env;
  return weft_return(void);
}
static async(void) after(void *env) { return job(env); }
static void kick(void) { weft_spawn(job(NULL)); }
static int square(int n) { return n * n; }
static noyield int negate(int n) { return -n; }
static long widen(void *env, int v) {
  (void)env;
  return v;
}

struct ops {
  yielding_fn flush;
  quiet_fn map;
};

static struct ops table = {kick, square};
static quiet_fn quiet_table[] = {square, negate};

async(long) pipeline(void) {
  // Continuations and map functions go to the combinators.
  async(void) a = weft_then(job(NULL), after, NULL);
  weft_spawn(a);
  return weft_map(weft_return(int, 2), widen, NULL);
}

mayyield int use(void) {
  yielding_fn f = kick;
  mayyield void (*g)(void) = kick;
  quiet_fn q = negate;
  table.flush = kick;
  f();
  g();
  return q(1) + table.map(2) + quiet_table[1](3);
}

// Functions handed to the loop or to a new thread: no pointer of the
// program's carries them into a running loop.  A weft_map function runs in
// the loop and may spawn there; a thread start routine runs a loop of its own.
#include <pthread.h>
static long spawn_and_widen(void *env, int v) {
  weft_spawn(job(env));
  return v;
}
static void *thread_main(void *arg) {
  return weft_run(job(arg), NULL) == 0 ? arg : NULL;
}
async(long) spawning_map(void) { return weft_map(weft_return(int, 1), spawn_and_widen, NULL); }
int start_thread(void) {
  pthread_t t;
  return pthread_create(&t, NULL, thread_main, NULL);
}
