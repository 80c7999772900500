// RUN: %weft_verify -ferror-limit=0 %s
// Only weft's functions and macros make actions or look into them: no
// compound literal or initializer list of async type, no member of an
// action read through a pointer, no pointer to an action turned into another
// pointer, no byte-level copy, fill or comparison of an object holding one.
#include <weft.h>
#include <string.h>

struct job {
  int id;
  async(int) action;
};

async(int) fetch(int id);

async(void) literals(void) {
  // expected-error@+1 {{an action of type 'async(void)' is made by hand; only weft's functions and macros make actions (weft_return, weft_fail, the primitives and the combinators)}}
  return (async(void)){0};
}

async(int) designated(struct weft__node *n) {
  // expected-error@+1 {{an action of type 'async(int)' is made by hand}}
  return (async(int)){.node_ = n};
}

async(int) initializers(struct weft__node *n) {
  async(int) a = {n}; // expected-error {{an action of type 'async(int)' is made by hand}}
  async(int) b = {.node_ = n}; // expected-error {{an action of type 'async(int)' is made by hand}}
  struct job j = {.action = {.node_ = n}}; // expected-error {{an action of type 'async(int)' is made by hand}}
  (void)j;
  return weft_pick(a, b);
}

int peek(async(int) *slot, struct job *j) {
  // expected-error@+1 {{access to member 'node_' of an action of type 'async(int)' through a pointer; actions are opaque, move it out with weft_take and use the combinators}}
  struct weft__node *n = slot->node_;
  // expected-error@+1 {{access to member 'size_' of an action of type 'async(int)' through a pointer}}
  int size = sizeof *(&j->action)->size_;
  (void)n;
  return size;
}

void pointers(async(int) *slot, struct job *j) {
  // expected-error@+1 {{cannot convert 'weft_async_int *' (aka 'union weft_async_int *'), a pointer to an action, to 'void **'; an action is read only by weft_take and stored by assignment}}
  void **raw = (void **)slot;
  // expected-error@+1 {{cannot convert 'struct job *', a pointer to a value holding actions, to 'char *'}}
  char *bytes = (char *)j;
  // expected-error@+1 {{cannot convert 'weft_async_int *' (aka 'union weft_async_int *'), a pointer to an action, to 'weft_async_long *' (aka 'union weft_async_long *')}}
  async(long) *other = (async(long) *)slot;
  (void)raw;
  (void)bytes;
  (void)other;
}

void bytes(async(int) *slot, struct job *a, struct job *b) {
  memcpy(a, b, sizeof *a); // expected-error {{'memcpy' copies, fills or compares the bytes of a value holding actions through 'struct job *'}} expected-error {{'memcpy' copies, fills or compares the bytes of a value holding actions through 'struct job *'}}
  memset(slot, 0, sizeof *slot); // expected-error {{'memset' copies, fills or compares the bytes of an action through 'weft_async_int *' (aka 'union weft_async_int *')}}
  memmove(slot, &a->action, sizeof *slot); // expected-error 2 {{'memmove' copies, fills or compares the bytes of an action}}
  (void)memcmp(a, b, sizeof *a); // expected-error 2 {{'memcmp' copies, fills or compares the bytes of a value holding actions}}
  __builtin_memcpy(slot, &b->action, sizeof *slot); // expected-error 2 {{copies, fills or compares the bytes of an action}}
}

// Converted silently, a pointer to an action hands its bytes to whoever
// receives it.
#include <unistd.h>
void save(int fd, async(int) *slot) {
  // expected-error@+1 {{cannot convert 'weft_async_int *' (aka 'union weft_async_int *'), a pointer to an action, to 'const void *'}}
  (void)write(fd, slot, sizeof *slot);
  // expected-error@+1 {{cannot convert 'weft_async_int *' (aka 'union weft_async_int *'), a pointer to an action, to 'void *'}}
  void *opaque = slot;
  (void)opaque;
}
