/* cancel_unstarted.c: a spawned fiber cancelled before it first ran still runs the finalisers of its action.
 * Proves: weft_finally guards what was acquired before the action (an accepted fd): when weft_run returns first,
 * the queued fiber's finaliser runs exactly once (and a catch around it is skipped), so the fd is closed. */
#include <fcntl.h>
#include <unistd.h>
#include <weft.h>

#include "check.h"

struct guard {
  int fd;
  int finals;
  int caught;
};

static async(void) close_it(struct guard *g) {
  g->finals++;
  return weft_close(g->fd);
}

static async(void) never(struct guard *g, long slept) {
  (void)g;
  (void)slept;
  CHECK_FAILED_("the spawned action ran although weft_run had returned");
}

static async(void) caught(struct guard *g, int err) {
  (void)err;
  g->caught++;
  return weft_return(void);
}

/* Spawns the guarded action and finishes at once, before the spawned fiber
 * gets its first turn. */
static async(int) spawn_and_leave(struct guard *g) {
  weft_spawn(weft_catch(weft_finally(weft_bind(weft_sleep_ms(60000), never, g), close_it, g), caught, g));
  return weft_return(int, 7);
}

int main(void) {
  struct guard g = {.fd = open("/dev/null", O_RDONLY | O_CLOEXEC)};
  int v = 0;
  CHECK_TRUE(g.fd >= 0);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), spawn_and_leave, &g), &v), 0);
  CHECK_INT_EQ(v, 7);
  CHECK_INT_EQ(g.finals, 1);
  CHECK_INT_EQ(g.caught, 0);
  CHECK_INT_EQ(fcntl(g.fd, F_GETFD), -1); /* closed by the finaliser */
  CHECK_INT_EQ(errno, EBADF);
  return 0;
}
