/* read_line: prints each line of stdin with its length, using the appendix's read_line,
 * a line reader built from one-byte reads.  Covered by test/examples/read_line.py. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

/* The accumulator `acc` of the OCaml loop, grown in place instead of copied
 * by `acc ^ char`: one buffer for every line, so memory stays constant. */
struct line {
  int fd;
  char *buf;      /* the line so far, NUL-terminated once returned */
  size_t len, cap;
  bool eof;       /* the last read_line stopped at end of input */
  char *out;      /* what the printer writes for one line */
  size_t out_cap;
};

static bool grow(char **buf, size_t *cap, size_t need)
{
  if (need <= *cap)
    return true;
  size_t cap2 = *cap ? *cap : 64;
  while (cap2 < need)
    cap2 *= 2;
  char *buf2 = realloc(*buf, cap2);
  if (!buf2)
    return false;
  *buf = buf2;
  *cap = cap2;
  return true;
}

static async(str) loop(struct line *l);

/*     read fd 1 >>= fun char ->
 *     if char = "\n" then return acc else loop (acc ^ char)
 * At end of input (a zero-length read) the line ends too: read_line returns
 * what it has, possibly "", and sets l->eof so the caller can tell an empty
 * last line from no line at all.  The result is l->buf, valid until the next
 * read_line; its length is l->len (a line may contain NULs). */
static async(str) got_char(struct line *l, char *c)
{
  bool at_end = weft_str_len(c) == 0;
  if (!grow(&l->buf, &l->cap, l->len + 2)) /* room for one more byte and the NUL */
    return weft_fail(str, -ENOMEM);
  if (at_end || c[0] == '\n') {
    l->eof = at_end;
    l->buf[l->len] = '\0';
    return weft_return(str, l->buf);
  }
  l->buf[l->len++] = c[0];
  return loop(l);
}

/*   let rec loop acc = ... */
static async(str) loop(struct line *l) { return weft_bind(weft_read(l->fd, 1), got_char, l); }

/* let read_line fd = ... loop "" */
static async(str) read_line(struct line *l)
{
  l->len = 0;
  return loop(l);
}

static async(void) print_lines(struct line *l);

/* let rec print_lines () =
 *   read_line stdin >>= fun line -> write stdout (show line) >>= print_lines
 * where show gives `LENGTH "LINE"`, stopping at end of input: an empty line
 * there is no line at all, an unterminated last line is printed. */
static async(void) print_line(struct line *l, char *text)
{
  if (l->eof && l->len == 0)
    return weft_return(void);
  if (!grow(&l->out, &l->out_cap, l->len + 32))
    return weft_fail(-ENOMEM);
  int head = snprintf(l->out, l->out_cap, "%zu \"", l->len);
  memcpy(l->out + head, text, l->len);
  memcpy(l->out + head + l->len, "\"\n", 2);
  async(void) written = weft_write(STDOUT_FILENO, l->out, (size_t)head + l->len + 2);
  if (l->eof)
    return written;
  return weft_then(written, print_lines, l);
}

static async(void) print_lines(struct line *l) { return weft_bind(read_line(l), print_line, l); }

int main(void)
{
  struct line l = {.fd = STDIN_FILENO};
  int rc = weft_run(print_lines(&l), NULL);
  free(l.buf);
  free(l.out);
  if (rc < 0) {
    fprintf(stderr, "read_line: %s\n", strerror(-rc));
    return 1;
  }
  return 0;
}
