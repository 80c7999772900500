/* signal.c: weft_signal completes with the signal number, from kill(2), from another thread or already pending.
 * Proves: every waiter of a signal is woken, waits are cancelled by pick and timeout, the signal is blocked only while
 * someone waits and the thread's own mask is put back (during the loop and after), bad signal numbers fail. */
#include <pthread.h>
#include <signal.h>
#include <weft.h>

#include "check.h"
#include "support.h"

static bool blocked(int signo) {
  sigset_t now;
  CHECK_INT_EQ(pthread_sigmask(SIG_BLOCK, NULL, &now), 0);
  return sigismember(&now, signo);
}

static void set_blocked(int signo, bool on) {
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, signo);
  CHECK_INT_EQ(pthread_sigmask(on ? SIG_BLOCK : SIG_UNBLOCK, &one, NULL), 0);
}

struct t {
  int got[4];
  int ngot;
  bool blocked_during;
  bool blocked_after_cancel;
  int ready[2];   /* the loop thread says it waits */
  pthread_t loop_thread;
  int thread_rc;
  int thread_got;
};

static async(void) note(struct t *t, int signo) {
  t->got[t->ngot++] = signo;
  return weft_return(void);
}

static async(void) send_usr1(struct t *t, long slept) {
  (void)slept;
  t->blocked_during = blocked(SIGUSR1);
  CHECK_SYS(kill(getpid(), SIGUSR1));
  return weft_return(void);
}

/* 1. kill(getpid()) while a fiber waits. */
static async(void) kill_self(struct t *t) {
  return weft_join(weft_bind(weft_signal(SIGUSR1), note, t), weft_bind(weft_sleep_ms(10), send_usr1, t));
}

/* 2. Two waiters of SIGUSR2 both complete with one arrival; a waiter of
 *    SIGHUP, which never comes, is cancelled by its timeout. */
static async(void) send_usr2(struct t *t, long slept) {
  (void)slept;
  (void)t;
  CHECK_SYS(kill(getpid(), SIGUSR2));
  return weft_return(void);
}

static async(void) hup_timed_out(struct t *t, int err) {
  CHECK_INT_EQ(err, -ETIMEDOUT);
  t->got[t->ngot++] = 0;
  return weft_return(void);
}

static async(void) broadcast(struct t *t) {
  async(void) two = weft_join(weft_bind(weft_signal(SIGUSR2), note, t), weft_bind(weft_signal(SIGUSR2), note, t));
  async(void) hup = weft_catch(weft_bind(weft_timeout(weft_signal(SIGHUP), 100), note, t), hup_timed_out, t);
  return weft_join(weft_join(two, weft_bind(weft_sleep_ms(10), send_usr2, t)), hup);
}

/* 3. A pick cancels the wait; once the loop has polled again, SIGHUP is
 *    unblocked, while the loop still runs. */
static async(void) look_after_cancel(struct t *t, long slept) {
  (void)slept;
  t->blocked_after_cancel = blocked(SIGHUP);
  return weft_return(void);
}

static async(void) after_pick(struct t *t, long v) {
  CHECK_INT_EQ(v, 5);
  return weft_bind(weft_sleep_ms(1), look_after_cancel, t);
}

static long widen(void *env, int v) {
  (void)env;
  return v;
}

static long look_during(struct t *t, long slept) {
  (void)slept;
  t->blocked_during = blocked(SIGHUP);
  return 5;
}

static async(void) cancelled_by_pick(struct t *t) {
  async(long) wait = weft_map(weft_signal(SIGHUP), widen, NULL);
  return weft_bind(weft_pick(wait, weft_map(weft_sleep_ms(5), look_during, t)), after_pick, t);
}

/* 5. In another thread: it says it waits by writing to a pipe, then the
 *    signal comes from this thread, directed at it or at the process. */
static async(void) thread_got(struct t *t, int signo) {
  t->thread_got = signo;
  return weft_return(void);
}

static async(void) say_ready(struct t *t) { return weft_write(t->ready[1], "r", 1); }

