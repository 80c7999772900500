/* stack_read_line.c: read_line over 10^6 one-byte reads through a pipe, in constant stack.
 * Proves (-O0, ulimit -s 256): reads done at once and reads that wait both return to the loop, not deeper. */
#include <weft.h>

#include "check.h"
#include "support.h"

#define LINE_BYTES 1000000L

struct line {
  int fds[2];
  char *text;  /* what the writer sends: LINE_BYTES - 1 letters, then '\n' */
  char *acc;   /* what read_line accumulated */
  size_t len;
  long reads;
};

static async(str) read_line_step(struct line *l, char *c);

static async(str) read_line(struct line *l) { return weft_bind(weft_read(l->fds[0], 1), read_line_step, l); }

/* let rec loop acc = read fd 1 >>= fun c -> if c = "\n" then return acc else loop (acc ^ c) */
static async(str) read_line_step(struct line *l, char *c) {
  l->reads++;
  CHECK_UINT_EQ(weft_str_len(c), 1);
  if (c[0] == '\n') {
    l->acc[l->len] = '\0';
    return weft_return(str, l->acc);
  }
  l->acc[l->len++] = c[0];
  return read_line(l);
}

static async(void) check_line(struct line *l, char *s) {
  CHECK_PTR_EQ(s, l->acc);
  return weft_return(void);
}

int main(void) {
  struct line l = {0};
  test_pipe(l.fds);
  l.text = malloc(LINE_BYTES);
  l.acc = malloc(LINE_BYTES);
  CHECK_TRUE(l.text && l.acc);
  for (long k = 0; k < LINE_BYTES - 1; k++) l.text[k] = (char)('a' + k % 26);
  l.text[LINE_BYTES - 1] = '\n';

  CHECK_INT_EQ(weft_run(weft_join(weft_write(l.fds[1], l.text, LINE_BYTES),
                                  weft_bind(weft_then(weft_return(void), read_line, &l), check_line, &l)),
                        NULL),
               0);
  CHECK_INT_EQ(l.reads, LINE_BYTES);
  CHECK_UINT_EQ(l.len, LINE_BYTES - 1);
  CHECK_MEM_EQ(l.acc, l.text, LINE_BYTES - 1);

  CHECK_SYS(close(l.fds[0]));
  CHECK_SYS(close(l.fds[1]));
  free(l.text);
  free(l.acc);
  return 0;
}
