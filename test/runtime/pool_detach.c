/* pool_detach.c: weft_detach and weft_detach_release on the worker pool: results, the bound, and each case of cancellation.
 * Proves: fn runs on a worker and its result comes back; at most weft_pool_size jobs run at once; a job cancelled before
 * it started never runs (release(arg, NULL) on the loop); one cancelled while running finishes and is released on its
 * worker; one finished but not yet delivered is released on the loop; the loop closes at once with work outstanding;
 * weft_pool_set_size refuses 0; WEFT_POOL_SIZE is read, and a bad value reported. */
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <weft.h>

#include "check.h"
#include "support.h"

static pthread_t loop_thread;

/* A gate the loop opens for a worker; sem_wait is what a blocking call
 * looks like to the pool. */
struct job {
  sem_t gate;          /* fn waits here when gated */
  bool gated;
  atomic_int started;  /* fn has begun */
  atomic_int returned; /* fn has returned */
  atomic_int released; /* release was called */
  pthread_t ran_on, released_on;
  void *released_result;
  long in;
};

static atomic_int running_now, running_max;

static void job_init(struct job *j, long in, bool gated) {
  memset(j, 0, sizeof *j);
  sem_init(&j->gate, 0, 0);
  j->gated = gated;
  j->in = in;
}

static void *square(void *arg) {
  struct job *j = arg;
  j->ran_on = pthread_self();
  int now = atomic_fetch_add(&running_now, 1) + 1;
  for (int m = atomic_load(&running_max); now > m && !atomic_compare_exchange_weak(&running_max, &m, now);) {
  }
  atomic_store(&j->started, 1);
  if (j->gated) sem_wait(&j->gate);
  else usleep(2000); /* long enough for the others to overlap */
  atomic_fetch_sub(&running_now, 1);
  void *result = (void *)(intptr_t)(j->in * j->in);
  atomic_store(&j->returned, 1);
  return result;
}

static void release(void *arg, void *result) {
  struct job *j = arg;
  j->released_on = pthread_self();
  j->released_result = result;
  atomic_fetch_add(&j->released, 1);
}

/* The loop waits for a worker by polling a flag every millisecond: the
 * test cannot block the loop, since the loop is what it observes. */
struct until {
  atomic_int *flag;
};

static async(void) until_step(struct until *u, long slept);
static async(void) until_set(struct until *u) {
  if (atomic_load(u->flag)) return weft_return(void);
  return weft_bind(weft_sleep_ms(1), until_step, u);
}
static async(void) until_step(struct until *u, long slept) {
  (void)slept;
  return until_set(u);
}

static void spin_until(atomic_int *flag) {
  while (!atomic_load(flag)) usleep(100);
}

/* ---- 1. results, and the bound on concurrency ------------------------ */

enum { MANY = 24 };
static struct job many[MANY];

static async(ptr) make_many(void *env, size_t i) {
  (void)env;
  return weft_detach(square, &many[i]);
}

static void results_and_bound(void) {
  CHECK_INT_EQ(weft_pool_set_size(0), -EINVAL);
  CHECK_INT_EQ(weft_pool_set_size(1025), -EINVAL);
  CHECK_INT_EQ(weft_pool_set_size(3), 0);
  CHECK_UINT_EQ(weft_pool_size(), 3);
  void *out[MANY];
  for (int i = 0; i < MANY; i++) job_init(&many[i], i, false);
  atomic_store(&running_max, 0);
  CHECK_INT_EQ(weft_run(weft_all(MANY, make_many, NULL, out), NULL), 0);
  for (int i = 0; i < MANY; i++) {
    CHECK_INT_EQ((intptr_t)out[i], (intptr_t)i * i);
    CHECK_TRUE(!pthread_equal(many[i].ran_on, loop_thread));
  }
  printf("24 jobs on a pool of 3: at most %d ran at once\n", atomic_load(&running_max));
  CHECK_INT_LE(atomic_load(&running_max), 3);
  CHECK_INT_GE(atomic_load(&running_max), 1);
}

/* ---- 2. cancelled before it started: never runs ---------------------- */

struct two {
  struct job a, b;
};

static async(ptr) b_lost(struct two *t, void *winner) {
  (void)winner;
  /* b sat in the queue behind a (pool of 1) and left it: released on the
   * loop, at once, with no result. */
  CHECK_INT_EQ(atomic_load(&t->b.released), 1);
  CHECK_PTR_EQ(t->b.released_result, NULL);
  CHECK_TRUE(pthread_equal(t->b.released_on, loop_thread));
  sem_post(&t->a.gate);
  return weft_return(ptr, NULL);
}

static async(ptr) a_done(struct two *t, void *r) {
  (void)t;
  CHECK_INT_EQ((intptr_t)r, 49);
  return weft_return(ptr, NULL);
}

