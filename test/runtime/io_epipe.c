/* io_epipe.c: writing to a closed peer is a failure (-EPIPE), never the death of the process by SIGPIPE.
 * Proves: with SIGPIPE fatal, writes to a gone pipe or socket reader (also mid-write) fail with -EPIPE. */
#include <signal.h>
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

struct ep {
  int fds[2];
  char *big;
};

static async(void) close_reader(struct ep *e, long slept) {
  (void)slept;
  CHECK_SYS(close(e->fds[0]));
  return weft_return(void);
}

int main(void) {
  struct ep e = {0};
  struct sigaction dfl = {0};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  CHECK_SYS(sigaction(SIGPIPE, &dfl, NULL));

  /* Pipe, reader closed before the write. */
  test_pipe(e.fds);
  CHECK_SYS(close(e.fds[0]));
  CHECK_INT_EQ(weft_run(weft_write(e.fds[1], "x", 1), NULL), -EPIPE);
  CHECK_SYS(close(e.fds[1]));

  /* Socketpair, peer closed before the write. */
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, e.fds));
  CHECK_SYS(close(e.fds[0]));
  CHECK_INT_EQ(weft_run(weft_write(e.fds[1], "x", 1), NULL), -EPIPE);
  CHECK_SYS(close(e.fds[1]));

  /* A 4 MiB write that is waiting for room when the reader closes. */
  e.big = calloc(1, 4 << 20);
  CHECK_TRUE(e.big != NULL);
  test_pipe(e.fds);
  CHECK_INT_EQ(weft_run(weft_join(weft_write(e.fds[1], e.big, 4 << 20), weft_bind(weft_sleep_ms(10), close_reader, &e)),
                        NULL),
               -EPIPE);
  CHECK_SYS(close(e.fds[1]));

  free(e.big);
  /* Still alive: a SIGPIPE would have ended the process before this. */
  return 0;
}
