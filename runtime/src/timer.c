/* timer.c: the monotonic clock and the timers: a FIFO lane for those set in deadline order, a binary min-heap (on deadline, then arrival order) for the rest.
 * Covered by test/runtime/sleep_*.c (never early) and the timeout and cancellation tests. */
#include "internal.h"

#include <time.h>

int64_t weft__clock_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The heap holds (deadline, seq, fiber) values, not fiber pointers: a
 * comparison reads two entries side by side in the array instead of two
 * fibers elsewhere in memory (issue 13; libev keeps its heap this way). */
static bool before(const struct weft__timer *a, const struct weft__timer *b) {
  return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void place(struct weft__timer *heap, size_t i, struct weft__timer t) {
  heap[i] = t;
  t.fiber->heap_index = (uint32_t)i;
}

static void sift_up(struct weft__timer *heap, size_t i) {
  struct weft__timer t = heap[i];
  while (i > 0 && before(&t, &heap[(i - 1) / 2])) {
    place(heap, i, heap[(i - 1) / 2]);
    i = (i - 1) / 2;
  }
  place(heap, i, t);
}

static void sift_down(struct weft__timer *heap, size_t len, size_t i) {
  struct weft__timer t = heap[i];
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= len) break;
    if (c + 1 < len && before(&heap[c + 1], &heap[c])) c++;
    if (!before(&heap[c], &t)) break;
    place(heap, i, heap[c]);
    i = c;
  }
  place(heap, i, t);
}

/* ---- the lane ------------------------------------------------------------
 *
 * Most timers are set in deadline order: sleeps of one length, deadlines
 * of one request timeout.  Such a timer (its deadline no earlier than the
 * latest in the lane) joins the lane, a FIFO array, in O(1), and leaves it
 * from the front in O(1); only a timer set out of order pays the heap's
 * O(log n).  Node.js keeps a list per duration for the same reason; one
 * lane catches every run of equal durations.  The first timer is the
 * earlier of the two fronts by (deadline, seq), so equal deadlines still
 * expire in the order they were set, wherever each one waits.
 *
 * A cancelled timer leaves a hole (fiber NULL) unless it was at an end;
 * the holes are squeezed out once they are more than half the lane, so
 * the lane's memory stays within twice its live timers (a server setting
 * and cancelling a timeout per request would otherwise grow it with every
 * request until the first of them expired). */

#define LANE_MIN 16

static void lane_place(struct weft__timer *lane, size_t i, struct weft__timer t) {
  lane[i] = t;
  if (t.fiber != NULL) t.fiber->heap_index = WEFT__IN_LANE | (uint32_t)i;
}

/* Moves the live timers to the start of the array, in order. */
static void lane_squeeze(struct weft__loop *L) {
  size_t k = 0;
  for (size_t i = L->lane_head; i < L->lane_len; i++)
    if (L->lane[i].fiber != NULL) lane_place(L->lane, k++, L->lane[i]);
  L->lane_head = 0;
  L->lane_len = k;
  L->lane_dead = 0;
}

/* After a removal at the front: the front is a live timer again, or the
 * lane is empty and starts over at the beginning of its array. */
static void lane_trim_front(struct weft__loop *L) {
  while (L->lane_head < L->lane_len && L->lane[L->lane_head].fiber == NULL) {
    L->lane_head++;
    L->lane_dead--;
  }
  if (L->lane_head == L->lane_len) L->lane_head = L->lane_len = 0;
}

/* The same after a removal anywhere: both ends are live again. */
static void lane_trim(struct weft__loop *L) {
  lane_trim_front(L);
  while (L->lane_len > L->lane_head && L->lane[L->lane_len - 1].fiber == NULL) {
    L->lane_len--;
    L->lane_dead--;
  }
  if (L->lane_head == L->lane_len) L->lane_head = L->lane_len = 0;
}

/* Doubles an array of timers (the heap's or the lane's), from first
 * entries when it has none. */
static void grow(struct weft__timer **array, size_t *cap, size_t first) {
  size_t n = *cap ? *cap * 2 : first;
  if (n > WEFT__IN_LANE) abort(); /* 2^31 timers: memory ran out long before */
  struct weft__timer *grown = realloc(*array, n * sizeof *grown);
  if (grown == NULL) abort();
  *array = grown;
  *cap = n;
}

static void lane_push(struct weft__loop *L, struct weft__timer t) {
  if (L->lane_len == L->lane_cap) {
    if (2 * (L->lane_head + L->lane_dead) >= L->lane_cap && L->lane_cap > 0) {
      lane_squeeze(L); /* at least half the array is free again */
    } else {
      grow(&L->lane, &L->lane_cap, LANE_MIN);
    }
  }
  lane_place(L->lane, L->lane_len++, t);
}

static void lane_remove(struct weft__loop *L, size_t i) {
  L->lane[i].fiber = NULL;
  L->lane_dead++;
  lane_trim(L);
  size_t live = L->lane_len - L->lane_head - L->lane_dead;
  if (L->lane_dead > LANE_MIN && L->lane_dead > live) lane_squeeze(L);
}

static bool lane_empty(const struct weft__loop *L) {
  return L->lane_head == L->lane_len;
}

/* ---- both ------------------------------------------------------------------ */

void weft__timer_add(struct weft__fiber *f) {
  struct weft__loop *L = &weft__loop;
  struct weft__timer t = {.deadline = f->deadline, .seq = L->timer_seq++, .fiber = f};
  f->state = WEFT__FS_WAIT_TIMER;
  if (lane_empty(L) || t.deadline >= L->lane[L->lane_len - 1].deadline) {
    lane_push(L, t);
    return;
  }
  if (L->heap_len == L->heap_cap) grow(&L->heap, &L->heap_cap, 16);
  place(L->heap, L->heap_len++, t);
  sift_up(L->heap, f->heap_index);
}

