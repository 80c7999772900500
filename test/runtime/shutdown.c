/* shutdown.c: weft_shutdown over real socket pairs and loopback TCP.
 * Proves: SHUT_WR waits behind a large write started before it (the peer gets every byte, then end of input), SHUT_RD ends a waiting read, errors. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

#define BIG ((size_t)4 << 20) /* far more than a socket buffer: the write must wait for the reader */

struct ctx {
  int fds[2];
  char *big;
  size_t received;
  bool saw_eof;
  int err;
};

static async(void) drain(struct ctx *c);

static async(void) drained(struct ctx *c, char *s) {
  size_t n = weft_str_len(s);
  if (n == 0) {
    c->saw_eof = true;
    return weft_return(void);
  }
  c->received += n;
  return drain(c);
}

static async(void) drain(struct ctx *c) {
  return weft_bind(weft_read(c->fds[1], 65536), drained, c);
}

static async(void) write_then_shutdown(struct ctx *c) {
  /* Both start at once, in one join: the shutdown queues behind the write. */
  return weft_join(weft_write(c->fds[0], c->big, BIG), weft_shutdown(c->fds[0], SHUT_WR));
}

static void shut_wr_after_write(struct ctx *c) {
  CHECK_INT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c->fds), 0);
  c->received = 0;
  c->saw_eof = false;
  CHECK_INT_EQ(weft_run(weft_join(write_then_shutdown(c), drain(c)), NULL), 0);
  CHECK_UINT_EQ(c->received, BIG);
  CHECK_TRUE(c->saw_eof);
  close(c->fds[0]);
  close(c->fds[1]);
}

static async(void) caught(struct ctx *c, int err) {
  c->err = err;
  return weft_return(void);
}

static async(void) shut_rd(struct ctx *c, long slept) {
  (void)slept;
  return weft_shutdown(c->fds[1], SHUT_RD);
}

/* A read waiting on a socket whose reading side is shut completes with "". */
static void shut_rd_ends_read(struct ctx *c) {
  CHECK_INT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c->fds), 0);
  c->saw_eof = false;
  c->received = 0;
  CHECK_INT_EQ(weft_run(weft_join(drain(c), weft_bind(weft_sleep_ms(5), shut_rd, c)), NULL), 0);
  CHECK_TRUE(c->saw_eof);
  CHECK_UINT_EQ(c->received, 0);
  close(c->fds[0]);
  close(c->fds[1]);
}

static async(void) close_writer(struct ctx *c, long slept) {
  (void)slept;
  return weft_close(c->fds[0]);
}

/* A shutdown waiting its turn behind a write fails with -EBADF when the
 * socket is closed by weft_close; so does the write. */
static void closed_while_queued(struct ctx *c) {
  CHECK_INT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c->fds), 0);
  c->err = 0;
  CHECK_INT_EQ(weft_run(weft_join(weft_join(weft_catch(weft_write(c->fds[0], c->big, BIG), caught, c),
                                            weft_catch(weft_shutdown(c->fds[0], SHUT_WR), caught, c)),
                                  weft_bind(weft_sleep_ms(5), close_writer, c)),
                        NULL),
               0);
  CHECK_INT_EQ(c->err, -EBADF);
  close(c->fds[1]);
}

int main(void) {
  struct ctx c = {0};
  c.big = malloc(BIG);
  CHECK_TRUE(c.big != NULL);
  memset(c.big, 'x', BIG);

  shut_wr_after_write(&c);
  shut_rd_ends_read(&c);
  closed_while_queued(&c);

  int p[2];
  CHECK_INT_EQ(pipe2(p, O_CLOEXEC), 0);
  CHECK_INT_EQ(weft_run(weft_shutdown(p[1], SHUT_WR), NULL), -ENOTSOCK);
  CHECK_INT_EQ(weft_run(weft_shutdown(p[1], 7), NULL), -EINVAL);
  CHECK_INT_EQ(weft_run(weft_shutdown(-1, SHUT_RDWR), NULL), -EBADF);
  close(p[0]);
  close(p[1]);

  /* An unconnected TCP socket: -ENOTCONN. */
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_INT_GE(s, 0);
  CHECK_INT_EQ(weft_run(weft_shutdown(s, SHUT_RDWR), NULL), -ENOTCONN);
  close(s);
  free(c.big);
  return 0;
}
