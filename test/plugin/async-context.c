// RUN: %weft_verify %s
// An action is built where it can run: in a function returning an action,
// or straight into weft_run or weft_spawn.  Built in synchronous code and
// kept, it has nothing to run it.
#include <weft.h>

void keep(async(void) m);
async(void) with_log(async(void) m);
int count(async(void) m);

int main(void) {
  // expected-error@+1 {{action of type 'async(void)' is built in 'main', which does not return an action; build it in a function returning async(...) or pass it straight to weft_run or weft_spawn}}
  async(void) m = weft_write(1, "x", 1);
  // expected-error@+1 {{action of type 'async(int)' is built in 'main'}}
  async(int) r = weft_return(int, 1);
  int out;
  // expected-error@+1 {{action of type 'async(void)' is built in 'main'}}
  keep(weft_write(1, "y", 1));
  // One finding for a nesting: the action with_log builds carries the one
  // built in its argument.
  // expected-error@+1 {{action of type 'async(void)' is built in 'main'}}
  async(void) logged = with_log(with_log(weft_write(1, "z", 1)));
  // A function that does not return an action cannot carry it.
  // expected-error@+1 {{action of type 'async(void)' is built in 'main'}}
  out = count(weft_write(1, "w", 1));
  weft_run(r, &out);
  weft_run(logged, NULL);
  return weft_run(m, NULL);
}
