/* bufio_line.c: weft_read_line over real pipes and socketpairs.
 * Proves: lines split at every byte boundary (and a read_line cut by weft_timeout at each) come out whole, none lost;
 * CRLF, empty lines, NULs, a CR that is not a line end; max_len at, one below and one above a line; EOF variants. */
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { PIPE, SOCKETS };

static void make_pair(int kind, int fds[2]) {
  if (kind == PIPE) test_pipe(fds);
  else CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
}

static void put(int fd, const char *bytes, size_t n) {
  CHECK_INT_EQ(write(fd, bytes, n), (ssize_t)n);
}

/* Reads lines until a failure, each appended to out with a '\n' after it
 * (a line never holds one), NULs and all. */
struct lines {
  weft_reader_t *r;
  size_t max_len;
  char out[512];
  size_t len;
  int err;
};

static async(void) next_line(struct lines *c);

static async(void) got_line(struct lines *c, char *s) {
  size_t n = weft_reader_last_len(c->r);
  CHECK_UINT_LE(c->len + n + 1, sizeof c->out);
  CHECK_UINT_EQ(s[n], 0); /* NUL-terminated in place */
  memcpy(c->out + c->len, s, n);
  c->len += n;
  c->out[c->len++] = '\n';
  return next_line(c);
}

static async(void) next_line(struct lines *c) { return weft_bind(weft_read_line(c->r, c->max_len), got_line, c); }

static async(void) stopped(struct lines *c, int err) {
  c->err = err;
  return weft_return(void);
}

/* Lines until end of input (or ms milliseconds, if ms >= 0). */
static int collect(struct lines *c, long ms) {
  c->err = 0;
  int rc = ms < 0 ? weft_run(weft_catch(next_line(c), stopped, c), NULL)
                  : weft_run(weft_catch(weft_timeout(next_line(c), ms), stopped, c), NULL);
  CHECK_INT_EQ(rc, 0);
  return c->err;
}

/* Every way to cut the input in two: the first part arrives, read_line
 * waits for the rest and is cancelled by a timeout, the rest arrives; the
 * lines are the same as read in one go. */
static void every_boundary(int kind, size_t capacity) {
  static const char in[] = "alpha\r\nbeta\n\n\r\nga\0mma\r\nx\ry\r\nlast\rz";
  static const char want[] = "alpha\nbeta\n\n\nga\0mma\nx\ry\nlast\rz\n";
  for (size_t k = 0; k <= sizeof in - 1; k++) {
    int fds[2];
    make_pair(kind, fds);
    struct lines c = {.r = weft_reader_new(fds[0], capacity), .max_len = 64};
    put(fds[1], in, k);
    CHECK_INT_EQ(collect(&c, 5), -ETIMEDOUT);
    put(fds[1], in + k, sizeof in - 1 - k);
    CHECK_SYS(close(fds[1]));
    CHECK_INT_EQ(collect(&c, -1), -EPIPE);
    CHECK_UINT_EQ(c.len, sizeof want - 1);
    CHECK_MEM_EQ(c.out, want, sizeof want - 1);
    weft_reader_free(c.r);
    CHECK_SYS(close(fds[0]));
  }
}

/* One read_line on r, with a timeout so that a wrong wait fails instead of hanging. */
static int line(weft_reader_t *r, size_t max_len, char **s) {
  *s = NULL;
  return weft_run(weft_timeout(weft_read_line(r, max_len), 5), s);
}

