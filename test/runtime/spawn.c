/* spawn.c: weft_spawn starts fibers beside the main action; those left when weft_run returns are cancelled.
 * Proves: concurrency, finalisers of cancelled fibers run, failures go to stderr, spawn before a loop starts. */
#include <weft.h>

#include "check.h"
#include "support.h"

struct world {
  int pipe_fds[2];
  int finished;
  int finals;
  int spawned;
  long nap_ms;
  char got[8];
};

static async(void) count_finish(struct world *w, long slept) {
  (void)slept;
  w->finished++;
  return weft_return(void);
}

static async(void) count_final(struct world *w) {
  w->finals++;
  return weft_return(void);
}

static async(void) write_ping(struct world *w, long slept) {
  (void)slept;
  return weft_write(w->pipe_fds[1], "ping", 4);
}

/* The writer waits first, so the reader below really is suspended when it
 * runs: only a concurrently running fiber can complete the read. */
static async(str) start_writer(struct world *w) {
  weft_spawn(weft_bind(weft_sleep_ms(10), write_ping, w));
  return weft_read(w->pipe_fds[0], sizeof w->got - 1);
}

static async(void) keep(struct world *w, char *s) {
  CHECK_UINT_EQ(weft_str_len(s), 4);
  memcpy(w->got, s, 5);
  return weft_return(void);
}

static async(int) seventeen(struct world *w, long slept) {
  (void)w;
  (void)slept;
  return weft_return(int, 17);
}

/* Spawns fibers that will still be waiting when the main action ends. */
static async(int) leave_sleepers(struct world *w) {
  for (int k = 0; k < 3; k++) {
    weft_spawn(weft_finally(weft_bind(weft_sleep_ms(60000), count_finish, w), count_final, w));
    w->spawned++;
  }
  /* A pending read on a pipe nobody writes: cancelled at loop end. */
  weft_spawn(weft_finally(weft_bind(weft_read(w->pipe_fds[0], 1), keep, w), count_final, w));
  /* Let them start and block before the main action ends. */
  return weft_bind(weft_sleep_ms(20), seventeen, w);
}

static async(void) quick(struct world *w) {
  weft_spawn(weft_bind(weft_sleep_ms(1), count_finish, w));
  weft_spawn(weft_bind(weft_sleep_ms(2), count_finish, w));
  return weft_then(weft_return(void), count_final, w);
}

static async(long) nap(struct world *w) { return weft_sleep_ms(w->nap_ms); }

static async(void) spawn_failure(struct world *w) {
  (void)w;
  weft_spawn(weft_fail(-ENOTSUP));
  return weft_return(void);
}

int main(void) {
  struct world w = {0};
  int i = 0;
  long l = 0;
  test_pipe(w.pipe_fds);

  /* The spawned writer and the main reader meet through a real pipe. */
  CHECK_INT_EQ(weft_run(weft_bind(weft_then(weft_return(void), start_writer, &w), keep, &w), NULL), 0);
  CHECK_STR_EQ(w.got, "ping");

  /* Spawned fibers that finish while the main action is still waiting. */
  w.finished = w.finals = 0;
  w.nap_ms = 50;
  CHECK_INT_EQ(weft_run(weft_then(weft_then(weft_return(void), quick, &w), nap, &w), &l), 0);
  CHECK_INT_EQ(w.finished, 2);

  /* The main action ends first: every spawned fiber is cancelled, its
   * finaliser runs, and nothing of it is left (LSan checks the memory). */
  w.finished = w.finals = 0;
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), leave_sleepers, &w), &i), 0);
  CHECK_INT_EQ(i, 17);
  CHECK_INT_EQ(w.finished, 0);
  CHECK_INT_EQ(w.finals, 4);
  CHECK_TRUE(!test_fd_nonblocking(w.pipe_fds[0]));

  /* A cancelled fiber never comes back: a later loop does not run it. */
  CHECK_INT_EQ(weft_run(weft_sleep_ms(80), &l), 0);
  CHECK_INT_EQ(w.finished, 0);
  CHECK_INT_EQ(w.finals, 4);

  /* A fiber spawned outside any loop starts when the next one opens. */
  w.finished = 0;
  weft_spawn(weft_bind(weft_sleep_ms(1), count_finish, &w));
  CHECK_INT_EQ(w.finished, 0);
  CHECK_INT_EQ(weft_run(weft_sleep_ms(30), &l), 0);
  CHECK_INT_EQ(w.finished, 1);

  /* A spawned failure goes to stderr, not into weft_run's result. */
  int saved_stderr = dup(2), err_pipe[2];
  char report[512] = "";
  CHECK_TRUE(saved_stderr >= 0);
  test_pipe(err_pipe);
  CHECK_SYS(dup2(err_pipe[1], 2));
  int rc = weft_run(weft_then(weft_then(weft_return(void), spawn_failure, &w), nap, &w), &l);
  CHECK_SYS(dup2(saved_stderr, 2));
  close(saved_stderr);
  close(err_pipe[1]);
  ssize_t got = read(err_pipe[0], report, sizeof report - 1);
  close(err_pipe[0]);
  CHECK_INT_EQ(rc, 0);
  CHECK_INT_GT(got, 0);
  /* The report names the failure. */
  CHECK_TRUE(strstr(report, strerror(ENOTSUP)) != NULL);

  close(w.pipe_fds[0]);
  close(w.pipe_fds[1]);
  return 0;
}
