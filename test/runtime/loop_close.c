/* loop_close.c: every weft_run gives back what its loop opened, whatever happened inside it.
 * Proves: the number of open fds is the same before and after 60 runs that read, wait, time out, fail and cancel. */
#include <dirent.h>
#include <weft.h>

#include "check.h"
#include "support.h"

static int open_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  int n = 0;
  CHECK_TRUE(d != NULL);
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

struct lc {
  int fds[2];
  int idle[2];
};

static async(str) read_it(struct lc *x, long slept) {
  (void)slept;
  return weft_read(x->fds[0], 16);
}

static async(str) timer_str(struct lc *x, long slept) {
  (void)x;
  (void)slept;
  return weft_return(str, "timer");
}

static async(void) ignore_str(struct lc *x, char *s) {
  (void)x;
  (void)s;
  return weft_return(void);
}

static async(long) nap(struct lc *x) {
  (void)x;
  return weft_sleep_ms(1);
}

static async(void) spawn_reader(struct lc *x) {
  /* Left waiting on the idle pipe when the main action ends. */
  weft_spawn(weft_bind(weft_read(x->idle[0], 1), ignore_str, x));
  return weft_return(void);
}

int main(void) {
  struct lc x;
  long l = 0;
  char *s = NULL;
  test_pipe(x.fds);
  test_pipe(x.idle);
  int before = open_fds();
  for (int k = 0; k < 10; k++) {
    CHECK_INT_EQ(write(x.fds[1], "ok", 2), 2);
    CHECK_INT_EQ(weft_run(weft_bind(weft_sleep_ms(1), read_it, &x), &s), 0);
    CHECK_INT_EQ(weft_run(weft_timeout(weft_read(x.fds[0], 1), 1), &s), -ETIMEDOUT);
    CHECK_INT_EQ(weft_run(weft_pick(weft_read(x.idle[0], 1), weft_bind(weft_sleep_ms(1), timer_str, &x)), &s), 0);
    CHECK_INT_EQ(weft_run(weft_then(weft_then(weft_return(void), spawn_reader, &x), nap, &x), &l), 0);
    CHECK_INT_EQ(weft_run(weft_fail(long, -EIO), &l), -EIO);
    CHECK_INT_EQ(weft_run(weft_sleep_ms(0), &l), 0);
  }
  CHECK_INT_EQ(open_fds(), before);
  CHECK_SYS(close(x.fds[0]));
  CHECK_SYS(close(x.fds[1]));
  CHECK_SYS(close(x.idle[0]));
  CHECK_SYS(close(x.idle[1]));
  return 0;
}