static void *loop_thread(void *arg) {
  struct t *t = arg;
  int signo = t->thread_got;
  t->thread_got = 0;
  t->thread_rc = weft_run(weft_join(weft_bind(weft_signal(signo), thread_got, t), weft_then(weft_return(void), say_ready, t)), NULL);
  return NULL;
}

static void run_in_thread(struct t *t, int signo, bool process_directed) {
  char c;
  t->thread_got = signo;
  CHECK_INT_EQ(pthread_create(&t->loop_thread, NULL, loop_thread, t), 0);
  CHECK_INT_EQ(read(t->ready[0], &c, 1), 1);
  if (process_directed) CHECK_SYS(kill(getpid(), signo));
  else CHECK_INT_EQ(pthread_kill(t->loop_thread, signo), 0);
  CHECK_INT_EQ(pthread_join(t->loop_thread, NULL), 0);
  CHECK_INT_EQ(t->thread_rc, 0);
  CHECK_INT_EQ(t->thread_got, signo);
}

int main(void) {
  struct t t = {0};
  int rc;

  /* 1 */
  CHECK_TRUE(!blocked(SIGUSR1));
  rc = weft_run(weft_then(weft_return(void), kill_self, &t), NULL);
  CHECK_INT_EQ(rc, 0);
  CHECK_INT_EQ(t.ngot, 1);
  CHECK_INT_EQ(t.got[0], SIGUSR1);
  CHECK_TRUE(t.blocked_during);
  CHECK_TRUE(!blocked(SIGUSR1));

  /* 2 */
  t.ngot = 0;
  rc = weft_run(weft_then(weft_return(void), broadcast, &t), NULL);
  CHECK_INT_EQ(rc, 0);
  CHECK_INT_EQ(t.ngot, 3);
  CHECK_INT_EQ(t.got[0], SIGUSR2);
  CHECK_INT_EQ(t.got[1], SIGUSR2);
  CHECK_INT_EQ(t.got[2], 0);
  CHECK_TRUE(!blocked(SIGUSR2));
  CHECK_TRUE(!blocked(SIGHUP));

  /* 3 */
  t.blocked_during = false;
  rc = weft_run(weft_then(weft_return(void), cancelled_by_pick, &t), NULL);
  CHECK_INT_EQ(rc, 0);
  CHECK_TRUE(t.blocked_during);
  CHECK_TRUE(!t.blocked_after_cancel);
  CHECK_TRUE(!blocked(SIGHUP));

  /* 4. A signal the thread blocked itself stays blocked after; one already
   *    pending when the wait begins completes it at once. */
  set_blocked(SIGUSR2, true);
  CHECK_SYS(raise(SIGUSR2));
  int signo = 0;
  rc = weft_run(weft_signal(SIGUSR2), &signo);
  CHECK_INT_EQ(rc, 0);
  CHECK_INT_EQ(signo, SIGUSR2);
  CHECK_TRUE(blocked(SIGUSR2));
  set_blocked(SIGUSR2, false);

  /* 5. Another thread; for a process-directed signal this thread blocks it
   *    (the loop thread inherits that, and keeps it blocked after). */
  test_pipe(t.ready);
  run_in_thread(&t, SIGUSR1, false);
  set_blocked(SIGUSR2, true);
  run_in_thread(&t, SIGUSR2, true);
  set_blocked(SIGUSR2, false);
  CHECK_SYS(close(t.ready[0]));
  CHECK_SYS(close(t.ready[1]));

  /* 6. Signals that cannot be waited for. */
  CHECK_INT_EQ(weft_run(weft_signal(SIGKILL), NULL), -EINVAL);
  CHECK_INT_EQ(weft_run(weft_signal(SIGSTOP), NULL), -EINVAL);
  CHECK_INT_EQ(weft_run(weft_signal(0), NULL), -EINVAL);
  CHECK_INT_EQ(weft_run(weft_signal(65), NULL), -EINVAL);
  CHECK_INT_EQ(weft_run(weft_signal(32), NULL), -EINVAL);
  CHECK_TRUE(!blocked(SIGUSR1) && !blocked(SIGUSR2) && !blocked(SIGHUP));
  return 0;
}
