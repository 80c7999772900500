// RUN: %weft_verify %s
// Close to the noyield errors, but valid: nothing here can yield.
#include <weft.h>

#include <string.h>

// expected-no-diagnostics

typedef noyield int (*quiet_fn)(int);

void external_helper(int n); // no body, no attribute: trusted not to yield
noyield int lib_hash(const char *s); // a library function, annotated here
weft_boundary void vouched(void);    // its author vouches for it

static int total;

static int add(int n) { return total += n; }
static int twice(int n) { return n > 0 ? add(n) + twice(n - 1) : 0; }

noyield int through_pointer(quiet_fn f, int n) { return f(n); }

noyield int mixed(const char *s, quiet_fn f) {
  external_helper(1);
  vouched();
  // Unevaluated operands build nothing.
  size_t size = sizeof(weft_read(0, 1));
  return twice(3) + lib_hash(s) + f((int)strlen(s)) + (int)size + weft_tcp_port(3);
}

// Building actions is fine outside noyield code.
async(void) later(void) { return weft_write(1, "x", 1); }
