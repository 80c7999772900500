// RUN: %weft_verify %s
// An action has no value until it runs: no operator, condition, member
// access or address-of applies to it.  Member access is legal C, so only the
// checker catches it.
#include <weft.h>

static async(void) k_print(void *env, char *s) {
  (void)env;
  (void)s;
  return weft_return(void);
}

async(void) member(async(str) m) {
  // expected-error@+1 {{access to member 'node_' of an action of type 'async(str)'; actions are opaque, use the weft combinators}}
  struct weft__node *n = m.node_;
  (void)n;
  return weft_bind(m, k_print, NULL);
}

async(void) address(async(str) m) {
  // expected-error@+1 {{cannot take the address of an action of type 'async(str)'; actions are linear, pass them by value}}
  async(str) *p = &m;
  // expected-error@+1 {{an action of type 'async(str)' is read out of the object a pointer points to and stays there too; move it out with weft_take(&...), which empties the slot}}
  return weft_bind(*p, k_print, NULL);
}

async(void) condition(async(str) m) {
  // expected-error@+2 {{statement requires expression of scalar type}}
  // expected-error@+1 {{an action of type 'async(str)' is used as a condition; bind it with weft_bind and test the 'char *' it produces}}
  if (m)
    return weft_bind(m, k_print, NULL);
  return weft_bind(m, k_print, NULL);
}
