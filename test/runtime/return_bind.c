/* return_bind.c: weft_return, weft_bind and weft_then build actions that produce exactly the right values in order.
 * Proves: values flow through binds unchanged, continuations run once each and in sequence, actions are lazy. */
#include <weft.h>

#include "check.h"

struct trace {
  int calls;
  char order[16];
};

static void note(struct trace *t, char c) {
  t->order[t->calls++] = c;
  t->order[t->calls] = '\0';
}

static async(int) add_one(struct trace *t, int v) {
  note(t, 'a');
  return weft_return(int, v + 1);
}

static async(long) widen(struct trace *t, int v) {
  note(t, 'w');
  return weft_return(long, (long)v * 1000000000L);
}

static async(void) unit_after(struct trace *t, long v) {
  note(t, 'u');
  CHECK_INT_EQ(v, 43000000000L);
  return weft_return(void);
}

static async(str) greet(struct trace *t) {
  note(t, 'g');
  return weft_return(str, "hello");
}

static async(int) nested(struct trace *t, int v) {
  /* A continuation may itself return a chain; its value is the result. */
  note(t, 'n');
  return weft_bind(weft_bind(weft_return(int, v), add_one, t), add_one, t);
}

static async(int) negate(void *env, int v) {
  CHECK_PTR_EQ(env, NULL);
  return weft_return(int, -v);
}

int main(void) {
  struct trace t = {0};
  int i = 0;
  char *s = NULL;

  /* weft_return alone. */
  CHECK_INT_EQ(weft_run(weft_return(int, 7), &i), 0);
  CHECK_INT_EQ(i, 7);

  /* Building an action runs nothing: continuations wait for weft_run. */
  async(int) lazy = weft_bind(weft_return(int, 1), add_one, &t);
  CHECK_INT_EQ(t.calls, 0);
  CHECK_INT_EQ(weft_run(lazy, &i), 0);
  CHECK_INT_EQ(i, 2);
  CHECK_STR_EQ(t.order, "a");

  /* A chain changing types: int -> int -> long -> void -> str. */
  t.calls = 0;
  async(str) chain =
      weft_then(weft_bind(weft_bind(weft_bind(weft_return(int, 42), add_one, &t), widen, &t), unit_after, &t),
                greet, &t);
  CHECK_INT_EQ(weft_run(chain, &s), 0);
  CHECK_STR_EQ(s, "hello");
  CHECK_STR_EQ(t.order, "awug");

  /* weft_return(void) with weft_then, and a NULL out for async(void). */
  t.calls = 0;
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), greet, &t), &s), 0);
  CHECK_STR_EQ(s, "hello");
  CHECK_INT_EQ(weft_run(weft_return(void), NULL), 0);

  /* Right-nested: a continuation returning its own bind chain. */
  t.calls = 0;
  CHECK_INT_EQ(weft_run(weft_bind(weft_return(int, 10), nested, &t), &i), 0);
  CHECK_INT_EQ(i, 12);
  CHECK_STR_EQ(t.order, "naa");

  /* A continuation with a NULL env is legal, and negative values survive. */
  CHECK_INT_EQ(weft_run(weft_bind(weft_return(int, 3), negate, NULL), &i), 0);
  CHECK_INT_EQ(i, -3);
  return 0;
}
