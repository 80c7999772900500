// RUN: %weft_verify %s
// weft_unchecked(...) switches the rules off for one expression: the author
// vouches for it.  The same expressions outside it are still reported.
#include <weft.h>

static async(void) k_print(void *env, char *s) {
  (void)env;
  (void)s;
  return weft_return(void);
}

async(void) escape(async(str) m) {
  struct weft__node *raw = weft_unchecked(m.node_);
  (void)raw;
  weft_unchecked(weft_write(1, "x", 1));
  // expected-warning@+1 {{is discarded and never runs}}
  weft_write(1, "y", 1);
  return weft_return(void);
}

async(void) still_checked(async(str) m) {
  // expected-error@+1 {{access to member 'node_'}}
  struct weft__node *raw = m.node_;
  (void)raw;
  return weft_bind(m, k_print, NULL);
}
