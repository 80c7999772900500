/* sync_yield.c: weft_yield is round-robin fair: two fibers looping on it alternate, a b a b ...
 * Proves: a yielding fiber goes behind every fiber ready at the time (weft_sleep_ms(0) ran a b a a a b b b). */
#include <weft.h>

#include "check.h"

#define ROUNDS 8

struct world {
  char log[4 * ROUNDS + 1];
  size_t len;
};

struct looper {
  struct world *w;
  char name;
  int left;
};

static async(void) loop(struct looper *l);
static async(void) step(struct looper *l) {
  l->w->log[l->w->len++] = l->name;
  l->left--;
  return loop(l);
}
static async(void) loop(struct looper *l) {
  if (l->left == 0) return weft_return(void);
  return weft_then(weft_yield(), step, l);
}

static void alternate(int fibers) {
  struct world w = {0};
  struct looper l[3] = {{&w, 'a', ROUNDS}, {&w, 'b', ROUNDS}, {&w, 'c', ROUNDS}};
  async(void) both = weft_join(loop(&l[0]), loop(&l[1]));
  if (fibers == 3) both = weft_join(both, loop(&l[2]));
  CHECK_INT_EQ(weft_run(both, NULL), 0);
  w.log[w.len] = '\0';
  fprintf(stderr, "%s\n", w.log);
  /* Each round has every fiber once, in the same order. */
  for (int i = 0; i < fibers; i++)
    for (int j = 0; j < i; j++) CHECK_INT_NE(w.log[i], w.log[j]);
  for (size_t i = 0; i < w.len; i++) CHECK_INT_EQ(w.log[i], w.log[i % (size_t)fibers]);
  CHECK_UINT_EQ(w.len, (size_t)fibers * ROUNDS);
}

int main(void) {
  alternate(2);
  alternate(3);
  return 0;
}