static void limits(int kind) {
  int fds[2];
  char *s;
  make_pair(kind, fds);
  weft_reader_t *r = weft_reader_new(fds[0], 4); /* grows as far as a line needs */

  /* A line of exactly max_len, one below, one above; LF and CRLF. */
  put(fds[1], "abcde\nabcde\r\nabcd\nabcde\r\n", 25);
  CHECK_INT_EQ(line(r, 5, &s), 0);
  CHECK_STR_EQ(s, "abcde");
  CHECK_INT_EQ(line(r, 5, &s), 0);
  CHECK_STR_EQ(s, "abcde");
  CHECK_INT_EQ(line(r, 5, &s), 0);
  CHECK_STR_EQ(s, "abcd");
  CHECK_INT_EQ(line(r, 4, &s), -EMSGSIZE); /* one above: nothing consumed */
  CHECK_UINT_GE(weft_reader_buffered(r), 5);
  CHECK_INT_EQ(line(r, 6, &s), 0);
  CHECK_STR_EQ(s, "abcde");

  /* Too long is known before the newline comes: max_len + 1 bytes that
   * cannot end in CR LF fail at once, not at a timeout. */
  put(fds[1], "abcde", 5);
  CHECK_INT_EQ(line(r, 4, &s), -EMSGSIZE);
  CHECK_UINT_EQ(weft_reader_buffered(r), 5);
  /* The bytes are still there: skip them, and the next line reads well. */
  CHECK_INT_EQ(weft_run(weft_read_exactly(r, 5), &s), 0);
  CHECK_STR_EQ(s, "abcde");
  CHECK_UINT_EQ(weft_reader_buffered(r), 0);

  /* max_len bytes then a CR may be a line end to come: it waits. */
  put(fds[1], "abcd\r", 5);
  CHECK_INT_EQ(line(r, 4, &s), -ETIMEDOUT);
  put(fds[1], "\n", 1);
  CHECK_INT_EQ(line(r, 4, &s), 0);
  CHECK_STR_EQ(s, "abcd");
  /* and a CR not followed by LF is a byte of the line. */
  put(fds[1], "abcd\rx\n", 7);
  CHECK_INT_EQ(line(r, 4, &s), -EMSGSIZE);
  CHECK_INT_EQ(line(r, 6, &s), 0);
  CHECK_STR_EQ(s, "abcd\rx");

  /* max_len 0: only empty lines. */
  put(fds[1], "\n\r\nx\n", 5);
  CHECK_INT_EQ(line(r, 0, &s), 0);
  CHECK_STR_EQ(s, "");
  CHECK_INT_EQ(line(r, 0, &s), 0);
  CHECK_STR_EQ(s, "");
  CHECK_INT_EQ(line(r, 0, &s), -EMSGSIZE);
  CHECK_INT_EQ(line(r, 1, &s), 0);
  CHECK_STR_EQ(s, "x");

  /* A long line grows the buffer as far as it needs, no further. */
  char big[3000];
  memset(big, 'q', sizeof big);
  big[sizeof big - 1] = '\n';
  put(fds[1], big, sizeof big);
  CHECK_INT_EQ(line(r, sizeof big - 2, &s), -EMSGSIZE);
  CHECK_INT_EQ(line(r, sizeof big - 1, &s), 0);
  CHECK_UINT_EQ(weft_reader_last_len(r), sizeof big - 1);
  CHECK_UINT_EQ(strspn(s, "q"), sizeof big - 1);

  /* EOF: a last line without newline, a lone CR, then -EPIPE every time. */
  put(fds[1], "tail\r", 5);
  CHECK_SYS(close(fds[1]));
  CHECK_INT_EQ(line(r, 4, &s), -EMSGSIZE); /* the CR is part of the last line */
  CHECK_INT_EQ(line(r, 5, &s), 0);
  CHECK_STR_EQ(s, "tail\r");
  CHECK_INT_EQ(line(r, 5, &s), -EPIPE);
  CHECK_INT_EQ(line(r, 5, &s), -EPIPE);
  weft_reader_free(r);
  CHECK_SYS(close(fds[0]));

  /* EOF at once, and EOF after a last full line. */
  make_pair(kind, fds);
  r = weft_reader_new(fds[0], 0);
  put(fds[1], "only\n", 5);
  CHECK_SYS(close(fds[1]));
  CHECK_INT_EQ(line(r, 10, &s), 0);
  CHECK_STR_EQ(s, "only");
  CHECK_INT_EQ(line(r, 10, &s), -EPIPE);
  weft_reader_free(r);
  CHECK_SYS(close(fds[0]));
}

/* Binary: NULs in lines; the length says where a line ends. */
static void binary(int kind) {
  int fds[2];
  char *s;
  make_pair(kind, fds);
  weft_reader_t *r = weft_reader_new(fds[0], 0);
  put(fds[1], "\0\0\n\0a\0\r\n", 9);
  CHECK_INT_EQ(line(r, 10, &s), 0);
  CHECK_UINT_EQ(weft_reader_last_len(r), 2);
  CHECK_MEM_EQ(s, "\0\0", 3);
  CHECK_INT_EQ(line(r, 10, &s), 0);
  CHECK_UINT_EQ(weft_reader_last_len(r), 3);
  CHECK_MEM_EQ(s, "\0a\0", 4);
  weft_reader_free(r);
  CHECK_SYS(close(fds[0]));
  CHECK_SYS(close(fds[1]));
}

int main(void) {
  for (int kind = PIPE; kind <= SOCKETS; kind++) {
    every_boundary(kind, 0);
    every_boundary(kind, 3); /* a buffer smaller than the lines: it grows and shrinks */
    limits(kind);
    binary(kind);
  }
  return 0;
}
