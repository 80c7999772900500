// RUN: %weft_verify %s
// Close to bind-continuation.c but valid: exact value types (qualifiers on
// the parameter do not matter), weft_then for async(void), weft_map with a
// plain function, a weft_catch handler taking int.
// expected-no-diagnostics
#include <weft.h>

static async(void) k_int(void *env, const int v) {
  (void)env;
  (void)v;
  return weft_return(void);
}

static async(void) k_unit(void *env) {
  (void)env;
  return weft_return(void);
}

static long k_widen(void *env, int v) {
  (void)env;
  return v;
}

async(void) exact(void) { return weft_bind(weft_sleep(1), k_int, NULL); }
async(void) then(void) { return weft_then(weft_write(1, "x", 1), k_unit, NULL); }
async(long) mapped(void) { return weft_map(weft_sleep(1), k_widen, NULL); }

static async(void) h_int(void *env, int err) {
  (void)env;
  (void)err;
  return weft_return(void);
}

async(void) caught(void) { return weft_catch(weft_write(1, "x", 1), h_int, NULL); }
