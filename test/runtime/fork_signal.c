/* fork_signal.c: a child forked while its parent's loop waits for a signal runs signal waits of its own, and the parent's wait still completes.
 * Proves: the child neither uses nor changes the parent's signalfd (its own weft_signal, the close of its own loop), for another signal and the same one. */
#include <signal.h>
#include <sys/wait.h>
#include <weft.h>

#include "check.h"
#include "support.h"

struct fs {
  int child_signo; /* what the child waits for */
  char child_said;
};

/* The child blocks child_signo and sends it to itself before its loop
 * waits: the signal is pending, and the child's own signalfd must see it. */
static int child_loop(int signo) {
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, signo);
  pthread_sigmask(SIG_BLOCK, &one, NULL);
  kill(getpid(), signo);
  int got = 0;
  int rc = weft_run(weft_timeout(weft_signal(signo), 20000), &got);
  return rc == 0 && got == signo ? 0 : -1;
}

static async(int) never_heard(struct fs *k, long slept) {
  (void)k;
  (void)slept;
  return weft_fail(int, -ETIMEDOUT);
}

static async(int) fork_child(struct fs *k, long slept) {
  (void)slept;
  int status[2];
  test_pipe(status);
  fflush(NULL);
  pid_t pid = fork();
  CHECK_SYS(pid);
  if (pid == 0) {
    /* The answer travels through a pipe (the exit status would carry
     * valgrind's verdict on the loop the child set aside). */
    char c = child_loop(k->child_signo) == 0 ? 'k' : 'f';
    if (write(status[1], &c, 1) != 1) _exit(2);
    _exit(0);
  }
  CHECK_SYS(close(status[1]));
  int st;
  CHECK_INT_EQ(waitpid(pid, &st, 0), pid);
  CHECK_INT_EQ(read(status[0], &k->child_said, 1), 1);
  CHECK_SYS(close(status[0]));
  /* The parent's own wait must still hear this. */
  CHECK_SYS(kill(getpid(), SIGUSR1));
  return weft_bind(weft_sleep_ms(20000), never_heard, k);
}

int main(void) {
  int signos[] = {SIGUSR2, SIGUSR1};
  for (size_t i = 0; i < sizeof signos / sizeof signos[0]; i++) {
    struct fs k = {.child_signo = signos[i]};
    int got = 0;
    CHECK_INT_EQ(weft_run(weft_pick(weft_signal(SIGUSR1), weft_bind(weft_sleep_ms(1), fork_child, &k)), &got), 0);
    CHECK_INT_EQ(got, SIGUSR1);
    CHECK_INT_EQ(k.child_said, 'k');
  }
  return 0;
}
