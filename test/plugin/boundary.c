// RUN: %weft_verify %s
// A weft_boundary function is not looked into: its author vouches for what
// it does with actions.  Its neighbour without the attribute is checked.
#include <weft.h>

weft_boundary async(void) trusted(async(str) m) {
  struct weft__node *raw = m.node_;
  (void)raw;
  return weft_return(void);
}

async(void) untrusted(async(str) m) {
  // expected-error@+1 {{access to member 'node_'}}
  struct weft__node *raw = m.node_;
  (void)raw;
  return weft_return(void);
}
