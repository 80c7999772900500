/* fd_table_sparse.c: the fd table's entries for numbers never used are not resident memory (io.c, fd_slot).
 * Proves: IO on a pipe end moved to a number near the descriptor limit grows the table to tens of thousands of
 * entries (48 bytes each), and the resident set grows by far less than the table's size; IO on it still works. */
#include <sys/resource.h>
#include <unistd.h>
#include <weft.h>

#include "check.h"
#include "support.h"

/* Far below the table's size (1.5 MiB at the limit of 20000 descriptors
 * of the project's machine, 3 MiB at 65536), above the few pages the loop
 * itself may touch and AddressSanitizer's shadow of the table (an eighth
 * of it). */
enum { MAX_GROWTH = 512 << 10 };

struct sparse {
  int rd, wr;
  char got[4];
  long rss; /* once the read is done, while the loop and its table exist */
};

static async(void) keep(struct sparse *s, char *str) {
  memcpy(s->got, str, weft_str_len(str) + 1);
  s->rss = test_rss_bytes();
  return weft_return(void);
}

static async(void) read_back(struct sparse *s) { return weft_bind(weft_read(s->rd, 4), keep, s); }

static async(void) round_trip(struct sparse *s) { return weft_then(weft_write(s->wr, "hi", 2), read_back, s); }

int main(void) {
  struct rlimit lim;
  CHECK_SYS(getrlimit(RLIMIT_NOFILE, &lim));
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    CHECK_SYS(setrlimit(RLIMIT_NOFILE, &lim));
  }
  CHECK_INT_GE((long)lim.rlim_cur, 4096);
  int high = (int)(lim.rlim_cur < 65536 ? lim.rlim_cur : 65536) - 16;

  /* The loop, its scratch buffer and the table's first entries exist
   * before the measure: a round trip on low numbers. */
  int p[2];
  test_pipe(p);
  struct sparse low = {.rd = p[0], .wr = p[1]};
  CHECK_INT_EQ(weft_run(round_trip(&low), NULL), 0);
  CHECK_STR_EQ(low.got, "hi");

  long before = test_rss_bytes();
  struct sparse s = {.rd = dup2(p[0], high), .wr = dup2(p[1], high - 1)};
  CHECK_INT_EQ(s.rd, high);
  CHECK_INT_EQ(s.wr, high - 1);
  CHECK_INT_EQ(weft_run(round_trip(&s), NULL), 0);
  long after = s.rss;
  CHECK_STR_EQ(s.got, "hi");
  printf("fd %d: resident set grew by %ld KiB\n", high, (after - before) >> 10);
  CHECK_INT_LE(after - before, MAX_GROWTH);

  for (int fd = high - 1; fd <= high; fd++) CHECK_SYS(close(fd));
  CHECK_SYS(close(p[0]));
  CHECK_SYS(close(p[1]));
  return 0;
}
