// RUN: %weft_verify -ferror-limit=0 -Wno-format %s
// Where an action can live: a local or a parameter (followed by linearity),
// or a slot (a field, an array element, the object a pointer points to)
// read only by weft_take.  Everything else is rejected: a slot read by
// copy, an action in static storage, in a union, or copied with its struct.
#include <weft.h>
#include <stdlib.h>

struct job {
  int id;
  async(int) action;
};

struct batch {
  struct job jobs[4];
};

async(int) fetch(int id);

// A field read twice: both reads copy the action.
async(int) field_twice(struct job *j) {
  // expected-error@+1 {{an action of type 'async(int)' is read out of a field and stays there too; move it out with weft_take(&...), which empties the slot}}
  async(int) a = j->action;
  // expected-error@+1 {{read out of a field}}
  return weft_pick(a, j->action);
}

// An array element, read by an off-by-one loop: every read is a copy.
async(int) steps_loop(async(int) *steps, int n) {
  // expected-error@+1 {{read out of an array element}}
  async(int) m = steps[0];
  for (int i = 1; i <= n; i++)
    // expected-error@+1 {{read out of an array element}}
    m = weft_pick(m, steps[i]);
  return m;
}

// Through a pointer, in every place an action can go.
async(int) through_pointer(async(int) *slot, struct batch *b) {
  // expected-error@+1 {{read out of the object a pointer points to}}
  async(int) a = *slot;
  // expected-error@+1 {{read out of a field}}
  async(int) c = b->jobs[1].action;
  // expected-error@+1 {{read out of a field}}
  return weft_pick(weft_pick(a, c), (*b).jobs[0].action);
}

// A struct holding an action, copied: the copy and the original both hold it.
void keep(struct job j);
struct job copies(struct job *src, struct batch *all) {
  // expected-error@+1 {{copying a value of type 'struct job' copies the actions in its fields, and both copies would run them; pass a pointer, or move each action out with weft_take}}
  struct job b = *src;
  // expected-error@+1 {{copying a value of type 'struct job'}}
  keep(b);
  struct batch many;
  // expected-error@+1 {{copying a value of type 'struct batch'}}
  many = *all;
  (void)many;
  // A local returned whole dies as it is read: a move, not a copy (the
  // copy given to keep above is the one that duplicates).
  return b;
}

struct job from_pointer(struct job *src) {
  // expected-error@+1 {{copying a value of type 'struct job'}}
  return (*src);
}

struct job from_static(void) {
  static struct job shared; // expected-error {{'shared' holds an action in static storage}}
  // expected-error@+1 {{copying a value of type 'struct job'}}
  return shared;
}

// Static storage: one action shared by every call, which runs once.
static async(int) cached; // expected-error {{'cached' is an action in static storage, where every call would share one action that runs once; build the action in the function that needs it, or keep it in a field of a heap object and move it out with weft_take}}
struct job global_job; // expected-error {{'global_job' holds an action in static storage}}
extern async(void) shared[2]; // expected-error {{'shared' holds an action in static storage}}

async(int) static_local(void) {
  static async(int) once; // expected-error {{'once' is an action in static storage}}
  _Thread_local static struct job per_thread; // expected-error {{'per_thread' holds an action in static storage}}
  (void)per_thread;
  return weft_take(&once);
}

// A union's other members read or overwrite the action.
union either {
  async(str) text; // expected-error {{union member 'text' holds an action, which the other members of 'either' would read or overwrite; use a struct}}
  long number;
};
struct tagged {
  int tag;
  union {
    struct job job; // expected-error {{union member 'job' holds an action, which the other members of the union would read or overwrite; use a struct}}
    void *raw;
  } u;
};

typedef union {
  async(int) count; // expected-error {{union member 'count' holds an action, which the other members of 'count_or_ptr' would read or overwrite; use a struct}}
  void *ptr;
} count_or_ptr;

// A slot passed to a variadic function is a conversion (rule
// async-conversion), reported once.
int printf(const char *, ...);
void show(async(int) *slot) {
  // expected-error@+1 {{an action of type 'async(int)' cannot be passed as a variadic argument; bind it with weft_bind to use the 'int' it produces}}
  printf("%p\n", *slot);
}
