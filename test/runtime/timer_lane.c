/* timer_lane.c: timers set in deadline order wait in the lane, the others in the heap, and they expire as one queue.
 * Proves (timer.c): sleeps set out of order and in order interleave correctly; cancelling lane timers at its front, its
 * back and inside (enough to squeeze the holes out, then more after the squeeze) wakes exactly the others, in order;
 * a lane that keeps being popped at the front and pushed at the back (1 ms sleep loops) loses and repeats nothing, nor
 * does a full lane whose front moved up (squeezed, not grown, as it takes more). */
#include <weft.h>

#include "check.h"

#define SPACING_MS 100 /* far enough apart that the order cannot depend on how fast the sleepers start */

/* ---- part 1: lane and heap interleaved ----------------------------------- */

/* Set in this order, each in its own fiber in one turn: a length no shorter
 * than the last in the lane joins the lane, a shorter one the heap. */
static const int mixed_len[] = {3, 6, 1, 6, 2, 7, 0, 4, 5};
#define MIXED (int)(sizeof mixed_len / sizeof mixed_len[0])

/* ---- part 2: cancellations inside the lane -------------------------------- */

#define EQUAL 120 /* sleepers of one length: every one in the lane */
#define EQUAL_MS 300

struct log {
  int woke[EQUAL + MIXED + 160];
  int n;
};

struct sleeper {
  struct log *log;
  int id;
};

static struct log mixed_log, equal_log, back_log;
static struct sleeper mixed[MIXED], equal[EQUAL], back = {&back_log, 0};
static weft_task_t *equal_task[EQUAL], *back_task;

static async(void) woke(struct sleeper *s, long slept) {
  (void)slept;
  s->log->woke[s->log->n++] = s->id;
  return weft_return(void);
}

/* Which of the equal sleepers are cancelled: the front, the back, three in
 * four of the rest before the first expires (the holes outnumber the
 * timers, so the lane is squeezed), and after that squeeze every eighth
 * of those left, found through their renumbered places. */
static bool cancelled_first(int i) {
  return i == 0 || i == EQUAL - 1 || i % 4 != 0;
}
static bool cancelled_later(int i) {
  return !cancelled_first(i) && i % 32 == 8;
}

static async(void) pause_then(void *env, long slept) {
  (void)env;
  (void)slept;
  return weft_return(void);
}

static async(void) cancel_later(void *env) {
  (void)env;
  for (int i = 0; i < EQUAL; i++)
    if (cancelled_later(i)) weft_task_cancel(equal_task[i]);
  for (int i = 0; i < EQUAL; i++) weft_task_detach(equal_task[i]);
  return weft_return(void);
}

static async(void) cancel_first(void *env) {
  (void)env;
  for (int i = 0; i < EQUAL; i++)
    if (cancelled_first(i)) weft_task_cancel(equal_task[i]);
  weft_task_cancel(back_task);
  weft_task_detach(back_task);
  return weft_then(weft_yield(), cancel_later, NULL);
}

/* ---- part 3: a lane that moves ------------------------------------------- */

#define LOOPERS 40
#define LOOPS 30

struct looper {
  int left;
  int *done;
};

static struct looper loopers[LOOPERS];
static int loops_done;

static async(void) loop_once(struct looper *l);
static async(void) looped(struct looper *l, long slept) {
  (void)slept;
  ++*l->done;
  l->left--;
  return loop_once(l);
}
static async(void) loop_once(struct looper *l) {
  if (l->left == 0) return weft_return(void);
  /* Every fifth step is shorter than the lane's back: it goes to the heap. */
  return weft_bind(weft_sleep_ms(l->left % 5 == 0 ? 0 : 2), looped, l);
}
static async(void) make_looper(void *env, size_t i) {
  (void)env;
  loopers[i] = (struct looper){.left = LOOPS, .done = &loops_done};
  return loop_once(&loopers[i]);
}

/* ---- part 4: a full lane whose front has moved ---------------------------- */

/* FIRST sleepers fill the lane; the front FRONT of them are cancelled (so
 * the lane's front moves up without emptying it), and LATER more join it:
 * the array is full with most of it free at the front, and is squeezed
 * rather than grown. */
