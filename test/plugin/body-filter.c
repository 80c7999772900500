// RUN: %weft_verify -ferror-limit=0 %s
// The driver skips a body in which nothing concerns weft (no expression of
// a type involving an action, no weft_ name, no annotated or unusual local)
// without walking it.  Each function here is plain C but for one such thing,
// in a shape that names no action in its signature or its locals: every one
// must still be walked and reported.
#include <weft.h>

void *memcpy(void *, const void *, unsigned long);

struct job {
  int id;
  async(int) action;
};

// Only a cast names the async type.
void cast_only(void *p) {
  // expected-error@+1 {{access to member 'node_' of an action of type 'async(int)' through a pointer}}
  (void)((async(int) *)p)->node_;
}

// Only a cast to a struct that holds an action, given to a byte function.
void bytes_through_cast(void *dst, void *src) {
  // expected-error@+1 {{'memcpy' copies, fills or compares the bytes of a value holding actions}}
  memcpy(dst, (struct job *)src, sizeof(struct job));
}

// Only calls of weft functions whose types involve no action.
void settles_twice(weft_promise_t *p) {
  weft_promise_resolve(p, 1); // expected-note {{'p' is first resolved here}}
  weft_promise_resolve(p, 2); // expected-error {{promise 'p' is resolved a second time here}}
}

// Only a local union type.
int local_union(void) {
  union either {
    async(int) count; // expected-error {{union member 'count' holds an action}}
    long number;
  } u;
  u.number = 1;
  return (int)u.number;
}

// Only a struct read through a pointer parameter of another type.
int copy_through_void(void *p) {
  struct job copy = *(struct job *)p; // expected-error {{copying a value of type 'struct job' copies the actions in its fields}}
  return copy.id;
}

// Only an annotated local variable.
int annotated_local(void) {
  noyield int n = 1; // expected-error {{'noyield' applies to functions and function pointers, not to a variable of type 'int'}}
  return n;
}

// Only a function declared at block scope, with both effects.
void block_scope_function(void) {
  // expected-error@+2 {{function 'both' is declared both 'noyield' and 'mayyield'}}
  // expected-note@+1 {{'both' is declared 'noyield' here}}
  noyield mayyield void both(void);
}

// Only a local struct whose union member holds an action, never used.
void nested_union(void) {
  struct outer {
    union {
      async(int) a; // expected-error {{union member 'a' holds an action}}
      long b;
    } u;
  };
}

// A body skipped, next to the others: nothing to say about it.
int plain(int a, int b) {
  int t = a;
  for (int i = 0; i < b; ++i)
    t += i;
  return t;
}
