/* io_eintr.c: a 1 ms SIGALRM timer without SA_RESTART interrupts a 64 MiB transfer and a series of sleeps.
 * Proves: EINTR never reaches the program: exact transfer, no short sleep, and hundreds of signals did arrive. */
#include <signal.h>
#include <sys/time.h>
#include <weft.h>

#include "check.h"
#include "support.h"

#define TOTAL (64L << 20)

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}

struct tx {
  int fds[2];
  char *data;
  long received;
  int sleeps_left;
  long long sleep_started_us;
  long sleep_ms;
};

static async(void) drain_step(struct tx *t, char *d);

static async(void) drain(struct tx *t) { return weft_bind(weft_read(t->fds[0], 65536), drain_step, t); }

static async(void) drain_after_pause(struct tx *t, long slept) {
  (void)slept;
  return drain(t);
}

static async(void) drain_step(struct tx *t, char *d) {
  size_t n = weft_str_len(d);
  if (n == 0) return weft_return(void);
  CHECK_INT_LE(t->received + (long)n, TOTAL);
  CHECK_MEM_EQ(d, t->data + t->received, n);
  long before = t->received;
  t->received += (long)n;
  /* A pause after every MiB: the writer then waits for room, and the loop
   * waits in epoll_wait, where the alarms interrupt it. */
  if (before >> 20 != t->received >> 20) return weft_bind(weft_sleep_ms(2), drain_after_pause, t);
  return drain(t);
}

static async(void) close_writer(struct tx *t) { return weft_close(t->fds[1]); }

static async(void) sleeps(struct tx *t);

static async(void) slept(struct tx *t, long reported) {
  long long elapsed_us = test_now_us() - t->sleep_started_us;
  CHECK_INT_GE(elapsed_us, t->sleep_ms * 1000);
  CHECK_INT_GE(reported, t->sleep_ms);
  return sleeps(t);
}

/* Sleeps of 1, 3, 5 ... ms, one after another, each measured. */
static async(void) sleeps(struct tx *t) {
  if (t->sleeps_left-- == 0) return weft_return(void);
  t->sleep_ms = 2 * (20 - t->sleeps_left) - 1;
  t->sleep_started_us = test_now_us();
  return weft_bind(weft_sleep_ms(t->sleep_ms), slept, t);
}

int main(void) {
  struct tx t = {.sleeps_left = 20};
  test_pipe(t.fds);
  t.data = malloc(TOTAL);
  CHECK_TRUE(t.data != NULL);
  for (long k = 0; k < TOTAL; k++) t.data[k] = (char)(k ^ (k >> 9));

  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sa.sa_flags = 0; /* no SA_RESTART: every blocking call may fail with EINTR */
  sigemptyset(&sa.sa_mask);
  CHECK_SYS(sigaction(SIGALRM, &sa, NULL));
  struct itimerval every_ms = {{0, 1000}, {0, 1000}};
  CHECK_SYS(setitimer(ITIMER_REAL, &every_ms, NULL));

  /* The sleeps run beside the transfer, then on their own: both a busy and
   * an idle loop are interrupted. */
  async(void) transfer = weft_join(weft_then(weft_write(t.fds[1], t.data, TOTAL), close_writer, &t),
                                   weft_then(weft_return(void), drain, &t));
  int rc = weft_run(weft_join(transfer, weft_then(weft_return(void), sleeps, &t)), NULL);
  CHECK_INT_EQ(rc, 0);
  t.sleeps_left = 20;
  rc = weft_run(weft_then(weft_return(void), sleeps, &t), NULL);

  struct itimerval off = {{0, 0}, {0, 0}};
  CHECK_SYS(setitimer(ITIMER_REAL, &off, NULL));
  sa.sa_handler = SIG_DFL;
  CHECK_SYS(sigaction(SIGALRM, &sa, NULL));

  CHECK_INT_EQ(rc, 0);
  CHECK_INT_EQ(t.received, TOTAL);
  CHECK_INT_EQ(t.sleeps_left, -1);
  /* The second series of sleeps alone takes 400 ms: hundreds of alarms must
   * have fired, most of them inside epoll_wait. */
  CHECK_INT_GT(alarms, 100);

  CHECK_SYS(close(t.fds[0]));
  free(t.data);
  return 0;
}
