// RUN: %weft_verify %s
// Close to the hidden calls, but not calls: operands that are never
// evaluated (sizeof of a fixed-size type, a typeof that is not variably
// modified, _Alignof, the branches _Generic and __builtin_choose_expr do not
// select), and the bound of a typedef used after it was declared elsewhere.
#include <weft.h>

// expected-no-diagnostics

static async(void) job(void *env) {
  (void)env;
  return weft_return(void);
}
static int spawn_count(void) {
  weft_spawn(job(NULL));
  return 4;
}
static void quiet_release(int *p) { *p = 0; }

noyield unsigned long unevaluated(void) {
  __typeof__(spawn_count()) n = 3;
  unsigned long s = sizeof(spawn_count()) + _Alignof(int) + sizeof(int[4]);
  return s + (unsigned long)n;
}

noyield int unselected(void) {
  int a = _Generic(0, long: spawn_count(), default: 1);
  int b = __builtin_choose_expr(0, spawn_count(), 2);
  return a + b;
}

noyield void quiet_cleanup(void) {
  int guard __attribute__((cleanup(quiet_release))) = 1;
  (void)guard;
}
