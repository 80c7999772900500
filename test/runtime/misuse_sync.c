/* misuse_sync.c: misuses of the synchronisation objects stop the program with a message: a promise resolved twice, a
 * task handle joined twice or joined after detach, an object freed while fibers wait on it. */
#include <weft.h>

#include "check.h"
#include "misuse.h"

static void resolve_twice(void) {
  weft_promise_t *p = weft_promise_new();
  weft_promise_resolve(p, 1);
  weft_promise_reject(p, -EIO);
}

static void join_twice(void) {
  weft_task_t *t = weft_spawn_task(weft_return(void));
  async(void) a = weft_task_join(void, t);
  async(void) b = weft_task_join(void, t);
  weft_run(weft_join(a, b), NULL);
}

static void join_after_detach(void) {
  weft_task_t *t = weft_spawn_task(weft_return(void));
  weft_task_detach(t);
  weft_run(weft_task_join(void, t), NULL);
}

static async(void) free_it(weft_chan_t *ch) {
  weft_chan_free(ch);
  return weft_return(void);
}
static async(void) ignore(weft_chan_t *ch, long v) {
  (void)ch;
  (void)v;
  return weft_return(void);
}
static void free_with_waiters(void) {
  weft_chan_t *ch = weft_chan_new(1);
  weft_spawn(weft_bind(weft_chan_recv(long, ch), ignore, ch));
  weft_run(weft_then(weft_yield(), free_it, ch), NULL);
}

static async(void) free_switch(weft_switch_t *sw) {
  weft_switch_free(sw);
  return weft_return(void);
}
static void free_live_switch(void) {
  weft_switch_t *sw = weft_switch_new();
  weft_switch_spawn(sw, weft_yield());
  weft_run(free_switch(sw), NULL);
}

int main(void) {
  expect_misuse("a promise resolved twice", resolve_twice, "weft.*misuse.*already resolved");
  expect_misuse("a task joined twice", join_twice, "weft.*misuse.*already joined or detached");
  expect_misuse("a task joined after detach", join_after_detach, "weft.*misuse.*already joined or detached");
  expect_misuse("a channel freed with a waiter", free_with_waiters, "weft.*misuse.*weft_chan_free.*wait");
  expect_misuse("a switch freed with fibers", free_live_switch, "weft.*misuse.*weft_switch_free");
  return 0;
}
