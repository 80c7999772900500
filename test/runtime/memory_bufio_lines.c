/* memory_bufio_lines.c: 10^5 lines written through a weft_writer_t and read back with weft_read_line over a pipe.
 * Proves: every line arrives, in order, and the resident set grows by at most 1 MiB between 10% and 100% of them. */
#include <weft.h>

#include "check.h"
#include "support.h"

enum { LINES = 100000 };
#define MAX_GROWTH (1L << 20)

struct run {
  weft_reader_t *r;
  weft_writer_t *w;
  int wfd;
  long written, read;
  char line[32];
  long rss_at_10pc, rss_at_end;
};

static async(void) write_next(struct run *c);

static async(void) closed(struct run *c) { return weft_close(c->wfd); }

static async(void) write_next(struct run *c) {
  if (c->written == LINES) return weft_then(weft_writer_close(c->w), closed, c);
  /* A line of 1 to 21 bytes, its number and a tail; a CRLF now and then. */
  int n = snprintf(c->line, sizeof c->line, "%ld %.*s%s", c->written, (int)(c->written % 11),
                   "xxxxxxxxxxx", c->written % 7 == 0 ? "\r\n" : "\n");
  c->written++;
  return weft_then(weft_writer_write(c->w, c->line, (size_t)n), write_next, c);
}

static async(void) read_next(struct run *c);

static async(void) got(struct run *c, char *s) {
  char want[32];
  snprintf(want, sizeof want, "%ld %.*s", c->read, (int)(c->read % 11), "xxxxxxxxxxx");
  CHECK_STR_EQ(s, want);
  c->read++;
  if (c->read == LINES / 10) c->rss_at_10pc = test_rss_bytes();
  if (c->read == LINES) c->rss_at_end = test_rss_bytes();
  return read_next(c);
}

static async(void) at_end(struct run *c, int err) {
  CHECK_INT_EQ(err, -EPIPE);
  (void)c;
  return weft_return(void);
}

static async(void) read_next(struct run *c) { return weft_bind(weft_read_line(c->r, 64), got, c); }

int main(void) {
  int fds[2];
  test_pipe(fds);
  struct run c = {.r = weft_reader_new(fds[0], 0), .w = weft_writer_new(fds[1], 0), .wfd = fds[1]};
  CHECK_INT_EQ(weft_run(weft_join(write_next(&c), weft_catch(read_next(&c), at_end, &c)), NULL), 0);
  CHECK_INT_EQ(c.read, LINES);
  CHECK_RSS_FLAT(c.rss_at_10pc, c.rss_at_end, MAX_GROWTH);
  weft_reader_free(c.r);
  weft_writer_free(c.w);
  CHECK_SYS(close(fds[0]));
  return 0;
}
