/* io_bad_fd.c: a bad fd given to any primitive is a failure carrying -errno, never a crash or a hang.
 * Proves: read, write, close, accept on -1, closed and huge fds give -EBADF; a non-listening accept gives -EINVAL. */
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

int main(void) {
  int fds[2];
  test_pipe(fds);
  /* A closed number high enough that nothing (the loop's own epoll fd
   * included) is given it meanwhile: new fds take the lowest free number. */
  int closed = fcntl(fds[0], F_DUPFD_CLOEXEC, 900);
  CHECK_INT_GE(closed, 900);
  CHECK_SYS(close(closed));
  CHECK_SYS(close(fds[0]));
  CHECK_SYS(close(fds[1]));

  int bad[] = {-1, closed, 1 << 20};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    CHECK_INT_EQ(weft_run(weft_read(bad[k], 1), NULL), -EBADF);
    CHECK_INT_EQ(weft_run(weft_write(bad[k], "x", 1), NULL), -EBADF);
    CHECK_INT_EQ(weft_run(weft_close(bad[k]), NULL), -EBADF);
    CHECK_INT_EQ(weft_run(weft_accept(bad[k]), NULL), -EBADF);
  }

  /* Right kind of fd, wrong state: a socket that never listened. */
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_INT_GE(s, 0);
  int rc = weft_run(weft_accept(s), NULL);
  CHECK_INT_EQ(rc, -EINVAL);
  CHECK_SYS(close(s));

  /* Wrong direction: reading the write end of a pipe. */
  test_pipe(fds);
  CHECK_INT_EQ(weft_run(weft_read(fds[1], 1), NULL), -EBADF);
  CHECK_SYS(close(fds[0]));
  CHECK_SYS(close(fds[1]));

  /* The runtime is intact: an ordinary run still works. */
  long slept = 0;
  CHECK_INT_EQ(weft_run(weft_sleep_ms(1), &slept), 0);
  CHECK_INT_GE(slept, 1);
  return 0;
}
