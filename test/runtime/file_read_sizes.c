/* file_read_sizes.c: reads of a regular file of every size class land whole and in place, by weft_read and weft_file_read.
 * Proves: for read sizes below, at and above a page and of 128 KiB, a file read whole comes back byte for byte, a
 * full read of a page or more puts its bytes 64 bytes past a page boundary (the kernel's copy then writes at the
 * offset it reads: copy_stream ran at 0.59 of cat without it), and short reads (the file's end) keep their bytes. */
#include <stdint.h>
#include <sys/stat.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { SIZE = 300007 }; /* no read size below divides it: every run ends in a short read */

struct rs {
  int fd;
  size_t n;
  bool pool; /* weft_file_read instead of weft_read */
  const char *data;
  size_t got, full_reads;
};

static async(void) read_step(struct rs *r, char *s);

static async(void) read_next(struct rs *r) {
  if (r->pool) return weft_bind(weft_file_read(r->fd, r->n, (off_t)r->got), read_step, r);
  return weft_bind(weft_read(r->fd, r->n), read_step, r);
}

static async(void) read_step(struct rs *r, char *s) {
  size_t len = weft_str_len(s);
  if (len == 0) return weft_return(void);
  CHECK_UINT_LE(r->got + len, SIZE);
  CHECK_MEM_EQ(s, r->data + r->got, len);
  CHECK_INT_EQ(s[len], '\0');
  if (len == r->n && r->n >= 4096) {
    CHECK_UINT_EQ((uintptr_t)s % 4096, 64);
    r->full_reads++;
  }
  r->got += len;
  return read_next(r);
}

int main(void) {
  char path[] = "/tmp/weft-read-sizes-XXXXXX";
  int wfd = mkstemp(path);
  CHECK_INT_GE(wfd, 0);
  char *data = malloc(SIZE);
  CHECK_TRUE(data != NULL);
  for (size_t k = 0; k < SIZE; k++) data[k] = (char)(k * 7 % 253);
  CHECK_INT_EQ(weft_run(weft_write(wfd, data, SIZE), NULL), 0);
  CHECK_SYS(unlink(path));

  static const size_t sizes[] = {1, 100, 4095, 4096, 4097, 65536, 131072, 200000, 1 << 20};
  for (int pool = 0; pool < 2; pool++) {
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
      if (pool && sizes[i] < 4095) continue; /* a job per byte: slow under valgrind, and nothing new */
      struct rs r = {.n = sizes[i], .pool = pool != 0, .data = data};
      char again[64]; /* the unlinked file, opened anew: its own offset */
      snprintf(again, sizeof again, "/proc/self/fd/%d", wfd);
      r.fd = open(again, O_RDONLY | O_CLOEXEC);
      CHECK_INT_GE(r.fd, 0);
      CHECK_INT_EQ(weft_run(weft_then(weft_return(void), read_next, &r), NULL), 0);
      printf("%s n=%zu: %zu bytes, %zu full reads of a page or more\n", pool ? "weft_file_read" : "weft_read", r.n,
             r.got, r.full_reads);
      CHECK_UINT_EQ(r.got, SIZE);
      if (r.n >= 4096) CHECK_UINT_EQ(r.full_reads, SIZE / r.n);
      CHECK_SYS(close(r.fd));
    }
  }
  CHECK_SYS(close(wfd));
  free(data);
  return 0;
}
