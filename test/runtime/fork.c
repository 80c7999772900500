/* fork.c: a child forked from inside a running loop may run a loop of its own, without touching its parent's epoll set.
 * Proves: the child's weft_run works while the parent's watch and fiber go on; a child that returns into the parent's loop is stopped with a misuse report. */
#include <signal.h>
#include <sys/wait.h>
#include <weft.h>

#include "check.h"
#include "support.h"

struct fk {
  int watched[2]; /* the parent's fiber waits to read this all along */
  int idle[2];    /* nobody writes here */
  bool watched_after;
  char child_said;
  char got[8];
  char err_text[4096];
  int status;
};

/* ---- the child's own loop: a write, a read and a timer ------------------- */

static async(void) child_slept(void *env, long ms) {
  (void)env;
  (void)ms;
  return weft_return(void);
}

static async(void) child_read(int *p, char *s) {
  (void)p;
  CHECK_STR_EQ(s, "own");
  return weft_bind(weft_sleep_ms(1), child_slept, NULL);
}

static async(void) child_then_read(int *p) { return weft_bind(weft_read(p[0], 8), child_read, p); }

static int child_loop(void) {
  int p[2];
  test_pipe(p);
  int rc = weft_run(weft_then(weft_write(p[1], "own", 3), child_then_read, p), NULL);
  close(p[0]);
  close(p[1]);
  return rc;
}

/* ---- the parent ----------------------------------------------------------- */

static async(void) got_watched(struct fk *k, char *s) {
  snprintf(k->got, sizeof k->got, "%s", s);
  return weft_return(void);
}

static async(void) waiter(struct fk *k) { return weft_bind(weft_read(k->watched[0], 8), got_watched, k); }

static async(void) fork_own_loop(struct fk *k, long slept) {
  (void)slept;
  int status[2];
  test_pipe(status);
  fflush(NULL);
  pid_t pid = fork();
  CHECK_SYS(pid);
  if (pid == 0) {
    /* The exit status would carry valgrind's verdict on the inherited
     * loop's memory, so the child's answer travels through a pipe. */
    char c = child_loop() == 0 ? 'k' : 'f';
    if (write(status[1], &c, 1) != 1) _exit(2);
    _exit(0);
  }
  CHECK_SYS(close(status[1])); /* a child that died says nothing: EOF, not a hang */
  CHECK_INT_EQ(waitpid(pid, &k->status, 0), pid);
  CHECK_INT_EQ(read(status[0], &k->child_said, 1), 1);
  CHECK_SYS(close(status[0]));
  /* The parent's registration is still in its epoll set, and still works. */
  k->watched_after = test_epoll_watches(k->watched[0]);
  CHECK_INT_EQ(write(k->watched[1], "end", 3), 3);
  return weft_return(void);
}

static async(void) never(struct fk *k, char *s) {
  (void)k;
  (void)s;
  _exit(5); /* the child must not get here */
}

/* This child does not exec, exit or run a loop of its own: it goes on with
 * the loop it inherited, which is refused at its first contact with epoll. */
static async(void) fork_and_return(struct fk *k, long slept) {
  (void)slept;
  int err[2];
  test_pipe(err);
  fflush(NULL);
  pid_t pid = fork();
  CHECK_SYS(pid);
  if (pid == 0) {
    dup2(err[1], 2);
    return weft_bind(weft_read(k->idle[0], 1), never, k);
  }
  CHECK_SYS(close(err[1]));
  size_t len = 0;
  ssize_t n;
  while ((n = read(err[0], k->err_text + len, sizeof k->err_text - 1 - len)) > 0) len += (size_t)n;
  k->err_text[len] = '\0';
  CHECK_SYS(close(err[0]));
  CHECK_INT_EQ(waitpid(pid, &k->status, 0), pid);
  k->watched_after = test_epoll_watches(k->watched[0]);
  CHECK_INT_EQ(write(k->watched[1], "end", 3), 3);
  return weft_return(void);
}

int main(void) {
  struct fk k = {0};
  test_pipe(k.watched);
  test_pipe(k.idle);

  CHECK_INT_EQ(weft_run(weft_join(weft_then(weft_return(void), waiter, &k), weft_bind(weft_sleep_ms(5), fork_own_loop, &k)),
                        NULL),
               0);
  CHECK_INT_EQ(k.child_said, 'k');
  CHECK_TRUE(k.watched_after);
  CHECK_STR_EQ(k.got, "end");

  memset(k.got, 0, sizeof k.got);
  k.watched_after = false;
  CHECK_INT_EQ(weft_run(weft_join(weft_then(weft_return(void), waiter, &k), weft_bind(weft_sleep_ms(5), fork_and_return, &k)),
                        NULL),
               0);
  fprintf(stderr, "--- the child's stderr ---\n%s--- end ---\n", k.err_text);
  CHECK_TRUE(WIFSIGNALED(k.status) && WTERMSIG(k.status) == SIGABRT);
  CHECK_TRUE(strstr(k.err_text, "weft: misuse: a child of fork()") != NULL);
  CHECK_TRUE(k.watched_after);
  CHECK_STR_EQ(k.got, "end");

  for (int i = 0; i < 2; i++) {
    CHECK_SYS(close(k.watched[i]));
    CHECK_SYS(close(k.idle[i]));
  }
  return 0;
}
