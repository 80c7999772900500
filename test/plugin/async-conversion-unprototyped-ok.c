// RUN: %weft_verify -Wno-unknown-warning-option -Wno-deprecated-non-prototype -Wno-strict-prototypes %s
// expected-no-diagnostics
// A function declared without a prototype takes an action as a parameter of
// its type (the union is passed whole); it is not a variadic argument.  A
// definition with a prototype later in the file says which type.
#include <weft.h>

void keep();
async(int) wrap();

async(int) forward(async(int) m) {
  keep(weft_return(void));
  return wrap(m);
}

async(int) later();
async(int) later(async(int) m) { return m; }
async(int) use_later(async(int) m) { return later(m); }
