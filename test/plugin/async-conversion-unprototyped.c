// RUN: %weft_verify -Wno-unknown-warning-option -Wno-deprecated-non-prototype -Wno-strict-prototypes %s
// A declaration without a prototype hides nothing the translation unit
// knows: a definition with a prototype checks the action's type.
#include <weft.h>

async(int) later();

async(int) use_later(async(str) s) {
  // expected-error@+1 {{this expression has type 'async(str)' but an action of type 'async(int)' was expected; change its value with weft_map or weft_bind}}
  return later(s);
}

async(int) later(async(int) m) { return m; }
