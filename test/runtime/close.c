/* close.c: weft_close closes an fd and fails every other fiber waiting on it with -EBADF.
 * Proves: a waiting reader and writer fail with -EBADF, the fd is closed, a reused number keeps its own flags. */
#include <weft.h>

#include "check.h"
#include "support.h"

struct cl {
  int in[2];
  int out[2];
  int read_err, write_err;
  int reused_fd;
  char big[1 << 20];
};

static async(str) reader_failed(struct cl *c, int err) {
  c->read_err = err;
  return weft_return(str, "");
}

static async(void) writer_failed(struct cl *c, int err) {
  c->write_err = err;
  return weft_return(void);
}

static async(void) ignore_str(struct cl *c, char *s) {
  (void)c;
  (void)s;
  return weft_return(void);
}

static async(void) close_out(struct cl *c) { return weft_close(c->out[1]); }

static async(void) close_both(struct cl *c, long slept) {
  (void)slept;
  return weft_then(weft_close(c->in[0]), close_out, c);
}

static async(void) reuse_number(struct cl *c) {
  /* The number just closed is the lowest free one: a new fd gets it. */
  c->reused_fd = dup(c->in[1]);
  CHECK_INT_EQ(c->reused_fd, c->in[0]);
  return weft_return(void);
}

int main(void) {
  static struct cl c;
  test_pipe(c.in);
  test_pipe(c.out);
  /* The reader's fd starts non-blocking, so its "original flags" would
   * put O_NONBLOCK back on whatever fd later gets its number. */
  CHECK_SYS(fcntl(c.in[0], F_SETFL, O_NONBLOCK));
  memset(c.big, 'x', sizeof c.big);

  async(void) reader = weft_bind(weft_catch(weft_read(c.in[0], 10), reader_failed, &c), ignore_str, &c);
  async(void) writer = weft_catch(weft_write(c.out[1], c.big, sizeof c.big), writer_failed, &c);
  async(void) closer = weft_then(weft_bind(weft_sleep_ms(10), close_both, &c), reuse_number, &c);
  CHECK_INT_EQ(weft_run(weft_join(weft_join(reader, writer), closer), NULL), 0);

  CHECK_INT_EQ(c.read_err, -EBADF);
  CHECK_INT_EQ(c.write_err, -EBADF);
  CHECK_INT_EQ(fcntl(c.out[1], F_GETFD), -1);
  /* The new fd with the reused number was never weft's: it stays blocking. */
  CHECK_TRUE(!test_fd_nonblocking(c.reused_fd));

  CHECK_SYS(close(c.reused_fd));
  CHECK_SYS(close(c.in[1]));
  CHECK_SYS(close(c.out[0]));
  return 0;
}
