// RUN: %weft_verify %s
// Close to promise-resolved-twice, but the second settle may be of another
// promise, or may run without the first: the rule says nothing.
#include <weft.h>

// expected-no-diagnostics

void two_promises(weft_promise_t *p, weft_promise_t *q) {
  weft_promise_resolve(p, 1);
  weft_promise_resolve(q, 1);
}

void reassigned(weft_promise_t *p) {
  weft_promise_resolve(p, 1);
  weft_promise_free(p);
  p = weft_promise_new();
  weft_promise_resolve(p, 2);
  weft_promise_free(p);
}

void on_different_paths(weft_promise_t *p, int c) {
  if (c)
    weft_promise_resolve(p, 1);
  else
    weft_promise_reject(p, -1);
}

void label_between(weft_promise_t *p, int c) {
  if (c)
    goto late;
  weft_promise_resolve(p, 1);
  if (!c) {
  late:;
  }
  weft_promise_resolve(p, 2); // reached without the first when c
}

void in_switch(weft_promise_t *p, int c) {
  switch (c) {
  case 0:
    weft_promise_resolve(p, 0);
    break;
  case 1:
    weft_promise_resolve(p, 1);
    break;
  }
}

struct box {
  weft_promise_t *p;
};

void through_fields(struct box *a, struct box *b) {
  weft_promise_resolve(a->p, 1); // only variables are followed: a->p and b->p may differ
  weft_promise_resolve(b->p, 1);
}

void mentioned_between(weft_promise_t *p) {
  weft_promise_resolve(p, 1);
  weft_promise_t *alias = p;
  (void)alias;
  weft_promise_resolve(p, 2); // p mentioned in between: not followed
}
