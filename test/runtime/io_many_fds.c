/* io_many_fds.c: hundreds of fds waited on at once, with numbers spread up to near the fd limit.
 * Proves: every waiting reader gets exactly its own pipe's bytes while weft's fd table grows under them. */
#include <sys/resource.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { PIPES = 200 };

struct many {
  int r[PIPES], w[PIPES];
  char msg[PIPES][16];
  int got;
  int k;
};

struct reader {
  struct many *m;
  int i;
};

static async(void) check_msg(struct reader *rd, char *s) {
  CHECK_STR_EQ(s, rd->m->msg[rd->i]);
  rd->m->got++;
  return weft_return(void);
}

/* Writes each pipe's message, last pipe first, one loop turn apart. */
static async(void) write_next(struct many *m, long slept);

static async(void) written(struct many *m) { return weft_bind(weft_sleep_ms(0), write_next, m); }

static async(void) write_next(struct many *m, long slept) {
  (void)slept;
  if (m->k == 0) return weft_return(void);
  m->k--;
  return weft_then(weft_write(m->w[m->k], m->msg[m->k], strlen(m->msg[m->k])), written, m);
}

int main(void) {
  static struct many m;
  static struct reader rd[PIPES];
  struct rlimit lim;
  CHECK_SYS(getrlimit(RLIMIT_NOFILE, &lim));
  /* The highest read ends go near the limit, so the table grows to its size. */
  int high = (int)(lim.rlim_cur > 4096 ? 4096 : lim.rlim_cur) - 2 * PIPES;
  CHECK_INT_GT(high, 2 * PIPES);
  for (int i = 0; i < PIPES; i++) {
    int p[2];
    test_pipe(p);
    if (i % 2) { /* every other read end moved to a high number */
      int moved = fcntl(p[0], F_DUPFD_CLOEXEC, high + i);
      CHECK_INT_GE(moved, high);
      CHECK_SYS(close(p[0]));
      p[0] = moved;
    }
    m.r[i] = p[0];
    m.w[i] = p[1];
    snprintf(m.msg[i], sizeof m.msg[i], "pipe %d", i);
    rd[i] = (struct reader){&m, i};
  }

  /* join(...join(join(read 0, read 1), read 2)..., writer): all readers wait
   * before the writer's first write lands. */
  async(void) all = weft_bind(weft_read(m.r[0], 16), check_msg, &rd[0]);
  for (int i = 1; i < PIPES; i++) all = weft_join(all, weft_bind(weft_read(m.r[i], 16), check_msg, &rd[i]));
  m.k = PIPES;
  CHECK_INT_EQ(weft_run(weft_join(all, weft_bind(weft_sleep_ms(10), write_next, &m)), NULL), 0);
  CHECK_INT_EQ(m.got, PIPES);

  for (int i = 0; i < PIPES; i++) {
    CHECK_SYS(close(m.r[i]));
    CHECK_SYS(close(m.w[i]));
  }
  return 0;
}
