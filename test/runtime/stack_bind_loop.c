/* stack_bind_loop.c: a loop of 10^7 immediately-resolving binds runs in constant stack (built -O0, ulimit -s 256).
 * Proves: a bind whose action is already resolved does not call its continuation on a growing C stack. */
#include <weft.h>

#include "check.h"

#define ITERATIONS 10000000L

struct loop {
  long calls;
};

/* loop n = return (n - 1) >>= loop, the shape of Lwt's recursive loops. */
static async(long) step(struct loop *s, long left) {
  s->calls++;
  if (left == 0) return weft_return(long, s->calls);
  return weft_bind(weft_return(long, left - 1), step, s);
}

int main(void) {
  struct loop s = {0};
  long result = 0;
  CHECK_INT_EQ(weft_run(weft_bind(weft_return(long, ITERATIONS), step, &s), &result), 0);
  CHECK_INT_EQ(s.calls, ITERATIONS + 1);
  CHECK_INT_EQ(result, ITERATIONS + 1);
  return 0;
}
