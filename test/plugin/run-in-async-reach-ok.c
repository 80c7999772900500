// RUN: %weft_verify %s
// Close to a nested loop, but valid: helpers that run the loop called from
// synchronous code only, a thread that runs a loop of its own, spawning
// (not running) from functions the loop calls, and a mayyield function
// whose body is elsewhere (it may only spawn).
#include <weft.h>

#include <pthread.h>
#include <stdlib.h>
#include <threads.h>

// expected-no-diagnostics

static async(void) job(void *env) {
  (void)env;
  return weft_return(void);
}
static int run_job(void) {
  int n = 0;
  weft_run(weft_sleep(1), &n);
  return n;
}
static void start_job(void) { weft_spawn(job(NULL)); }

// One loop per thread: the start routine is not called inside this loop.
static void *worker(void *arg) {
  (void)arg;
  run_job();
  return NULL;
}
static int worker_c11(void *arg) {
  (void)arg;
  return run_job();
}
async(int) starts_threads(void) {
  pthread_t t;
  thrd_t u;
  int rc = pthread_create(&t, NULL, worker, NULL);
  rc += thrd_create(&u, worker_c11, NULL);
  return weft_return(int, rc);
}

// Spawning from a continuation, a map function or a comparator in async
// context adds a fiber to the running loop; it does not run a second one.
static long mapper(void *env, int v) {
  (void)env;
  start_job();
  return v;
}
static int cmp_spawns(const void *a, const void *b) {
  start_job();
  return *(const int *)a - *(const int *)b;
}
mayyield void elsewhere(void);
async(long) spawning(int *v) {
  start_job();
  elsewhere();
  qsort(v, 4, sizeof *v, cmp_spawns);
  return weft_map(weft_sleep(1), mapper, NULL);
}

int main(void) {
  int n = run_job();
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  return n + weft_run(spawning(&n), NULL);
}

// A field of a struct that is not constant may hold the function in one
// struct (used from main) and not in the one async context calls through.
struct hooks {
  mayyield void (*run)(void);
};
mayyield void drain(void) { run_job(); }
static void nothing(void) {}
async(int) with_hooks(struct hooks *h) {
  h->run();
  return weft_return(int, 0);
}
mayyield int setup_hooks(void) {
  struct hooks at_exit = {drain}, in_loop = {nothing};
  at_exit.run();
  return weft_run(with_hooks(&in_loop), NULL);
}
