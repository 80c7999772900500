// RUN: %weft_verify %s
// A library function that calls a function it is given before it returns
// (qsort, bsearch, tsearch, pthread_once, ...) makes that a call of the
// function: a noyield caller reaches a yield through the callback, and is
// told so (not asked to annotate libc's pointer type).
#include <weft.h>

#include <pthread.h>
#include <search.h>
#include <stdlib.h>

static async(void) job(void *env) {
  (void)env;
  return weft_return(void);
}
static int by_value(const void *a, const void *b) {
  weft_spawn(job(NULL)); // expected-note 5 {{'by_value' calls 'weft_spawn' here}}
  return *(const int *)a - *(const int *)b;
}
static int by_key(const void *a, const void *b) { return by_value(a, b); } // expected-note {{'by_key' calls 'by_value' here}}
mayyield void init_once(void); // expected-note {{'init_once' is declared 'mayyield' here}}

noyield void sort(int *v, size_t n) {
  qsort(v, n, sizeof *v, by_value); // expected-error {{'noyield' function 'sort' reaches a yield through 'by_value', the callback it gives to 'qsort'}}
}

noyield int *find(int *v, size_t n, int key) {
  // expected-error@+1 {{'noyield' function 'find' reaches a yield through 'by_key', the callback it gives to 'bsearch'}}
  return bsearch(&key, v, n, sizeof *v, by_key);
}

// Each branch of the ?: gives the comparator once.
noyield void sort_either(int *v, size_t n, int up) {
  // expected-error@+1 2 {{'noyield' function 'sort_either' reaches a yield through 'by_value', the callback it gives to 'qsort'}}
  qsort(v, n, sizeof *v, up ? &by_value : by_value);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
noyield void setup(void) {
  pthread_once(&once, init_once); // expected-error {{'noyield' function 'setup' reaches a yield through 'init_once', the callback it gives to 'pthread_once'}}
}

// Through a helper: the helper calls qsort, the noyield function the helper.
static void sort_helper(int *v) { qsort(v, 4, sizeof *v, by_value); } // expected-note {{'sort_helper' gives 'by_value' to 'qsort' here, which calls it before returning}}
noyield void sort_four(int *v) {
  sort_helper(v); // expected-error {{'noyield' function 'sort_four' calls 'sort_helper', which may yield}}
}

// A pointer given as the callback is a call through that pointer.
typedef int (*cmp_fn)(const void *, const void *);
typedef noyield int (*quiet_cmp_fn)(const void *, const void *);
struct sorter {
  cmp_fn cmp; // expected-note {{declare 'cmp' 'noyield' if every function it points to is 'noyield'}}
  quiet_cmp_fn quiet;
};
noyield void sort_with(int *v, cmp_fn cmp, struct sorter *s) { // expected-note {{declare 'cmp' 'noyield' if every function it points to is 'noyield'}}
  qsort(v, 4, sizeof *v, cmp); // expected-error {{'noyield' function 'sort_with' calls through a function pointer that may yield}}
  qsort(v, 4, sizeof *v, s->cmp); // expected-error {{'noyield' function 'sort_with' calls through a function pointer that may yield}}
  qsort(v, 4, sizeof *v, s->quiet);
}
