/* regular_file.c: weft_read and weft_write work on regular files, which epoll refuses to watch (EPERM).
 * Proves: 1 MiB written by weft_write reads back identical in small chunks, then ""; /dev/null takes writes. */
#include <sys/stat.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { SIZE = 1 << 20 };

struct rf {
  int fd;
  char *data;
  size_t got;
};

static async(void) read_step(struct rf *r, char *s);

static async(void) read_all(struct rf *r) { return weft_bind(weft_read(r->fd, 3000), read_step, r); }

static async(void) read_step(struct rf *r, char *s) {
  size_t n = weft_str_len(s);
  if (n == 0) return weft_return(void);
  CHECK_UINT_LE(r->got + n, SIZE);
  CHECK_MEM_EQ(s, r->data + r->got, n);
  r->got += n;
  return read_all(r);
}

int main(void) {
  struct rf r = {0};
  char path[] = "/tmp/weft-regular-XXXXXX";
  int wfd = mkstemp(path);
  CHECK_INT_GE(wfd, 0);
  r.data = malloc(SIZE);
  CHECK_TRUE(r.data != NULL);
  for (size_t k = 0; k < SIZE; k++) r.data[k] = (char)(k % 251);

  CHECK_INT_EQ(weft_run(weft_write(wfd, r.data, SIZE), NULL), 0);
  struct stat st;
  CHECK_SYS(fstat(wfd, &st));
  CHECK_INT_EQ(st.st_size, SIZE);

  r.fd = open(path, O_RDONLY | O_CLOEXEC);
  CHECK_INT_GE(r.fd, 0);
  CHECK_SYS(unlink(path));
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), read_all, &r), NULL), 0);
  CHECK_UINT_EQ(r.got, SIZE);

  int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  CHECK_INT_GE(null_fd, 0);
  CHECK_INT_EQ(weft_run(weft_write(null_fd, r.data, SIZE), NULL), 0);

  CHECK_SYS(close(null_fd));
  CHECK_SYS(close(r.fd));
  CHECK_SYS(close(wfd));
  free(r.data);
  return 0;
}
