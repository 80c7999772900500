// RUN: %weft_verify -Wno-unknown-warning-option -Wno-deprecated-non-prototype -Wno-strict-prototypes %s
// expected-no-diagnostics
// Continuations given by any expression, of the right type; parameters that
// differ from the value type only in qualifiers (a const char * for a
// char * value), which the ABI passes alike; a declaration without a
// prototype whose definition in the file has one.
#include <weft.h>

async(void) k_int(void *env, int v);
async(void) k_int2(void *env, const int v);
async(void) k_str(void *env, const char *s);
async(void) k_cstr(void *env, const char *const s);
async(void) k_ptr(void *env, const void *p);
async(int) h_int(void *env, int err);

typedef async(void) (*cont)(void *env, int v);
static const cont table[2] = {k_int, k_int2};
struct handlers {
  cont on_value;
};

async(void) shapes(int i, struct handlers *h) {
  async(void) a = weft_bind(weft_sleep(1), table[i & 1], NULL);
  async(void) b = weft_bind(weft_sleep(1), h->on_value, NULL);
  async(void) c = weft_bind(weft_sleep(1), i ? k_int : k_int2, NULL);
  return weft_join(weft_join(a, b), c);
}

async(void) qualifiers(int fd) {
  async(void) a = weft_bind(weft_read(fd, 16), k_str, NULL);
  async(void) b = weft_bind(weft_read(fd, 16), k_cstr, NULL);
  async(void) c = weft_bind(weft_return(ptr, NULL), k_ptr, NULL);
  return weft_join(weft_join(a, b), c);
}

async(void) later();
async(void) use_later(void) { return weft_then(weft_return(void), later, NULL); }
async(void) later(void *env) {
  (void)env;
  return weft_return(void);
}

async(int) handled(void) { return weft_catch(weft_sleep(1), h_int, NULL); }
