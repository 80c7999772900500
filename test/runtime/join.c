/* join.c: weft_join runs two async(void) actions concurrently and finishes when both have.
 * Proves: the branches overlap (they talk through pipes), and a failure cancels the sibling while the loop runs. */
#include <weft.h>

#include "check.h"
#include "support.h"

struct pair {
  int to_b[2], to_a[2];
  int done;
  struct cancel_probe probe;
  char a_got[8], b_got[8];
};

static async(void) a_got(struct pair *p, char *s) {
  memcpy(p->a_got, s, weft_str_len(s) + 1);
  p->done++;
  return weft_return(void);
}

static async(void) b_reply(struct pair *p, char *s) {
  memcpy(p->b_got, s, weft_str_len(s) + 1);
  return weft_write(p->to_a[1], "pong", 4);
}

static async(void) b_finish(struct pair *p) {
  p->done++;
  return weft_return(void);
}

static async(str) read_pong(struct pair *p) { return weft_read(p->to_a[0], 7); }

/* a: send "ping", then wait for the answer.  b: wait for "ping", answer.
 * If the join ran a to completion before starting b, a would wait forever. */
static async(void) side_a(struct pair *p) {
  return weft_bind(weft_then(weft_write(p->to_b[1], "ping", 4), read_pong, p), a_got, p);
}

static async(void) too_late(struct pair *p, long slept) {
  (void)slept;
  p->probe.late++;
  return weft_return(void);
}

static async(void) fail_after(struct pair *p, long slept) {
  (void)p;
  (void)slept;
  return weft_fail(-ECONNABORTED);
}

static async(void) leaf(struct pair *p) {
  p->done++;
  return weft_return(void);
}

int main(void) {
  struct pair p = {0};
  test_pipe(p.to_b);
  test_pipe(p.to_a);

  CHECK_INT_EQ(weft_run(weft_join(weft_then(weft_return(void), side_a, &p),
                                  weft_then(weft_bind(weft_read(p.to_b[0], 7), b_reply, &p), b_finish, &p)),
                        NULL),
               0);
  CHECK_STR_EQ(p.a_got, "pong");
  CHECK_STR_EQ(p.b_got, "ping");
  CHECK_INT_EQ(p.done, 2);

  /* Both branches immediate, and a join of joins. */
  p.done = 0;
  CHECK_INT_EQ(weft_run(weft_join(weft_join(weft_then(weft_return(void), leaf, &p), weft_then(weft_return(void), leaf, &p)),
                                  weft_then(weft_return(void), leaf, &p)),
                        NULL),
               0);
  CHECK_INT_EQ(p.done, 3);

  /* One branch fails after 5 ms; the other (a long sleep) is cancelled. */
  CHECK_INT_EQ(weft_run(weft_finally(weft_join(weft_bind(weft_sleep_ms(5), fail_after, &p),
                                               weft_finally(weft_bind(weft_sleep_ms(60000), too_late, &p), probe_final,
                                                            &p.probe)),
                                     probe_settle, &p.probe),
                        NULL),
               -ECONNABORTED);
  CHECK_INT_EQ(p.probe.finals_in_loop, 1);
  CHECK_INT_EQ(p.probe.finals, 1);
  CHECK_INT_EQ(p.probe.late, 0);

  /* The same with the failing branch second, and failing at once. */
  p.probe.finals = 0;
  CHECK_INT_EQ(weft_run(weft_finally(weft_join(weft_finally(weft_bind(weft_read(p.to_b[0], 1), a_got, &p), probe_final,
                                                            &p.probe),
                                               weft_fail(-ENETDOWN)),
                                     probe_settle, &p.probe),
                        NULL),
               -ENETDOWN);
  CHECK_INT_EQ(p.probe.finals_in_loop, 1);
  CHECK_INT_EQ(p.probe.finals, 1);

  close(p.to_b[0]);
  close(p.to_b[1]);
  close(p.to_a[0]);
  close(p.to_a[1]);
  return 0;
}
