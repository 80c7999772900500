/* write.c: weft_write writes all len bytes, however many partial writes the fd needs, or fails.
 * Proves: 8 MiB through a 64 KiB pipe arrive whole and in order, 0 bytes complete (queued writers: write_queue.c). */
#include <weft.h>

#include "check.h"
#include "support.h"

enum { TOTAL = 8 << 20 };

struct xfer {
  int fds[2];
  char *data;
  size_t received;
  int reads;
  bool writer_done;
};

static unsigned char pattern(size_t i) { return (unsigned char)(i * 7 + (i >> 13)); }

static async(void) drain_step(struct xfer *x, char *s);

static async(void) drain(struct xfer *x) { return weft_bind(weft_read(x->fds[0], 4093), drain_step, x); }

static async(void) drain_step(struct xfer *x, char *s) {
  size_t n = weft_str_len(s);
  if (n == 0) return weft_return(void);
  for (size_t k = 0; k < n; k++)
    if ((unsigned char)s[k] != pattern(x->received + k))
      CHECK_FAILED_("byte %zu is 0x%02x, expected 0x%02x", x->received + k, (unsigned char)s[k],
                    pattern(x->received + k));
  x->received += n;
  x->reads++;
  return drain(x);
}

static async(void) writer_finished(struct xfer *x) {
  /* All bytes are in the kernel: the reader can have seen at most the
   * whole, and the pipe cannot hold more than what is left. */
  int capacity = fcntl(x->fds[1], F_GETPIPE_SZ);
  CHECK_INT_GT(capacity, 0);
  CHECK_UINT_LE(x->received, TOTAL);
  CHECK_UINT_LE(TOTAL - x->received, (size_t)capacity);
  x->writer_done = true;
  return weft_close(x->fds[1]);
}

int main(void) {
  struct xfer x = {0};
  test_pipe(x.fds);
  x.data = malloc(TOTAL);
  CHECK_TRUE(x.data != NULL);
  for (size_t k = 0; k < TOTAL; k++) x.data[k] = (char)pattern(k);

  CHECK_INT_EQ(weft_run(weft_join(weft_then(weft_write(x.fds[1], x.data, TOTAL), writer_finished, &x),
                                  weft_then(weft_return(void), drain, &x)),
                        NULL),
               0);
  CHECK_TRUE(x.writer_done);
  CHECK_UINT_EQ(x.received, TOTAL);
  /* A 64 KiB pipe cannot take 8 MiB at once: the write really was split. */
  CHECK_INT_GT(x.reads, 8 * 16);

  /* A zero-length write completes without touching the fd. */
  int p[2];
  test_pipe(p);
  CHECK_INT_EQ(weft_run(weft_write(p[1], "", 0), NULL), 0);
  CHECK_INT_EQ(weft_run(weft_write(p[1], "abc", 3), NULL), 0);
  char buf[4];
  CHECK_INT_EQ(read(p[0], buf, sizeof buf), 3);
  CHECK_MEM_EQ(buf, "abc", 3);

  close(p[0]);
  close(p[1]);
  close(x.fds[0]);
  free(x.data);
  return 0;
}
