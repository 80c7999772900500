/* loop_close_write.c: a write half done when weft_run closes the loop is not cut silently.
 * Proves: its rest goes out as far as it can without waiting and what cannot is reported on stderr, with a count that adds up (socketpair, pipe). */
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { BIG = 1 << 20 };

struct lw {
  int w, r;
  char *data;
};

static async(void) root_done(struct lw *k, long ms) {
  (void)k;
  (void)ms;
  return weft_return(void);
}

/* The writer fills the buffer and waits; the root then ends the loop. */
static async(void) start(struct lw *k, long ms) {
  (void)ms;
  weft_spawn(weft_write(k->w, k->data, BIG));
  return weft_bind(weft_sleep_ms(20), root_done, k);
}

static void half_done(bool socket) {
  struct lw k = {0};
  int fds[2];
  if (socket)
    CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
  else
    test_pipe(fds);
  k.r = fds[socket ? 1 : 0];
  k.w = fds[socket ? 0 : 1];
  k.data = malloc(BIG);
  CHECK_TRUE(k.data != NULL);
  memset(k.data, 'w', BIG);

  int saved = dup(2), err[2];
  CHECK_INT_GE(saved, 0);
  test_pipe(err);
  CHECK_SYS(dup2(err[1], 2));
  CHECK_INT_EQ(weft_run(weft_bind(weft_sleep_ms(1), start, &k), NULL), 0);
  CHECK_SYS(dup2(saved, 2));
  CHECK_SYS(close(saved));
  CHECK_SYS(close(err[1]));
  char said[512] = {0};
  CHECK_INT_GT(read(err[0], said, sizeof said - 1), 0);
  CHECK_SYS(close(err[0]));

  CHECK_SYS(close(k.w));
  size_t got = 0;
  ssize_t n;
  char buf[65536];
  while ((n = read(k.r, buf, sizeof buf)) > 0) got += (size_t)n;
  CHECK_SYS(close(k.r));
  size_t unsent = 0;
  int fd = -1;
  CHECK_INT_EQ(sscanf(said, "weft: the loop closed with %zu bytes of a cancelled write to fd %d unsent", &unsent, &fd), 2);
  CHECK_INT_EQ(fd, k.w);
  CHECK_TRUE(got > 0 && unsent > 0);
  CHECK_UINT_EQ(got + unsent, (size_t)BIG);
  free(k.data);
}

int main(void) {
  half_done(true);
  half_done(false);
  return 0;
}