#define FIRST 100
#define FRONT 70
#define LATER 60
#define LATE_MS 200

static struct log late_log;
static struct sleeper late[FIRST + LATER];
static weft_task_t *late_task[FIRST];

static async(void) wait_late(void *env) {
  (void)env;
  return weft_bind(weft_sleep_ms(LATE_MS + 2 * SPACING_MS), pause_then, NULL);
}

static async(void) refill(void *env) {
  (void)env;
  for (int i = 0; i < FRONT; i++) weft_task_cancel(late_task[i]);
  for (int i = 0; i < FIRST; i++) weft_task_detach(late_task[i]);
  for (int i = FIRST; i < FIRST + LATER; i++) {
    late[i] = (struct sleeper){&late_log, i};
    weft_spawn(weft_bind(weft_sleep_ms(LATE_MS), woke, &late[i]));
  }
  /* The wait for them all is set once they wait, so that it is the lane's back. */
  return weft_then(weft_yield(), wait_late, NULL);
}

static async(void) part4(void *env) {
  (void)env;
  for (int i = 0; i < FIRST; i++) {
    late[i] = (struct sleeper){&late_log, i};
    late_task[i] = weft_spawn_task(weft_bind(weft_sleep_ms(LATE_MS), woke, &late[i]));
  }
  return weft_then(weft_yield(), refill, NULL); /* once they all wait */
}

static async(void) part3(void *env) {
  (void)env;
  return weft_then(weft_join_n(LOOPERS, make_looper, NULL), part4, NULL);
}

/* Parts 1 and 2 share the lane (the equal sleepers first, so that they all
 * join it); part 3 starts once both are over and the lane is empty. */
static async(void) all(void *env) {
  (void)env;
  for (int i = 0; i < EQUAL; i++) {
    equal[i] = (struct sleeper){&equal_log, i};
    equal_task[i] = weft_spawn_task(weft_bind(weft_sleep_ms(EQUAL_MS), woke, &equal[i]));
  }
  for (int i = 0; i < MIXED; i++) {
    mixed[i] = (struct sleeper){&mixed_log, i};
    weft_spawn(weft_bind(weft_sleep_ms((long)mixed_len[i] * SPACING_MS), woke, &mixed[i]));
  }
  /* The latest timer of all, the lane's back, is cancelled with the first. */
  back_task = weft_spawn_task(weft_bind(weft_sleep_ms(9L * SPACING_MS), woke, &back));
  /* The yield lets every sleeper above start before the cancellations. */
  async(void) parts12 = weft_join(weft_then(weft_yield(), cancel_first, NULL),
                                  weft_bind(weft_sleep_ms(8L * SPACING_MS), pause_then, NULL));
  return weft_then(parts12, part3, NULL);
}

int main(void) {
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), all, NULL), NULL), 0);

  /* Part 1: by length; the two of length 6 in the order they were set. */
  CHECK_INT_EQ(mixed_log.n, MIXED);
  for (int k = 1; k < MIXED; k++) {
    int a = mixed_log.woke[k - 1], b = mixed_log.woke[k];
    CHECK_TRUE(mixed_len[a] < mixed_len[b] || (mixed_len[a] == mixed_len[b] && a < b));
  }

  /* Part 2: exactly those never cancelled, in the order they were set. */
  int n = 0;
  for (int i = 0; i < EQUAL; i++) {
    if (cancelled_first(i) || cancelled_later(i)) continue;
    CHECK_INT_LT(n, equal_log.n);
    CHECK_INT_EQ(equal_log.woke[n], i);
    n++;
  }
  CHECK_INT_EQ(equal_log.n, n);
  CHECK_INT_EQ(back_log.n, 0);

  /* Part 3: every step of every loop, once. */
  CHECK_INT_EQ(loops_done, LOOPERS * LOOPS);

  /* Part 4: the survivors and the later ones, in the order they were set. */
  CHECK_INT_EQ(late_log.n, FIRST - FRONT + LATER);
  for (int k = 0; k < late_log.n; k++) CHECK_INT_EQ(late_log.woke[k], FRONT + k);
  return 0;
}
