/* pool_fork.c: the worker pool across fork(): the child's pool starts empty and works; the parent's jobs never run in it.
 * Proves: a child forked while the parent has one job running and one queued runs a detach of its own in a loop of its
 * own (on a thread of its own), the parent's queued job runs once, in the parent, and the parent's pool goes on. */
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <weft.h>

#include "check.h"
#include "support.h"

static sem_t gate;
static int record[2]; /* each recording job writes "<name> <pid>\n" here */
static atomic_int gated_started;

static void *gated(void *arg) {
  atomic_store(&gated_started, 1);
  sem_wait(&gate);
  return arg;
}

static void *recorder(void *arg) {
  char line[64];
  int n = snprintf(line, sizeof line, "%s %d\n", (const char *)arg, (int)getpid());
  CHECK_INT_EQ(write(record[1], line, (size_t)n), n);
  return arg;
}

static async(void) ignore(void *env, void *v) {
  (void)env;
  (void)v;
  return weft_return(void);
}

static int child_loop(void) {
  void *r = NULL;
  int rc = weft_run(weft_detach(recorder, "child-job"), &r);
  return rc == 0 && r != NULL && strcmp(r, "child-job") == 0 ? 0 : 1;
}

struct parent {
  char child_said;
};

static async(void) fork_now(struct parent *p, long slept) {
  (void)slept;
  int status[2];
  test_pipe(status);
  fflush(NULL);
  pid_t pid = fork();
  CHECK_SYS(pid);
  if (pid == 0) {
    char c = child_loop() == 0 ? 'k' : 'f';
    if (write(status[1], &c, 1) != 1) _exit(2);
    _exit(0);
  }
  CHECK_SYS(close(status[1]));
  int st;
  CHECK_INT_EQ(waitpid(pid, &st, 0), pid);
  CHECK_INT_EQ(read(status[0], &p->child_said, 1), 1);
  CHECK_SYS(close(status[0]));
  sem_post(&gate); /* the parent's jobs go on */
  return weft_return(void);
}

/* Waits (without blocking the loop) until the gated job runs. */
static async(void) when_started(struct parent *p, long slept);
static async(void) poll_started(struct parent *p) {
  if (atomic_load(&gated_started)) return weft_bind(weft_sleep_ms(1), fork_now, p);
  return weft_bind(weft_sleep_ms(1), when_started, p);
}
static async(void) when_started(struct parent *p, long slept) {
  (void)slept;
  return poll_started(p);
}

int main(void) {
  sem_init(&gate, 0, 0);
  test_pipe(record);
  CHECK_INT_EQ(weft_pool_set_size(1), 0);
  struct parent p = {0};
  /* One job running (gated) and one queued behind it when the fork comes. */
  async(void) running = weft_bind(weft_detach(gated, "gated"), ignore, NULL);
  async(void) queued = weft_bind(weft_detach(recorder, "parent-job"), ignore, NULL);
  async(void) forker = weft_then(weft_return(void), poll_started, &p);
  CHECK_INT_EQ(weft_run(weft_join(weft_join(running, queued), forker), NULL), 0);
  CHECK_INT_EQ(p.child_said, 'k');

  close(record[1]);
  char text[256];
  ssize_t n = read(record[0], text, sizeof text - 1);
  CHECK_INT_GT(n, 0);
  text[n] = '\0';
  close(record[0]);
  printf("pool_fork: the jobs ran as\n%s", text);
  char want[64];
  snprintf(want, sizeof want, "parent-job %d\n", (int)getpid());
  CHECK_TRUE(strstr(text, want) != NULL);          /* the queued job ran in the parent */
  CHECK_TRUE(strstr(text, "child-job ") != NULL);  /* the child's own job ran in the child */
  CHECK_TRUE(strstr(strstr(text, "parent-job") + 1, "parent-job") == NULL); /* once */
  const char *c = strstr(text, "child-job ");
  CHECK_INT_NE(atoi(c + strlen("child-job ")), (int)getpid());
  sem_destroy(&gate);
  puts("pool_fork: ok");
  return 0;
}
