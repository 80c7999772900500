/* sigpipe_threads.c: SIGPIPE stays the program's in every thread and every child while loops run in several threads.
 * Proves: two threads' loops both get -EPIPE, one loop ending does not expose the other, and an exec'd child inherits SIG_DFL. */
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { ROUNDS = 200 };

static const char *self_path;

/* The child's half: exit 0 if SIGPIPE has its default disposition and is
 * not blocked, as this program left it. */
static int report_sigpipe(void) {
  struct sigaction sa;
  sigset_t mask;
  if (sigaction(SIGPIPE, NULL, &sa) < 0 || sa.sa_handler != SIG_DFL) return 3;
  if (pthread_sigmask(SIG_BLOCK, NULL, &mask) != 0 || sigismember(&mask, SIGPIPE)) return 4;
  return 0;
}

struct worker {
  int gate[2];      /* the second loop writes only once the first has ended */
  bool gated;
  int pipe_w, sock; /* this round's write ends, whose readers are gone */
  int rounds;
  int epipes;
  int child_status;
  int rc;
  pthread_barrier_t *forked; /* running beside another worker: no write round before both children have exec'd */
};

static async(void) write_round(struct worker *w);

static async(void) count_epipe(struct worker *w, int err) {
  CHECK_INT_EQ(err, -EPIPE);
  w->epipes++;
  return weft_return(void);
}

static async(void) close_sock(struct worker *w) { return weft_close(w->sock); }

static async(void) next_round(struct worker *w) {
  if (++w->rounds == ROUNDS) return weft_return(void);
  return write_round(w);
}

static async(void) close_round(struct worker *w) {
  return weft_then(weft_then(weft_close(w->pipe_w), close_sock, w), next_round, w);
}

/* One round: a write into a pipe and one into a socket whose readers are gone. */
static async(void) write_round(struct worker *w) {
  int p[2], sv[2];
  test_pipe(p);
  CHECK_SYS(close(p[0]));
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  CHECK_SYS(close(sv[1]));
  w->pipe_w = p[1];
  w->sock = sv[0];
  return weft_then(weft_join(weft_catch(weft_write(p[1], "x", 1), count_epipe, w),
                             weft_catch(weft_write(sv[0], "x", 1), count_epipe, w)),
                   close_round, w);
}

/* A child started with fork+exec from inside the loop reports its SIGPIPE. */
static async(void) exec_child(struct worker *w) {
  fflush(NULL);
  pid_t pid = fork();
  CHECK_SYS(pid);
  if (pid == 0) {
    execl(self_path, self_path, "--report-sigpipe", (char *)NULL);
    _exit(127);
  }
  CHECK_INT_EQ(waitpid(pid, &w->child_status, 0), pid);
  /* Until it execs, a child holds a copy of every fd of the process, the
   * other thread's pipe read ends included, and a write into such a pipe
   * succeeds instead of failing with EPIPE: the threads write only once
   * neither forks any more. */
  if (w->forked != NULL) pthread_barrier_wait(w->forked);
  return write_round(w);
}

static async(void) gate_open(struct worker *w, char *s) {
  CHECK_STR_EQ(s, "g");
  return exec_child(w);
}

static void *work(void *arg) {
  struct worker *w = arg;
  if (w->gated) w->rc = weft_run(weft_bind(weft_read(w->gate[0], 1), gate_open, w), NULL);
  else w->rc = weft_run(weft_then(weft_return(void), exec_child, w), NULL);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--report-sigpipe") == 0) return report_sigpipe();
  self_path = argv[0]; /* not /proc/self/exe, which is valgrind itself under valgrind */
  struct sigaction sa;
  CHECK_SYS(sigaction(SIGPIPE, NULL, &sa));
  CHECK_TRUE(sa.sa_handler == SIG_DFL);

  /* The second loop starts first and waits; the first runs to its end, and
   * only then does the second write into closed pipes and sockets. */
  struct worker w[2] = {{.rc = 1}, {.rc = 1, .gated = true}};
  test_pipe(w[1].gate);
  pthread_t th[2];
  CHECK_INT_EQ(pthread_create(&th[1], NULL, work, &w[1]), 0);
  CHECK_INT_EQ(pthread_create(&th[0], NULL, work, &w[0]), 0);
  CHECK_INT_EQ(pthread_join(th[0], NULL), 0);
  CHECK_INT_EQ(write(w[1].gate[1], "g", 1), 1);
  CHECK_INT_EQ(pthread_join(th[1], NULL), 0);

  for (int k = 0; k < 2; k++) {
    CHECK_INT_EQ(w[k].rc, 0);
    CHECK_INT_EQ(w[k].epipes, 2 * ROUNDS);
    CHECK_TRUE(WIFEXITED(w[k].child_status));
    CHECK_INT_EQ(WEXITSTATUS(w[k].child_status), 0);
  }

  /* Both loops at once, to the end. */
  pthread_barrier_t forked;
  CHECK_INT_EQ(pthread_barrier_init(&forked, NULL, 2), 0);
  struct worker v[2] = {{.rc = 1, .forked = &forked}, {.rc = 1, .forked = &forked}};
  for (int k = 0; k < 2; k++) CHECK_INT_EQ(pthread_create(&th[k], NULL, work, &v[k]), 0);
  for (int k = 0; k < 2; k++) CHECK_INT_EQ(pthread_join(th[k], NULL), 0);
  CHECK_INT_EQ(pthread_barrier_destroy(&forked), 0);
  for (int k = 0; k < 2; k++) {
    CHECK_INT_EQ(v[k].rc, 0);
    CHECK_INT_EQ(v[k].epipes, 2 * ROUNDS);
  }

  CHECK_SYS(sigaction(SIGPIPE, NULL, &sa));
  CHECK_TRUE(sa.sa_handler == SIG_DFL);
  CHECK_INT_EQ(report_sigpipe(), 0);
  CHECK_SYS(close(w[1].gate[0]));
  CHECK_SYS(close(w[1].gate[1]));
  return 0;
}
