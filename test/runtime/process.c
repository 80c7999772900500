/* process.c: weft_process_spawn, weft_process_wait, weft_process_kill and weft_process_free with real programs.
 * Proves: echo through a stdout pipe, a 1 MiB cat round trip, exit codes, death by signal, ENOENT from the spawn, 100 children at once,
 * a child that closes stdout before it exits, a cancelled wait leaves the child waitable, the environment, and no zombie left behind;
 * ctest runs it twice: with pidfds (runtime.process), and with WEFT_PROCESS_POLL=1 (runtime.process_poll, the polling fallback). */
#include <signal.h>
#include <sys/wait.h>
#include <weft.h>

#include "check.h"
#include "support.h"

/* Reads fd to its end into a growing buffer. */
struct sink {
  int fd;
  char *buf;
  size_t len, cap;
};

static async(void) slurp(struct sink *s);

static async(void) slurped(struct sink *s, char *bytes) {
  size_t n = weft_str_len(bytes);
  if (n == 0) return weft_close(s->fd);
  if (s->len + n + 1 > s->cap) {
    s->cap = (s->len + n + 1) * 2;
    s->buf = realloc(s->buf, s->cap);
    CHECK_TRUE(s->buf != NULL);
  }
  memcpy(s->buf + s->len, bytes, n);
  s->len += n;
  s->buf[s->len] = '\0';
  return slurp(s);
}

static async(void) slurp(struct sink *s) {
  return weft_bind(weft_read(s->fd, 65536), slurped, s);
}

static weft_process_t *spawn(const char *file, char *const argv[], const weft_process_options_t *opts) {
  weft_process_t *p = NULL;
  CHECK_INT_EQ(weft_process_spawn(&p, file, argv, opts), 0);
  CHECK_TRUE(p != NULL);
  CHECK_INT_GT(weft_process_pid(p), 0);
  return p;
}

static int wait_status(weft_process_t *p) {
  int status = -1;
  CHECK_INT_EQ(weft_run(weft_process_wait(p), &status), 0);
  return status;
}

static async(int) wait_for(weft_process_t *p) {
  return weft_process_wait(p);
}

/* /bin/echo's output through a stdout pipe; it exits with 0. */
static void echo(void) {
  weft_process_options_t o = {.stdio = {WEFT_STDIO_NULL, WEFT_STDIO_PIPE, WEFT_STDIO_INHERIT}};
  weft_process_t *p = spawn("/bin/echo", (char *[]){"echo", "hello", "world", NULL}, &o);
  CHECK_INT_EQ(weft_process_stdin(p), -1);
  CHECK_INT_EQ(weft_process_stderr(p), -1);
  struct sink s = {.fd = weft_process_stdout(p)};
  CHECK_INT_GE(s.fd, 3);
  CHECK_TRUE(fcntl(s.fd, F_GETFD) & FD_CLOEXEC);
  int status = -1;
  CHECK_INT_EQ(weft_run(weft_then(slurp(&s), wait_for, p), &status), 0);
  CHECK_STR_EQ(s.buf, "hello world\n");
  CHECK_TRUE(WIFEXITED(status));
  CHECK_INT_EQ(WEXITSTATUS(status), 0);
  /* Reaped: a second wait gives the same status at once; kill says so. */
  CHECK_INT_EQ(wait_status(p), status);
  CHECK_INT_EQ(weft_process_kill(p, SIGTERM), -ESRCH);
  weft_process_free(p);
  free(s.buf);
}

/* 1 MiB through cat, written and read concurrently (more than both pipes
 * hold: neither side can finish first). */
#define ROUND_TRIP ((size_t)1 << 20)

struct trip {
  weft_process_t *p;
  char *out;
  struct sink back;
};

static async(void) close_stdin(struct trip *t) {
  return weft_close(weft_process_stdin(t->p));
}

static async(void) feed(struct trip *t) {
  return weft_then(weft_write(weft_process_stdin(t->p), t->out, ROUND_TRIP), close_stdin, t);
}

static void cat_round_trip(void) {
  struct trip t = {0};
  weft_process_options_t o = {.stdio = {WEFT_STDIO_PIPE, WEFT_STDIO_PIPE, WEFT_STDIO_INHERIT}};
  t.p = spawn("cat", (char *[]){"cat", NULL}, &o); /* found in PATH */
  t.out = malloc(ROUND_TRIP);
  CHECK_TRUE(t.out != NULL);
  for (size_t i = 0; i < ROUND_TRIP; i++) t.out[i] = (char)('a' + i % 26);
  t.back.fd = weft_process_stdout(t.p);
  CHECK_INT_EQ(weft_run(weft_join(feed(&t), slurp(&t.back)), NULL), 0);
  CHECK_UINT_EQ(t.back.len, ROUND_TRIP);
  CHECK_TRUE(memcmp(t.back.buf, t.out, ROUND_TRIP) == 0);
  int status = wait_status(t.p);
  CHECK_TRUE(WIFEXITED(status));
  CHECK_INT_EQ(WEXITSTATUS(status), 0);
  weft_process_free(t.p);
  free(t.out);
  free(t.back.buf);
}

