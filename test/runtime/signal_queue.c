/* signal_queue.c: queued (real-time) signals read in one batch are not lost: a fiber waiting again gets each, and what nobody claims acts as usual.
 * Proves: 5 instances sent at once complete 5 successive waits; instances left when the waits end reach the program's own handler. */
#include <signal.h>
#include <sys/syscall.h>
#include <weft.h>

#include "check.h"
#include "support.h"

static volatile sig_atomic_t handled;
static void count(int signo) {
  (void)signo;
  handled++;
}

struct sq {
  int signo;
  int want;  /* waits before the fiber stops waiting */
  int got;
};

static async(int) again(struct sq *q, int signo);
static async(int) wait_one(struct sq *q) { return weft_bind(weft_signal(q->signo), again, q); }
static async(int) again(struct sq *q, int signo) {
  CHECK_INT_EQ(signo, q->signo);
  if (++q->got == q->want) return weft_return(int, q->got);
  return wait_one(q);
}

/* All instances are queued before the loop reads the signalfd once. */
static async(int) lost(struct sq *q, long ms) {
  (void)q;
  (void)ms;
  return weft_fail(int, -ETIMEDOUT);
}

static async(int) send_five(struct sq *q, long ms) {
  (void)ms;
  for (int i = 0; i < 5; i++) {
    /* sigqueue(3) with a siginfo whose every byte is set (glibc leaves padding, which valgrind reports). */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = q->signo;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = i;
    CHECK_SYS(syscall(SYS_rt_sigqueueinfo, getpid(), q->signo, &si));
  }
  return weft_bind(weft_sleep_ms(20000), lost, q); /* never wins, unless instances are lost */
}

static void queued(int want) {
  struct sq q = {.signo = SIGRTMIN + 1, .want = want};
  struct sigaction sa = {.sa_handler = count}, old;
  sigemptyset(&sa.sa_mask);
  CHECK_SYS(sigaction(q.signo, &sa, &old));
  handled = 0;
  int got = 0;
  CHECK_INT_EQ(weft_run(weft_pick(wait_one(&q), weft_bind(weft_sleep_ms(1), send_five, &q)), &got), 0);
  CHECK_INT_EQ(got, want);
  CHECK_INT_EQ(q.got, want);
  /* The rest were given back when nobody waited: the handler has run. */
  CHECK_INT_EQ(handled, 5 - want);
  CHECK_SYS(sigaction(q.signo, &old, NULL));
}

int main(void) {
  queued(5);
  queued(2);
  return 0;
}
