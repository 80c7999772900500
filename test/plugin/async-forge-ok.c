// RUN: %weft_verify %s
// expected-no-diagnostics
// What async-forge leaves alone: actions made by weft's macros and
// functions, empty slots zero-initialised, sizes and types of actions, byte
// functions on objects that hold no action, pointers to slots kept as
// pointers to slots, and free() of a struct holding (empty) slots.
#include <weft.h>
#include <stdlib.h>
#include <string.h>

struct job {
  int id;
  char name[16];
  async(int) action;
};

async(int) fetch(int id);

static async(int) retry(void *env, int err) {
  (void)err;
  return fetch(*(int *)env);
}

async(int) made_by_weft(int *id) {
  async(int) a = weft_return(int, 1);
  async(int) b = weft_fail(int, -5);
  return weft_pick(a, weft_catch(b, retry, id));
}

async(int) empty_slots(const char *name) {
  struct job j = {0};
  struct job k = {.id = 2, .action = {0}};
  async(int) steps[4] = {0};
  struct job *heap = calloc(1, sizeof *heap);
  if (!heap)
    return weft_fail(int, -12);
  memcpy(j.name, name, sizeof j.name - 1); // bytes of a char array, not of an action
  memset(heap->name, 0, sizeof heap->name);
  heap->action = fetch(3);
  steps[0] = weft_take(&heap->action);
  free(heap);
  k.action = weft_take(&steps[0]);
  return weft_take(&k.action);
}

size_t sizes(async(int) *slot, struct job *j) {
  async(int) *same = (async(int) *)slot; // a cast to its own type
  const async(int) *view = slot;
  return sizeof *same + sizeof *view + sizeof j->action + _Alignof(async(int));
}

// Growing and freeing an array of slots moves no action.
async(int) *grow(async(int) *steps, size_t n) {
  async(int) *more = realloc(steps, n * sizeof *steps);
  if (!more)
    free(steps);
  return more;
}