static async(void) ignore_long(void *env, long v) {
  (void)env;
  (void)v;
  return weft_return(void);
}

static async(void) ignore_ptr(void *env, void *p) {
  (void)env;
  (void)p;
  return weft_return(void);
}

static void cancelled_before_start(void) {
  struct two t;
  job_init(&t.a, 7, true);
  job_init(&t.b, 8, false);
  CHECK_INT_EQ(weft_pool_set_size(1), 0);
  async(ptr) a = weft_bind(weft_detach(square, &t.a), a_done, &t);
  async(ptr) b = weft_bind(weft_pick(weft_detach_release(square, &t.b, release), weft_return(ptr, NULL)), b_lost, &t);
  CHECK_INT_EQ(weft_run(weft_join(weft_bind(a, ignore_ptr, NULL), weft_bind(b, ignore_ptr, NULL)), NULL), 0);
  CHECK_INT_EQ(atomic_load(&t.b.started), 0);
  CHECK_INT_EQ(atomic_load(&t.b.released), 1);

  /* Freed without ever starting: the pick's first branch wins before the
   * second one's fiber has run, and the detach is released unrun. */
  struct job c;
  job_init(&c, 5, false);
  void *won = (void *)1;
  CHECK_INT_EQ(weft_run(weft_pick(weft_return(ptr, NULL), weft_detach_release(square, &c, release)), &won), 0);
  CHECK_PTR_EQ(won, NULL);
  CHECK_INT_EQ(atomic_load(&c.started), 0);
  CHECK_INT_EQ(atomic_load(&c.released), 1);
  CHECK_PTR_EQ(c.released_result, NULL);
  CHECK_TRUE(pthread_equal(c.released_on, loop_thread));
}

/* ---- 3. cancelled while running: finishes on its worker -------------- */

static async(ptr) win(void *env) {
  (void)env;
  return weft_return(ptr, (void *)1);
}

static async(ptr) check_cancelled_running(struct job *j, void *winner) {
  CHECK_PTR_EQ(winner, (void *)1);
  CHECK_INT_EQ(atomic_load(&j->released), 0); /* fn still blocks in its gate */
  sem_post(&j->gate);
  return weft_return(ptr, NULL);
}

static void cancelled_while_running(void) {
  struct job j;
  job_init(&j, 9, true);
  struct until started = {&j.started};
  async(ptr) racer = weft_then(until_set(&started), win, NULL);
  async(ptr) picked = weft_pick(weft_detach_release(square, &j, release), racer);
  CHECK_INT_EQ(weft_run(weft_bind(picked, check_cancelled_running, &j), NULL), 0);
  spin_until(&j.released);
  CHECK_INT_EQ(atomic_load(&j.released), 1);
  CHECK_PTR_EQ(j.released_result, (void *)81);
  CHECK_TRUE(pthread_equal(j.released_on, j.ran_on)); /* on the worker, right after fn */
  CHECK_TRUE(!pthread_equal(j.released_on, loop_thread));
}

/* ---- 4. finished, not yet delivered: released on the loop ------------ */

struct three {
  struct job d, e;
  weft_task_t *task;
};

/* The loop is held on purpose until e, queued behind d on a pool of one
 * thread, has started: d has then finished, and waits in the loop's list
 * (or, if the loop polled in between, in its fiber), undelivered, when its
 * task is cancelled. */
static async(void) hold_then_cancel(struct three *t) {
  spin_until(&t->e.started);
  CHECK_INT_EQ(atomic_load(&t->d.returned), 1);
  weft_task_cancel(t->task);
  CHECK_INT_EQ(atomic_load(&t->d.released), 1);
  CHECK_PTR_EQ(t->d.released_result, (void *)100);
  CHECK_TRUE(pthread_equal(t->d.released_on, loop_thread));
  return weft_return(void);
}

static async(void) joined_d(struct three *t, int err) {
  (void)t;
  CHECK_INT_EQ(err, -ECANCELED);
  return weft_return(void);
}

static async(void) task_value(struct three *t, void *v) {
  (void)t;
  (void)v;
  CHECK_FAILED_("the cancelled task delivered a value");
}

static async(void) join_d(struct three *t) {
  return weft_catch(weft_bind(weft_task_join(ptr, t->task), task_value, t), joined_d, t);
}

static async(void) after_yield(struct three *t) {
  async(void) e = weft_bind(weft_detach(square, &t->e), ignore_ptr, NULL);
  async(void) hold = weft_then(weft_yield(), hold_then_cancel, t);
  return weft_then(weft_join(e, hold), join_d, t);
}

/* d is submitted by the task's fiber, which runs during the yield, before
 * e: the pool's queue is FIFO. */
static async(void) start_three(struct three *t) {
  t->task = weft_spawn_task(weft_detach_release(square, &t->d, release));
  return weft_then(weft_yield(), after_yield, t);
}

