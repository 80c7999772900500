// RUN: %weft_verify %s
// Close to async-operator.c but valid: the combinators read an action's
// node_ inside weft.h, and sizeof, typeof and _Generic do not evaluate it.
// expected-no-diagnostics
#include <weft.h>

static async(void) k_print(void *env, char *s) {
  (void)env;
  (void)s;
  return weft_return(void);
}

async(void) combinator(async(str) m) { return weft_bind(m, k_print, NULL); }

async(void) unevaluated(async(str) m) {
  __typeof__(m) *unused_pointer = 0;
  (void)unused_pointer;
  int size = (int)sizeof(m);
  int is_str = _Generic(m, async(str): 1, default: 0);
  (void)size;
  (void)is_str;
  return weft_bind(m, k_print, NULL);
}
