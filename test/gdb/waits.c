/* waits.c: a weft program whose fibers wait on everything at once (timers, fd queues, a FIFO, a signal, joins, a timeout, a paused accept), stopped by GDB.
 * Driven by test/gdb/waits.py: weft fibers, weft loop and the printers must show each wait and each field. */
/* weft_return's immediates (what NDEBUG builds use), so that the printers show one. */
#define WEFT_IMMEDIATE_RETURN 1
#include <weft.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int pipe_fds[2]; /* two readers queue on its read end; nothing is ever written */
static int out_fds[2];  /* two writers queue on its write end (a reused number); nothing is ever read */
static int fifo_fd;     /* a named FIFO: weft reads it through a private description */
static int listen_fd;   /* a connection waits in its backlog when the descriptors run out */
static char big[1 << 20]; /* more than a pipe holds: the first writer waits with part of it written */

/* GDB stops here: every other fiber is waiting by then. */
__attribute__((noinline)) void waits_stop_here(void) { __asm__ volatile(""); }

static async(void) slept(void *env, long ms) {
  (void)env;
  (void)ms;
  return weft_return(void);
}

static async(void) nap(long ms) { return weft_bind(weft_sleep_ms(ms), slept, NULL); }

static async(void) got_line(void *env, char *s) {
  (void)env;
  (void)s;
  return weft_return(void);
}

static async(void) got_int(void *env, int v) {
  (void)env;
  (void)v;
  return weft_return(void);
}

static async(long) same_long(void *env, long v) {
  (void)env;
  return weft_return(long, v);
}

static long halve(void *env, long ms) {
  (void)env;
  return ms / 2;
}

/* The writes' pipe gets a write end whose number weft has seen closed once
 * (weft_close of an earlier pipe's write end), so weft knows it at its
 * second generation. */
static int old_fds[2], new_fds[2];

static async(void) closed_old(void *env) {
  (void)env;
  if (dup2(new_fds[1], old_fds[1]) < 0) abort();
  close(new_fds[1]);
  close(old_fds[0]);
  out_fds[0] = new_fds[0];
  out_fds[1] = old_fds[1];
  return weft_join(weft_write(out_fds[1], big, sizeof big), weft_write(out_fds[1], "second", 6));
}

static async(void) wrote_old(void *env) {
  (void)env;
  return weft_then(weft_close(old_fds[1]), closed_old, NULL);
}

/* The probe: it runs once the others wait, builds two actions for the
 * printers to show, and stops. */
static async(void) probe(void *env, long ms);

/* Runs once the other fibers wait: no descriptor is free from now on, so
 * the accept spawned here meets EMFILE with a connection waiting and pauses
 * (in this turn: the probe's timer starts after it). */
static async(void) exhaust(void *env, long ms) {
  (void)env;
  (void)ms;
  int lowest_free = dup(listen_fd);
  if (lowest_free < 0) abort();
  close(lowest_free);
  struct rlimit lim;
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) abort();
  lim.rlim_cur = (rlim_t)lowest_free;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) abort();
  weft_spawn(weft_bind(weft_accept(listen_fd), got_int, NULL));
  return weft_bind(weft_sleep_ms(1), probe, NULL);
}

static async(void) probe(void *env, long ms) {
  (void)env;
  (void)ms;
  async(long) pending = weft_map(weft_sleep_ms(1), halve, NULL);
  async(str) line = weft_read(pipe_fds[0], 16);
  async(long) resolved = weft_bind(weft_return(long, -5), same_long, NULL);
  waits_stop_here();
  return weft_join(weft_join(weft_bind(line, got_line, NULL), weft_bind(pending, slept, NULL)),
                   weft_bind(resolved, slept, NULL));
}

static int listen_with_a_client(void) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s < 0 || bind(s, (struct sockaddr *)&a, len) != 0 || listen(s, 4) != 0 ||
      getsockname(s, (struct sockaddr *)&a, &len) != 0)
    return -1;
  int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); /* stays open: it is the connection waiting */
  if (c < 0 || connect(c, (struct sockaddr *)&a, len) != 0) return -1;
  return s;
}

int main(void) {
  char fifo_path[] = "/tmp/weft-gdb-waits-XXXXXX";
  if (pipe(pipe_fds) != 0 || pipe(old_fds) != 0 || pipe(new_fds) != 0 || mkdtemp(fifo_path) == NULL) return 1;
  char fifo_name[64];
  snprintf(fifo_name, sizeof fifo_name, "%s/fifo", fifo_path);
  /* O_RDWR: the open does not wait for a writer.  The FIFO is unlinked at
   * once; weft reopens it through /proc/self/fd, which needs no name. */
  if (mkfifo(fifo_name, 0600) != 0 || (fifo_fd = open(fifo_name, O_RDWR)) < 0) return 1;
  unlink(fifo_name);
  rmdir(fifo_path);
  if ((listen_fd = listen_with_a_client()) < 0) return 1;

  /* Three timers (due in 30 s, 10 s, 20 s), a read on the pipe under a 40 s
   * timeout and a second read queued behind it, two writes queued on the
   * other pipe (once its number's first file is closed), a read of the
   * FIFO, a wait for SIGUSR1; after 1 ms an accept that runs out of
   * descriptors, and 1 ms later the probe. */
  async(void) timers = weft_join(nap(30000), weft_join(nap(10000), nap(20000)));
  async(void) reader = weft_timeout(weft_bind(weft_read(pipe_fds[0], 64), got_line, NULL), 40000);
  weft_spawn(weft_join(timers, reader));
  weft_spawn(weft_bind(weft_read(pipe_fds[0], 32), got_line, NULL));
  weft_spawn(weft_then(weft_write(old_fds[1], "x", 1), wrote_old, NULL));
  weft_spawn(weft_bind(weft_read(fifo_fd, 8), got_line, NULL));
  weft_spawn(weft_bind(weft_signal(SIGUSR1), got_int, NULL));
  int rc = weft_run(weft_bind(weft_sleep_ms(1), exhaust, NULL), NULL);
  printf("waits: %d\n", rc);
  return 0;
}
