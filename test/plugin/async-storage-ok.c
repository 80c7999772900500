// RUN: %weft_verify %s
// expected-no-diagnostics
// The supported idioms for actions outside locals: slots filled by
// assignment and emptied by weft_take, through fields, arrays, nested
// structs and pointers; structs holding actions passed by pointer; static
// storage for everything that is not an action.
#include <weft.h>
#include <stdlib.h>

struct job {
  int id;
  async(int) action;
};

struct server {
  struct job jobs[4];
  async(void) pending[2];
  struct job *current;
};

async(int) fetch(int id);

static async(int) twice(void *env, int v) {
  (void)env;
  return weft_return(int, v * 2);
}

// Fill a slot, take it later: once, through any path to it.
async(int) slot_round_trip(struct server *s, int i) {
  s->jobs[i].action = fetch(i);
  s->current = &s->jobs[i];
  return weft_bind(weft_take(&s->current->action), twice, NULL);
}

async(void) arrays(struct server *s) {
  s->pending[0] = weft_return(void);
  s->pending[1] = weft_write(1, "x", 1);
  return weft_join(weft_take(&s->pending[0]), weft_take(&s->pending[1]));
}

// A pointer to a slot, handed to a helper that fills it or empties it.
void put(async(int) *slot, async(int) m) { *slot = m; }
async(int) drain(async(int) *slot) { return weft_take(slot); }

async(int) helpers(void) {
  struct job *j = calloc(1, sizeof *j);
  if (!j)
    return weft_fail(int, -12);
  put(&j->action, fetch(3));
  async(int) m = drain(&j->action);
  free(j);
  return m;
}

// Zero-initialised slots are empty; a struct built as an rvalue is a move.
struct job make_job(int id, async(int) m) { return (struct job){.id = id, .action = m}; }

async(int) zeroed(void) {
  struct job j = {0};
  async(int) steps[3] = {0};
  struct server s = {.jobs = {{.id = 1}}};
  j.action = fetch(1);
  steps[2] = weft_take(&j.action);
  s.jobs[0].action = weft_take(&steps[2]);
  struct job made = make_job(4, fetch(4));
  return weft_pick(weft_take(&s.jobs[0].action), weft_take(&made.action));
}

// The size and type of a slot can be asked; static storage holds anything
// but actions, including pointers to structs that hold them.
static struct server *the_server;
static int counters[4];
size_t slot_size(struct job *j) { return sizeof j->action + sizeof(__typeof__(j->action)) + (size_t)counters[0]; }
struct server *server(void) { return the_server; }

// A local returned whole is moved to the caller: the constructor shape.
struct job build_job(int id, async(int) m) {
  struct job j = {0};
  j.id = id;
  j.action = m;
  return j;
}
struct job renumber(struct job j, int id) {
  j.id = id;
  return (j);
}
async(int) built(void) {
  struct job j = renumber(build_job(1, fetch(1)), 2);
  return weft_take(&j.action);
}
