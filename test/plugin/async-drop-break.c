// RUN: %weft_verify %s
// A drop decided by a break (or a goto) out of a loop or a switch is
// reported at the break, where the path leaves the action behind, not at
// the return the path reaches later.
#include <weft.h>

async(int) job(int i);
int ready(int i);

async(int) break_in_loop(int n) {
  async(int) m = job(0); // expected-note {{action 'm' declared here}}
  for (int i = 0; i < n; i++) {
    if (ready(i))
      break; // expected-warning {{action 'm' is dropped on this path without being used; use it on every path}}
    if (i > 3)
      return m;
  }
  return weft_return(int, 0);
}

async(int) break_in_switch(int c) {
  async(int) m = job(1); // expected-note {{action 'm' declared here}}
  switch (c) {
  case 0:
    return m;
  case 1:
    break; // expected-warning {{action 'm' is dropped on this path without being used}}
  default:
    return weft_pick(m, job(2));
  }
  return weft_return(int, -1);
}

async(int) goto_out(int c) {
  async(int) m = job(3); // expected-note {{action 'm' declared here}}
  if (c)
    goto out; // expected-warning {{action 'm' is dropped on this path without being used}}
  return m;
out:
  return weft_return(int, 1);
}

// Without a jump, the drop is still reported at the return.
async(int) plain(int c) {
  async(int) m = job(4); // expected-note {{action 'm' declared here}}
  if (c)
    return m;
  return weft_return(int, 2); // expected-warning {{action 'm' is dropped on this path without being used}}
}