static void exit_codes(void) {
  weft_process_t *p = spawn("/bin/sh", (char *[]){"sh", "-c", "exit 3", NULL}, NULL);
  int status = wait_status(p);
  CHECK_TRUE(WIFEXITED(status));
  CHECK_INT_EQ(WEXITSTATUS(status), 3);
  weft_process_free(p);
  p = spawn("/bin/sh", (char *[]){"sh", "-c", "exit 255", NULL}, NULL);
  CHECK_INT_EQ(WEXITSTATUS(wait_status(p)), 255);
  weft_process_free(p);
}

/* A child killed by a signal: cat waits on its stdin pipe until SIGTERM. */
static void killed(void) {
  weft_process_options_t o = {.stdio = {WEFT_STDIO_PIPE, WEFT_STDIO_NULL, WEFT_STDIO_INHERIT}};
  weft_process_t *p = spawn("cat", (char *[]){"cat", NULL}, &o);
  CHECK_INT_EQ(weft_process_kill(p, SIGTERM), 0);
  int status = wait_status(p);
  CHECK_TRUE(WIFSIGNALED(status));
  CHECK_INT_EQ(WTERMSIG(status), SIGTERM);
  CHECK_INT_EQ(weft_run(weft_close(weft_process_stdin(p)), NULL), 0);
  weft_process_free(p);
  /* SIGKILL and a signal the child blocks in its parent: the child's mask is empty. */
  sigset_t usr1, old;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, &old);
  p = spawn("cat", (char *[]){"cat", NULL}, &o);
  sigprocmask(SIG_SETMASK, &old, NULL);
  CHECK_INT_EQ(weft_process_kill(p, SIGUSR1), 0);
  status = wait_status(p);
  CHECK_TRUE(WIFSIGNALED(status));
  CHECK_INT_EQ(WTERMSIG(status), SIGUSR1);
  CHECK_INT_EQ(weft_run(weft_close(weft_process_stdin(p)), NULL), 0);
  weft_process_free(p);
}

/* A program that cannot be run fails the spawn itself, leaves no child
 * and no fd behind. */
static void not_found(void) {
  weft_process_t *p = (weft_process_t *)1;
  weft_process_options_t o = {.stdio = {WEFT_STDIO_PIPE, WEFT_STDIO_PIPE, WEFT_STDIO_PIPE}};
  CHECK_INT_EQ(weft_process_spawn(&p, "/nonexistent/weft-test-program", (char *[]){"x", NULL}, &o), -ENOENT);
  CHECK_TRUE(p == NULL);
  CHECK_INT_EQ(weft_process_spawn(&p, "weft-test-no-such-program", (char *[]){"x", NULL}, NULL), -ENOENT);
  char plain[] = "/tmp/weft-process-test-XXXXXX"; /* a file without execute permission */
  int fd = mkstemp(plain);
  CHECK_INT_GE(fd, 0);
  close(fd);
  CHECK_INT_EQ(weft_process_spawn(&p, plain, (char *[]){"x", NULL}, NULL), -EACCES);
  unlink(plain);
  CHECK_INT_EQ(weft_process_spawn(&p, NULL, (char *[]){"x", NULL}, NULL), -EINVAL);
  CHECK_INT_EQ(weft_process_spawn(&p, "true", NULL, NULL), -EINVAL);
  weft_process_options_t bad = {.stdio = {7, 0, 0}};
  CHECK_INT_EQ(weft_process_spawn(&p, "true", (char *[]){"true", NULL}, &bad), -EINVAL);
  weft_process_options_t badfd = {.stdio = {WEFT_STDIO_FD, 0, 0}, .stdio_fd = {-1, 0, 0}};
  CHECK_INT_EQ(weft_process_spawn(&p, "true", (char *[]){"true", NULL}, &badfd), -EBADF);
}

/* 100 children at once, each exiting with its own code. */
#define CHILDREN 100

struct many {
  weft_process_t *p[CHILDREN];
  int status[CHILDREN];
};

static async(int) wait_one(struct many *m, size_t i) {
  return weft_process_wait(m->p[i]);
}

static void hundred(void) {
  struct many m;
  for (int i = 0; i < CHILDREN; i++) {
    char code[32];
    snprintf(code, sizeof code, "exit %d", i);
    m.p[i] = spawn("/bin/sh", (char *[]){"sh", "-c", code, NULL}, NULL);
  }
  CHECK_INT_EQ(weft_run(weft_all(CHILDREN, wait_one, &m, m.status), NULL), 0);
  for (int i = 0; i < CHILDREN; i++) {
    CHECK_TRUE(WIFEXITED(m.status[i]));
    CHECK_INT_EQ(WEXITSTATUS(m.status[i]), i);
    weft_process_free(m.p[i]);
  }
}

