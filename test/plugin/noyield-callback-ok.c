// RUN: %weft_verify %s
// Close to reaching a yield through a callback, but valid: comparators and
// once-functions that cannot yield, and a thread start routine, which runs
// on another thread and never inside this one's loop.
#include <weft.h>

#include <pthread.h>
#include <stdlib.h>

// expected-no-diagnostics

static int by_value(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static void init_table(void) {}
static void *worker(void *arg) {
  int n = 0;
  (void)arg;
  weft_run(weft_sleep(1), &n);
  return NULL;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
noyield void sort(int *v, size_t n) {
  pthread_once(&once, init_table);
  qsort(v, n, sizeof *v, by_value);
}

noyield int start(void) {
  pthread_t t;
  return pthread_create(&t, NULL, worker, NULL);
}
