// RUN: %weft_verify %s
// Two statements of one block that settle the same promise variable, with
// nothing in between that mentions it or can be jumped into: the second
// always runs after the first, and the runtime would stop the program.
#include <weft.h>

void twice(weft_promise_t *p) {
  weft_promise_resolve(p, 1); // expected-note {{'p' is first resolved here, and nothing in between changes it}}
  // expected-error@+1 {{promise 'p' is resolved a second time here; a promise is resolved once, make a new promise for each value}}
  weft_promise_resolve(p, 2);
}

void resolve_then_reject(weft_promise_t *p, int *log) {
  weft_promise_resolve(p, log); // expected-note {{'p' is first resolved here}}
  log[0] = 1;                   // does not touch p
  if (log[1])
    log[2] = 3;
  // expected-error@+1 {{promise 'p' is resolved a second time here}}
  weft_promise_reject(p, -5);
}

async(void) in_async(weft_promise_t *p) {
  weft_promise_t *q = p;
  weft_promise_reject(q, -1); // expected-note {{'q' is first resolved here}}
  weft_promise_reject(q, -2); // expected-error {{promise 'q' is resolved a second time here}}
  return weft_return(void);
}

void nested_block(weft_promise_t *p, int c) {
  if (c) {
    weft_promise_resolve(p, 0); // expected-note {{'p' is first resolved here}}
    weft_promise_resolve(p, 0); // expected-error {{promise 'p' is resolved a second time here}}
  }
}