/* A child that closes its stdout, then lives on until its stdin ends: the
 * reader sees the end of the output while the child still runs. */
struct early {
  weft_process_t *p;
  struct sink out;
  int status;
};

static async(void) got_status(struct early *e, int status) {
  e->status = status;
  return weft_return(void);
}

static async(void) wait_after_close(struct early *e) {
  return weft_bind(weft_process_wait(e->p), got_status, e);
}

static async(void) after_eof(struct early *e) {
  /* The child is still there: it waits for its stdin to end. */
  int status;
  CHECK_INT_EQ(waitpid(weft_process_pid(e->p), &status, WNOHANG), 0);
  return weft_then(weft_close(weft_process_stdin(e->p)), wait_after_close, e);
}


static void closes_stdout_early(void) {
  struct early e = {0};
  weft_process_options_t o = {.stdio = {WEFT_STDIO_PIPE, WEFT_STDIO_PIPE, WEFT_STDIO_INHERIT}};
  e.p = spawn("/bin/sh", (char *[]){"sh", "-c", "echo bye; exec >&-; cat >/dev/null; exit 4", NULL}, &o);
  e.out.fd = weft_process_stdout(e.p);
  CHECK_INT_EQ(weft_run(weft_then(slurp(&e.out), after_eof, &e), NULL), 0);
  CHECK_STR_EQ(e.out.buf, "bye\n");
  CHECK_TRUE(WIFEXITED(e.status));
  CHECK_INT_EQ(WEXITSTATUS(e.status), 4);
  weft_process_free(e.p);
  free(e.out.buf);
}

/* A wait cancelled by weft_timeout reaps nothing: the child is waited for
 * afterwards.  The environment given is the child's. */
static void cancelled_wait(void) {
  weft_process_options_t o = {.stdio = {WEFT_STDIO_PIPE, WEFT_STDIO_PIPE, WEFT_STDIO_INHERIT},
                              .envp = (char *[]){"WEFT_TEST_VAR=from-envp", NULL}};
  weft_process_t *p = spawn("/bin/sh", (char *[]){"sh", "-c", "cat; echo $WEFT_TEST_VAR; exit 6", NULL}, &o);
  CHECK_INT_EQ(weft_run(weft_timeout(weft_process_wait(p), 20), NULL), -ETIMEDOUT);
  siginfo_t si = {0};
  CHECK_INT_EQ(waitid(P_PID, (id_t)weft_process_pid(p), &si, WEXITED | WNOHANG | WNOWAIT), 0);
  CHECK_INT_EQ(si.si_pid, 0); /* unreaped, and still running */
  struct sink s = {.fd = weft_process_stdout(p)};
  CHECK_INT_EQ(weft_run(weft_then(weft_close(weft_process_stdin(p)), slurp, &s), NULL), 0);
  CHECK_STR_EQ(s.buf, "from-envp\n");
  CHECK_INT_EQ(WEXITSTATUS(wait_status(p)), 6);
  weft_process_free(p);
  free(s.buf);
}

/* A process freed while its child runs: the child is reaped later, by a
 * spawn or free that finds it gone. */
static void freed_running(void) {
  weft_process_options_t o = {.stdio = {WEFT_STDIO_PIPE, WEFT_STDIO_PIPE, WEFT_STDIO_INHERIT}};
  weft_process_t *p = spawn("cat", (char *[]){"cat", NULL}, &o);
  int in = weft_process_stdin(p);
  struct sink s = {.fd = weft_process_stdout(p)};
  weft_process_free(p);
  /* Its end of output says it is exiting. */
  CHECK_INT_EQ(weft_run(weft_then(weft_close(in), slurp, &s), NULL), 0);
  for (int tries = 0; tries < 10000; tries++) {
    weft_process_t *q = spawn("true", (char *[]){"true", NULL}, NULL);
    wait_status(q);
    weft_process_free(q);
    siginfo_t si;
    if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD) return;
    usleep(1000);
  }
  CHECK_FAILED_("the freed child was never reaped");
}

int main(void) {
  echo();
  cat_round_trip();
  exit_codes();
  killed();
  not_found();
  hundred();
  closes_stdout_early();
  cancelled_wait();
  freed_running();
  /* No zombie and no child left. */
  siginfo_t si;
  CHECK_INT_EQ(waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT), -1);
  CHECK_INT_EQ(errno, ECHILD);
  printf("process: all passed, %s\n", getenv("WEFT_PROCESS_POLL") ? "polling (WEFT_PROCESS_POLL=1)" : "with pidfds");
  return 0;
}
