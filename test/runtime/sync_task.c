/* sync_task.c: weft_spawn_task, weft_task_cancel, weft_task_join, weft_task_detach.
 * Proves: a join gets the task's value or failure; cancel releases a pending timer, read or wait and runs finalisers; a
 * fiber cancelling its own task stops at its next yield; a detached task runs on; handles are freed (valgrind). */
#include <weft.h>

#include "check.h"
#include "support.h"

struct world {
  int finals;
  int pipe_fds[2];
  weft_cond_t *never;
  weft_task_t *self;
  weft_promise_t *ended;
  int after_cancel;
};

static async(void) count_final(struct world *w) {
  w->finals++;
  return weft_return(void);
}

static async(int) forty_two(struct world *w, long slept) {
  (void)w;
  (void)slept;
  return weft_return(int, 42);
}

/* A task's value reaches its joiner. */
static async(int) join_value(struct world *w) {
  weft_task_t *t = weft_spawn_task(weft_bind(weft_sleep_ms(2), forty_two, w));
  return weft_task_join(int, t);
}

/* A task's failure reaches its joiner (and is not printed). */
static async(int) join_failure(struct world *w) {
  (void)w;
  weft_task_t *t = weft_spawn_task(weft_fail(int, -EPROTO));
  return weft_task_join(int, t);
}

/* Three tasks wait on a timer, a read and a condition; cancelling each
 * releases what it waits on and runs its finaliser; each join then gets
 * -ECANCELED. */
struct joins {
  struct world *w;
  weft_task_t *t[3];
  int errs[3];
  int i;
};

static async(void) ignore_long(struct world *w, long v) {
  (void)w;
  (void)v;
  return weft_return(void);
}
static async(void) ignore_str(struct world *w, char *s) {
  (void)w;
  (void)s;
  return weft_return(void);
}

static async(void) join_next(struct joins *j);
static async(void) joined_ok(struct joins *j) {
  j->errs[j->i++] = 0;
  return join_next(j);
}
static async(void) joined_failed(struct joins *j, int err) {
  j->errs[j->i++] = err;
  return join_next(j);
}
static async(void) join_next(struct joins *j) {
  if (j->i == 3) return weft_return(void);
  return weft_catch(weft_then(weft_task_join(void, j->t[j->i]), joined_ok, j), joined_failed, j);
}
static async(void) cancel_them(struct joins *j) {
  for (int i = 0; i < 3; i++) weft_task_cancel(j->t[i]);
  weft_task_cancel(j->t[0]); /* again: nothing more happens */
  return join_next(j);
}
static async(void) cancel_pending(struct joins *j) {
  struct world *w = j->w;
  j->t[0] = weft_spawn_task(weft_finally(weft_bind(weft_sleep_ms(60000), ignore_long, w), count_final, w));
  j->t[1] = weft_spawn_task(weft_finally(weft_bind(weft_read(w->pipe_fds[0], 8), ignore_str, w), count_final, w));
  j->t[2] = weft_spawn_task(weft_finally(weft_cond_wait(w->never), count_final, w));
  return weft_then(weft_yield(), cancel_them, j);
}

/* A task that cancels itself goes on to its next yield, then unwinds. */
static async(void) not_reached(struct world *w) {
  w->after_cancel += 100;
  return weft_return(void);
}
static async(void) cancel_self(struct world *w) {
  weft_task_cancel(w->self);
  w->after_cancel++;
  return weft_then(weft_yield(), not_reached, w);
}
static async(void) self_cancel(struct world *w) {
  w->self = weft_spawn_task(weft_finally(weft_then(weft_return(void), cancel_self, w), count_final, w));
  return weft_task_join(void, w->self);
}

/* A detached task runs on to its end (which it announces: the main action
 * waits for that, not for a time). */
static async(void) bump(struct world *w, long slept) {
  (void)slept;
  w->after_cancel = 7;
  weft_promise_resolve(w->ended, 1);
  return weft_return(void);
}
static async(int) detached(struct world *w) {
  weft_task_detach(weft_spawn_task(weft_bind(weft_sleep_ms(1), bump, w)));
  return weft_promise_wait(int, w->ended);
}

/* A task that failed before it was detached is reported at the detach. */
static async(void) detach_failed(weft_task_t *t) {
  weft_task_detach(t);
  return weft_return(void);
}
static async(void) fail_then_detach(struct world *w) {
  (void)w;
  weft_task_t *t = weft_spawn_task(weft_fail(-EPROTO));
  return weft_then(weft_yield(), detach_failed, t);
}

/* Runs m with stderr going to a file; returns what was written there. */
static char *captured(struct world *w, async(void) (*m)(struct world *), int *rc) {
  static char text[256];
  FILE *log = tmpfile();
  CHECK_TRUE(log != NULL);
  fflush(stderr);
  int saved = dup(2);
  CHECK_SYS(dup2(fileno(log), 2));
  *rc = weft_run(m(w), NULL);
  CHECK_SYS(dup2(saved, 2));
  close(saved);
  rewind(log);
  size_t n = fread(text, 1, sizeof text - 1, log);
  text[n] = '\0';
  fclose(log);
  return text;
}

int main(void) {
  struct world w = {.never = weft_cond_new(), .ended = weft_promise_new()};
  test_pipe(w.pipe_fds);
  int out = 0;
  CHECK_INT_EQ(weft_run(join_value(&w), &out), 0);
  CHECK_INT_EQ(out, 42);
  CHECK_INT_EQ(weft_run(join_failure(&w), &out), -EPROTO);

  struct joins j = {.w = &w};
  CHECK_INT_EQ(weft_run(cancel_pending(&j), NULL), 0);
  for (int i = 0; i < 3; i++) CHECK_INT_EQ(j.errs[i], -ECANCELED);
  CHECK_INT_EQ(w.finals, 3);

  /* Nothing may be reported on stderr: the cancellation is an orderly one. */
  w.finals = 0;
  int rc = 0;
  CHECK_TRUE(strcmp(captured(&w, self_cancel, &rc), "") == 0);
  CHECK_INT_EQ(rc, -ECANCELED);
  CHECK_INT_EQ(w.after_cancel, 1);
  CHECK_INT_EQ(w.finals, 1);

  CHECK_INT_EQ(weft_run(detached(&w), NULL), 0);
  CHECK_INT_EQ(w.after_cancel, 7);

  char *said = captured(&w, fail_then_detach, &rc);
  CHECK_INT_EQ(rc, 0);
  CHECK_TRUE(strstr(said, "weft: a spawned fiber failed: Protocol error") != NULL);

  weft_cond_free(w.never);
  weft_promise_free(w.ended);
  close(w.pipe_fds[0]);
  close(w.pipe_fds[1]);
  return 0;
}
