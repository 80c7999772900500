/* sync_mvar.c: weft_mvar: put waits while full, take while empty, both FIFO; a cancelled take loses nothing.
 * Proves: Lwt_mvar's semantics, including a take cut short by weft_timeout and a put cancelled while it waits. */
#include <weft.h>

#include "check.h"

struct world {
  weft_mvar_t *mv;
  char log[32];
  size_t len;
  long got[8];
  int n;
};

static void note(struct world *w, char c) { w->log[w->len++] = c; }

struct putter {
  struct world *w;
  long v;
};
static async(void) put_done(struct putter *p) {
  note(p->w, (char)('0' + p->v));
  return weft_return(void);
}
static async(void) put(struct putter *p) { return weft_then(weft_mvar_put(p->w->mv, p->v), put_done, p); }

static async(void) take_all(struct world *w);
static async(void) took(struct world *w, long v) {
  w->got[w->n++] = v;
  note(w, 't');
  return take_all(w);
}
static async(void) take_all(struct world *w) {
  if (w->n == 4) return weft_return(void);
  return weft_bind(weft_mvar_take(long, w->mv), took, w);
}

/* Four putters queue on one slot: the values come out in put order. */
static async(void) putters(struct putter *p) {
  for (int i = 0; i < 4; i++) weft_spawn(put(&p[i]));
  return weft_then(weft_yield(), take_all, p[0].w);
}

static void fifo(void) {
  struct world w = {.mv = weft_mvar_new()};
  struct putter p[4] = {{&w, 1}, {&w, 2}, {&w, 3}, {&w, 4}};
  CHECK_TRUE(weft_mvar_is_empty(w.mv));
  CHECK_INT_EQ(weft_run(putters(p), NULL), 0);
  w.log[w.len] = '\0';
  fprintf(stderr, "%s\n", w.log);
  for (int i = 0; i < 4; i++) CHECK_INT_EQ(w.got[i], i + 1);
  CHECK_TRUE(w.log[0] == '1' && w.log[1] == 't'); /* only one fits before a take */
  CHECK_TRUE(weft_mvar_is_empty(w.mv));
  weft_mvar_free(w.mv);
}

/* A take that times out leaves the queue; a put that is cancelled while it
 * waits puts nothing; the mvar holds exactly what was put. */
static async(long) take_one(struct world *w) { return weft_mvar_take(long, w->mv); }

static async(long) take_timed_out(struct world *w, int err) {
  CHECK_INT_EQ(err, -ETIMEDOUT);
  return weft_then(weft_mvar_put(w->mv, 5L), take_one, w);
}
static async(long) cancelled_take(struct world *w) {
  return weft_catch(weft_timeout(weft_mvar_take(long, w->mv), 2), take_timed_out, w);
}

static async(void) put_timed_out(struct world *w, int err) {
  CHECK_INT_EQ(err, -ETIMEDOUT);
  CHECK_TRUE(!weft_mvar_is_empty(w->mv));
  return weft_return(void);
}
static async(void) second_put(struct world *w) {
  return weft_catch(weft_timeout(weft_mvar_put(w->mv, 2L), 2), put_timed_out, w);
}
static async(long) cancelled_put(struct world *w) {
  return weft_then(weft_then(weft_mvar_put(w->mv, 1L), second_put, w), take_one, w);
}

static void cancelled(void) {
  struct world w = {.mv = weft_mvar_new()};
  long out = 0;
  CHECK_INT_EQ(weft_run(cancelled_take(&w), &out), 0);
  CHECK_INT_EQ(out, 5);
  CHECK_INT_EQ(weft_run(cancelled_put(&w), &out), 0);
  CHECK_INT_EQ(out, 1);
  CHECK_TRUE(weft_mvar_is_empty(w.mv)); /* the cancelled put of 2 left nothing */
  weft_mvar_free(w.mv);
}

int main(void) {
  fifo();
  cancelled();
  return 0;
}