void weft__timer_remove(struct weft__fiber *f) {
  struct weft__loop *L = &weft__loop;
  size_t i = f->heap_index;
  if (i == WEFT__NO_TIMER) return;
  f->heap_index = WEFT__NO_TIMER;
  if (i & WEFT__IN_LANE) {
    lane_remove(L, i & ~(size_t)WEFT__IN_LANE);
    return;
  }
  struct weft__timer last = L->heap[--L->heap_len];
  if (i == L->heap_len) return;
  place(L->heap, i, last);
  if (i > 0 && before(&last, &L->heap[(i - 1) / 2])) sift_up(L->heap, i);
  else sift_down(L->heap, L->heap_len, i);
}

/* Takes the first timer out.  The hole it leaves goes down to a leaf along
 * the earlier child, one comparison a level, and the last entry (usually
 * the latest deadline, as sleeps of one length arrive in deadline order)
 * fills it and rises as far as it must: Floyd's bottom-up deletion (Knuth,
 * TAOCP vol. 3, 5.2.3, exercise 18), about half the comparisons of sifting
 * the last entry down from the top. */
static struct weft__fiber *pop_first(struct weft__loop *L) {
  struct weft__timer *heap = L->heap;
  struct weft__fiber *first = heap[0].fiber;
  first->heap_index = WEFT__NO_TIMER;
  size_t len = --L->heap_len, i = 0;
  if (len == 0) return first;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= len) break;
    if (c + 1 < len && before(&heap[c + 1], &heap[c])) c++;
    place(heap, i, heap[c]);
    i = c;
  }
  place(heap, i, heap[len]);
  sift_up(heap, i);
  return first;
}

/* The first timer of both (the lane's front or the heap's top), or NULL;
 * *in_lane says which. */
static const struct weft__timer *first(const struct weft__loop *L, bool *in_lane) {
  const struct weft__timer *lane = lane_empty(L) ? NULL : &L->lane[L->lane_head];
  *in_lane = lane != NULL && (L->heap_len == 0 || before(lane, &L->heap[0]));
  if (*in_lane) return lane;
  return L->heap_len ? &L->heap[0] : NULL;
}

/* Asked on every turn of the loop, mostly with one side empty. */
int64_t weft__timer_next(void) {
  const struct weft__loop *L = &weft__loop;
  if (lane_empty(L)) return L->heap_len ? L->heap[0].deadline : -1;
  if (L->heap_len == 0) return L->lane[L->lane_head].deadline;
  bool in_lane;
  return first(L, &in_lane)->deadline;
}

/* ---- sleeps -------------------------------------------------------------- */

/* What a sleep produces when it ends at now: its failure (a weft_timeout's
 * timer), or the time it slept, counted from when it began (its length
 * before its deadline), in ms or whole seconds. */
static int sleep_end(struct weft__fiber *f, const struct weft__node *op, int64_t now) {
  if (op->u.sleep.fail) return weft__op_failed(f, op->u.sleep.fail);
  int64_t slept = now - (f->deadline - (int64_t)op->u.sleep.ms * 1000000);
  return weft__op_done(f, op->u.sleep.seconds ? (uintptr_t)(slept / 1000000000) : (uintptr_t)(slept / 1000000));
}

/* One clock reading per sleep: when it starts (a reading cached from an
 * earlier moment would let it end early).  The sleep is attempted once:
 * unless it is over already, its timer's expiry ends it (below), with the
 * loop's reading that expired it (never before the deadline) as the time
 * it ends, as libuv and libev reuse their loop time. */
int weft__sleep_attempt(struct weft__fiber *f, struct weft__node *op) {
  if (f->op_done) { /* run again before its timer expired (nothing does so today): it waits on */
    f->state = WEFT__FS_WAIT_TIMER;
    return WEFT__OP_WAIT;
  }
  f->op_done = 1;
  int64_t now = weft__clock_now();
  f->deadline = now + (int64_t)op->u.sleep.ms * 1000000;
  if (now < f->deadline) {
    weft__timer_add(f);
    return WEFT__OP_WAIT;
  }
  return sleep_end(f, op, now);
}

/* A fiber whose timer expired: a sleep is over, and ends here, so that the
 * fiber goes on from its outcome when it runs instead of attempting the
 * sleep a second time (issue 13); the other timers (an accept's pause, a
 * connect's retry, a ticker's or process's wait) are attempted again. */
static void wake(struct weft__fiber *f, int64_t now) {
  struct weft__node *op = f->op;
  if (op != NULL && op->kind == WEFT__K_SLEEP) {
    sleep_end(f, op, now);
    f->op = NULL;
    weft__node_release_plain(op);
  }
  weft__fiber_enqueue(f);
}

void weft__timer_expire(int64_t now) {
  struct weft__loop *L = &weft__loop;
  bool in_lane;
  L->now = now; /* every sleep ended here ends at this reading (wake) */
  for (const struct weft__timer *t = first(L, &in_lane); t != NULL && t->deadline <= now; t = first(L, &in_lane)) {
    struct weft__fiber *f = t->fiber;
    if (in_lane) {
      f->heap_index = WEFT__NO_TIMER;
      L->lane[L->lane_head++].fiber = NULL;
      lane_trim_front(L);
    } else {
      f = pop_first(L);
    }
    wake(f, now);
  }
}

void weft__timer_close(void) {
  struct weft__loop *L = &weft__loop;
  free(L->heap);
  L->heap = NULL;
  L->heap_len = L->heap_cap = 0;
  free(L->lane);
  L->lane = NULL;
  L->lane_head = L->lane_len = L->lane_cap = L->lane_dead = 0;
}