static void finished_undelivered(void) {
  struct three t;
  job_init(&t.d, 10, false);
  job_init(&t.e, 11, false);
  CHECK_INT_EQ(weft_pool_set_size(1), 0);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), start_three, &t), NULL), 0);
  CHECK_INT_EQ(atomic_load(&t.d.released), 1);
}

/* ---- 5. the loop closes with work outstanding ------------------------ */

struct close_case {
  struct job running, queued;
};

static async(void) spawn_and_leave(struct close_case *c) {
  weft_spawn(weft_bind(weft_detach_release(square, &c->running, release), ignore_ptr, NULL));
  weft_spawn(weft_bind(weft_detach_release(square, &c->queued, release), ignore_ptr, NULL));
  /* Return once the first runs: the loop closes with one job running and
   * one queued behind it (pool of one). */
  static struct until started;
  started.flag = &c->running.started;
  return until_set(&started);
}

static void loop_close(void) {
  struct close_case c;
  job_init(&c.running, 12, true);
  job_init(&c.queued, 13, false);
  CHECK_INT_EQ(weft_pool_set_size(1), 0);
  long long t0 = test_now_ms();
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), spawn_and_leave, &c), NULL), 0);
  /* weft_run did not wait for the gated job. */
  CHECK_INT_EQ(atomic_load(&c.running.returned), 0);
  CHECK_INT_EQ(atomic_load(&c.running.released), 0);
  /* The queued one left the queue at the close: never run, released then. */
  CHECK_INT_EQ(atomic_load(&c.queued.started), 0);
  CHECK_INT_EQ(atomic_load(&c.queued.released), 1);
  CHECK_PTR_EQ(c.queued.released_result, NULL);
  sem_post(&c.running.gate);
  spin_until(&c.running.released);
  CHECK_PTR_EQ(c.running.released_result, (void *)144);
  CHECK_TRUE(pthread_equal(c.running.released_on, c.running.ran_on));
  printf("loop closed with a job running and one queued, in %lld ms\n", test_now_ms() - t0);
}

/* A finaliser that runs while the loop closes starts no job: the detach
 * fails with -ECANCELED and fn never runs. */
static struct job at_close;
static int at_close_err;

static async(ptr) note_close_err(void *env, int err) {
  (void)env;
  at_close_err = err;
  return weft_return(ptr, NULL);
}

static async(void) detach_in_finaliser(void *env) {
  (void)env;
  return weft_bind(weft_catch(weft_detach(square, &at_close), note_close_err, NULL), ignore_ptr, NULL);
}

static async(void) spawn_sleeper(void *env) {
  weft_spawn(weft_finally(weft_bind(weft_sleep_ms(60000), ignore_long, NULL), detach_in_finaliser, env));
  return weft_return(void);
}

static void finaliser_at_close(void) {
  job_init(&at_close, 3, false);
  at_close_err = 1;
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), spawn_sleeper, NULL), NULL), 0);
  CHECK_INT_EQ(at_close_err, -ECANCELED);
  CHECK_INT_EQ(atomic_load(&at_close.started), 0);
}

/* ---- 6. WEFT_POOL_SIZE ----------------------------------------------- */

/* The child prints its pool size; the pool reads the variable once.  It
 * is this program again, by argv[0] (under valgrind /proc/self/exe is
 * valgrind's). */
static const char *self_path;

static int child_size(const char *value, char *err, size_t errsize) {
  int errp[2];
  test_pipe(errp);
  pid_t pid = fork();
  CHECK_SYS(pid);
  if (pid == 0) {
    dup2(errp[1], 2);
    setenv("WEFT_POOL_SIZE", value, 1);
    execl(self_path, self_path, "--print-size", (char *)NULL);
    _exit(127);
  }
  close(errp[1]);
  ssize_t n = read(errp[0], err, errsize - 1);
  err[n > 0 ? n : 0] = '\0';
  close(errp[0]);
  int status;
  CHECK_SYS(waitpid(pid, &status, 0));
  CHECK_TRUE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

static void pool_size_env(void) {
  char err[512];
  CHECK_INT_EQ(child_size("2", err, sizeof err), 2);
  CHECK_STR_EQ(err, "");
  CHECK_INT_EQ(child_size("many", err, sizeof err), 4);
  printf("WEFT_POOL_SIZE=many: %s", err);
  CHECK_TRUE(strstr(err, "WEFT_POOL_SIZE=many is not a number from 1 to 1024") != NULL);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--print-size") == 0) return (int)weft_pool_size();
  self_path = argv[0];
  loop_thread = pthread_self();
  results_and_bound();
  cancelled_before_start();
  cancelled_while_running();
  finished_undelivered();
  loop_close();
  finaliser_at_close();
  pool_size_env();
  puts("pool_detach: ok");
  return 0;
}
