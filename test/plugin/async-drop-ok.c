// RUN: %weft_verify %s
// Close to async-drop.c but valid: each action is used exactly once on every
// path, a reassigned variable is used in between, and a path that ends the
// process need not use it.
// expected-no-diagnostics
#include <weft.h>

void abort(void) __attribute__((noreturn));

static async(void) k_print(void *env, char *s) {
  (void)env;
  (void)s;
  return weft_return(void);
}

async(void) both_paths(int c) {
  async(str) m = weft_read(0, 1);
  if (c)
    return weft_bind(m, k_print, NULL);
  return weft_bind(m, k_print, (void *)1);
}

async(void) reassigned(void) {
  async(str) m = weft_read(0, 1);
  async(void) first = weft_bind(m, k_print, NULL);
  m = weft_read(0, 2);
  return weft_join(first, weft_bind(m, k_print, NULL));
}

async(void) dies(int c) {
  async(str) m = weft_read(0, 1);
  if (c)
    abort();
  return weft_bind(m, k_print, NULL);
}

async(void) spawned(void) {
  weft_spawn(weft_write(1, "x", 1));
  return weft_return(void);
}

async(void) by_switch(int c, async(str) m) {
  switch (c) {
  case 0:
    return weft_bind(m, k_print, NULL);
  default:
    break;
  }
  return weft_bind(m, k_print, (void *)1);
}

async(void) by_goto(int c, async(str) m) {
  if (c)
    goto out;
  return weft_bind(m, k_print, NULL);
out:
  return weft_bind(m, k_print, (void *)2);
}
