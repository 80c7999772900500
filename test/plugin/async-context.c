// RUN: %weft_verify %s
// An action is built where it can run: in a function returning an action,
// or straight into weft_run or weft_spawn.  Built in synchronous code and
// kept, it has nothing to run it.
#include <weft.h>

void keep(async(void) m);

int main(void) {
  // expected-error@+1 {{action of type 'async(void)' is built in 'main', which does not return an action; build it in a function returning async(...) or pass it straight to weft_run or weft_spawn}}
  async(void) m = weft_write(1, "x", 1);
  // expected-error@+1 {{action of type 'async(int)' is built in 'main'}}
  async(int) r = weft_return(int, 1);
  int out;
  // expected-error@+1 {{action of type 'async(void)' is built in 'main'}}
  keep(weft_write(1, "y", 1));
  weft_run(r, &out);
  return weft_run(m, NULL);
}
