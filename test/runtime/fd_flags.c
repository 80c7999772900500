/* fd_flags.c: weft never changes the flags of an fd it is given: not while the loop runs, not after.
 * Proves: a blocking pipe stays blocking during and after reads, writes and a failed run; O_NONBLOCK and O_APPEND stay. */
#include <stdlib.h>
#include <weft.h>

#include "check.h"
#include "support.h"

struct fl {
  int p[2];
  int file_fd;
  int seen_during;
};

static async(void) look(struct fl *f, char *s) {
  (void)s;
  f->seen_during = test_fd_flags(f->p[0]);
  return weft_return(void);
}

static async(void) look_write(struct fl *f) {
  f->seen_during = test_fd_flags(f->p[1]);
  return weft_return(void);
}

int main(void) {
  struct fl f = {0};
  test_pipe(f.p);
  int before_r = test_fd_flags(f.p[0]);
  int before_w = test_fd_flags(f.p[1]);
  CHECK_TRUE(!(before_r & O_NONBLOCK));

  /* Blocking before, during and after. */
  CHECK_INT_EQ(write(f.p[1], "x", 1), 1);
  CHECK_INT_EQ(weft_run(weft_bind(weft_read(f.p[0], 1), look, &f), NULL), 0);
  CHECK_INT_EQ(f.seen_during, before_r);
  CHECK_INT_EQ(test_fd_flags(f.p[0]), before_r);

  /* The same for the write side. */
  CHECK_INT_EQ(weft_run(weft_then(weft_write(f.p[1], "y", 1), look_write, &f), NULL), 0);
  CHECK_INT_EQ(f.seen_during, before_w);
  CHECK_INT_EQ(test_fd_flags(f.p[1]), before_w);

  /* A run that fails (the read times out, having waited) leaves them too. */
  char drain[2];
  CHECK_INT_EQ(read(f.p[0], drain, 1), 1);
  CHECK_INT_EQ(weft_run(weft_timeout(weft_read(f.p[0], 1), 5), NULL), -ETIMEDOUT);
  CHECK_INT_EQ(test_fd_flags(f.p[0]), before_r);

  /* An fd that was non-blocking already stays so. */
  CHECK_SYS(fcntl(f.p[0], F_SETFL, before_r | O_NONBLOCK));
  CHECK_INT_EQ(write(f.p[1], "z", 1), 1);
  CHECK_INT_EQ(weft_run(weft_bind(weft_read(f.p[0], 1), look, &f), NULL), 0);
  CHECK_INT_EQ(test_fd_flags(f.p[0]), before_r | O_NONBLOCK);
  CHECK_SYS(fcntl(f.p[0], F_SETFL, before_r));

  /* O_APPEND on a regular file survives the round trip. */
  char path[] = "/tmp/weft-fd-flags-XXXXXX";
  f.file_fd = mkstemp(path);
  CHECK_INT_GE(f.file_fd, 0);
  CHECK_SYS(unlink(path));
  CHECK_SYS(fcntl(f.file_fd, F_SETFL, O_APPEND));
  int before_file = test_fd_flags(f.file_fd);
  CHECK_INT_EQ(weft_run(weft_write(f.file_fd, "appended", 8), NULL), 0);
  CHECK_INT_EQ(test_fd_flags(f.file_fd), before_file);

  CHECK_SYS(close(f.file_fd));
  CHECK_SYS(close(f.p[0]));
  CHECK_SYS(close(f.p[1]));
  return 0;
}
