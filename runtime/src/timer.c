/* timer.c: the monotonic clock and the timer heap (a binary min-heap on deadline, then arrival order).
 * Covered by test/runtime/sleep_*.c (never early) and the timeout and cancellation tests. */
#include "internal.h"

#include <time.h>

int64_t weft__clock_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static bool before(const struct weft__fiber *a, const struct weft__fiber *b) {
  return a->deadline < b->deadline || (a->deadline == b->deadline && a->timer_seq < b->timer_seq);
}

static void place(struct weft__fiber **heap, size_t i, struct weft__fiber *f) {
  heap[i] = f;
  f->heap_index = i;
}

static void sift_up(struct weft__fiber **heap, size_t i) {
  struct weft__fiber *f = heap[i];
  while (i > 0 && before(f, heap[(i - 1) / 2])) {
    place(heap, i, heap[(i - 1) / 2]);
    i = (i - 1) / 2;
  }
  place(heap, i, f);
}

static void sift_down(struct weft__fiber **heap, size_t len, size_t i) {
  struct weft__fiber *f = heap[i];
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= len) break;
    if (c + 1 < len && before(heap[c + 1], heap[c])) c++;
    if (!before(heap[c], f)) break;
    place(heap, i, heap[c]);
    i = c;
  }
  place(heap, i, f);
}

void weft__timer_add(struct weft__fiber *f) {
  struct weft__loop *L = &weft__loop;
  if (L->heap_len == L->heap_cap) {
    size_t cap = L->heap_cap ? L->heap_cap * 2 : 16;
    struct weft__fiber **grown = realloc(L->heap, cap * sizeof *grown);
    if (grown == NULL) abort();
    L->heap = grown;
    L->heap_cap = cap;
  }
  f->timer_seq = L->timer_seq++;
  f->state = WEFT__FS_WAIT_TIMER;
  place(L->heap, L->heap_len++, f);
  sift_up(L->heap, f->heap_index);
}

void weft__timer_remove(struct weft__fiber *f) {
  struct weft__loop *L = &weft__loop;
  size_t i = f->heap_index;
  if (i == SIZE_MAX) return;
  f->heap_index = SIZE_MAX;
  struct weft__fiber *last = L->heap[--L->heap_len];
  if (i == L->heap_len) return;
  place(L->heap, i, last);
  if (i > 0 && before(last, L->heap[(i - 1) / 2])) sift_up(L->heap, i);
  else sift_down(L->heap, L->heap_len, i);
}

int64_t weft__timer_next(void) {
  struct weft__loop *L = &weft__loop;
  return L->heap_len ? L->heap[0]->deadline : -1;
}

void weft__timer_expire(int64_t now) {
  struct weft__loop *L = &weft__loop;
  while (L->heap_len && L->heap[0]->deadline <= now) {
    struct weft__fiber *f = L->heap[0];
    weft__timer_remove(f);
    weft__fiber_enqueue(f); /* its sleep completes when it runs */
  }
}

void weft__timer_close(void) {
  struct weft__loop *L = &weft__loop;
  free(L->heap);
  L->heap = NULL;
  L->heap_len = L->heap_cap = 0;
}
