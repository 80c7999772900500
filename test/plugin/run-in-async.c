// RUN: %weft_verify %s
// weft_run is the way out of the monad, for synchronous code; inside a
// function returning an action it would run an event loop inside the loop.
#include <weft.h>

async(int) nested(void) { // expected-note {{'nested' returns 'async(int)', so its body is async context}}
  int slept = 0;
  // expected-error@+1 {{weft_run called in async context would run a nested event loop; bind the action with weft_bind instead}}
  weft_run(weft_sleep(1), &slept);
  return weft_return(int, slept);
}
