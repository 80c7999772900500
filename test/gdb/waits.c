/* waits.c: a weft program whose fibers wait on everything at once (timers, a pipe, a join, a timeout), stopped by GDB.
 * Driven by test/gdb/waits.py: weft fibers, weft loop and the printers must show each wait and each field. */
#include <weft.h>

#include <stdio.h>
#include <unistd.h>

static int pipe_fds[2];

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

static long halve(void *env, long ms) {
  (void)env;
  return ms / 2;
}

/* The probe: it runs once the others wait, builds two actions for the
 * printers to show, and stops. */
static async(void) probe(void *env, long ms) {
  (void)env;
  (void)ms;
  async(long) pending = weft_map(weft_sleep_ms(1), halve, NULL);
  async(str) line = weft_read(pipe_fds[0], 16);
  waits_stop_here();
  return weft_join(weft_bind(line, got_line, NULL), weft_bind(pending, slept, NULL));
}

int main(void) {
  if (pipe(pipe_fds) != 0) return 1;
  /* Three timers (due in 30 s, 10 s, 20 s), a read on the pipe under a 40 s
   * timeout, and the probe, which runs after 1 ms. */
  async(void) timers = weft_join(nap(30000), weft_join(nap(10000), nap(20000)));
  async(void) reader = weft_timeout(weft_bind(weft_read(pipe_fds[0], 64), got_line, NULL), 40000);
  weft_spawn(weft_join(timers, reader));
  int rc = weft_run(weft_bind(weft_sleep_ms(1), probe, NULL), NULL);
  printf("waits: %d\n", rc);
  return 0;
}
