/* timer.c: the monotonic clock and the timer heap (a binary min-heap on deadline, then arrival order).
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

void weft__timer_add(struct weft__fiber *f) {
  struct weft__loop *L = &weft__loop;
  if (L->heap_len == L->heap_cap) {
    size_t cap = L->heap_cap ? L->heap_cap * 2 : 16;
    if (cap > WEFT__NO_TIMER) abort(); /* 2^32 timers: memory ran out long before */
    struct weft__timer *grown = realloc(L->heap, cap * sizeof *grown);
    if (grown == NULL) abort();
    L->heap = grown;
    L->heap_cap = cap;
  }
  f->state = WEFT__FS_WAIT_TIMER;
  place(L->heap, L->heap_len++, (struct weft__timer){.deadline = f->deadline, .seq = L->timer_seq++, .fiber = f});
  sift_up(L->heap, f->heap_index);
}

void weft__timer_remove(struct weft__fiber *f) {
  struct weft__loop *L = &weft__loop;
  size_t i = f->heap_index;
  if (i == WEFT__NO_TIMER) return;
  f->heap_index = WEFT__NO_TIMER;
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

int64_t weft__timer_next(void) {
  struct weft__loop *L = &weft__loop;
  return L->heap_len ? L->heap[0].deadline : -1;
}

void weft__timer_expire(int64_t now) {
  struct weft__loop *L = &weft__loop;
  L->now = now; /* a sleep that ends now reports its time from this reading (io.c) */
  while (L->heap_len && L->heap[0].deadline <= now) {
    weft__fiber_enqueue(pop_first(L)); /* its sleep completes when it runs */
  }
}

void weft__timer_close(void) {
  struct weft__loop *L = &weft__loop;
  free(L->heap);
  L->heap = NULL;
  L->heap_len = L->heap_cap = 0;
}
