/* bufio_read.c: weft_read_exactly, weft_read_until and weft_peek over real pipes and socketpairs.
 * Proves: exact reads small and larger than the buffer (read into it, no copy), early EOF keeps the bytes; a
 * multi-byte delimiter split at every byte boundary; peek then read returns the same bytes; max_len and EOF rules. */
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

/* Each operation under a timeout, so that a wrong wait fails instead of hanging. */
static int exactly(weft_reader_t *r, size_t n, char **s) {
  return weft_run(weft_timeout(weft_read_exactly(r, n), 5), s);
}

static int until(weft_reader_t *r, const char *delim, size_t max_len, char **s) {
  return weft_run(weft_timeout(weft_read_until(r, delim, max_len), 5), s);
}

static int peek(weft_reader_t *r, size_t n, char **s) {
  return weft_run(weft_timeout(weft_peek(r, n), 5), s);
}

enum { BIG = 1 << 20 };

struct big {
  weft_reader_t *r;
  char *data;
  int checked;
};

static async(void) check_big(struct big *b, char *s) {
  CHECK_UINT_EQ(weft_reader_last_len(b->r), BIG);
  CHECK_MEM_EQ(s, b->data, BIG);
  CHECK_UINT_EQ(weft_reader_buffered(b->r), 0);
  b->checked++;
  return weft_return(void);
}

static void exact_reads(int kind) {
  int fds[2];
  char *s;
  make_pair(kind, fds);
  weft_reader_t *r = weft_reader_new(fds[0], 8);
  put(fds[1], "0123456789", 10);
  CHECK_INT_EQ(exactly(r, 0, &s), 0);
  CHECK_STR_EQ(s, "");
  CHECK_INT_EQ(exactly(r, 3, &s), 0);
  CHECK_STR_EQ(s, "012"); /* NUL-terminated though "3" follows in the buffer */
  CHECK_INT_EQ(exactly(r, 4, &s), 0);
  CHECK_STR_EQ(s, "3456");
  CHECK_INT_EQ(exactly(r, 4, &s), -ETIMEDOUT); /* 3 bytes are there, not 4: it waits */
  CHECK_UINT_EQ(weft_reader_buffered(r), 3);
  put(fds[1], "a", 1);
  CHECK_INT_EQ(exactly(r, 4, &s), 0);
  CHECK_STR_EQ(s, "789a");

  /* Larger than the buffer (and than a pipe holds): 1 MiB, written by a
   * weft_write in another fiber meanwhile, arrives whole and in order, read
   * straight into the reader's buffer. */
  struct big b = {.r = r, .data = malloc(BIG)};
  CHECK_TRUE(b.data != NULL);
  for (size_t i = 0; i < BIG; i++) b.data[i] = (char)(i * 7 + i / 251);
  CHECK_INT_EQ(weft_run(weft_join(weft_bind(weft_read_exactly(r, BIG), check_big, &b),
                                  weft_write(fds[1], b.data, BIG)), NULL), 0);
  CHECK_INT_EQ(b.checked, 1);

  /* Early EOF: -EPIPE, and the bytes that came stay buffered. */
  put(fds[1], "xyz", 3);
  CHECK_SYS(close(fds[1]));
  CHECK_INT_EQ(exactly(r, 5, &s), -EPIPE);
  CHECK_UINT_EQ(weft_reader_buffered(r), 3);
  CHECK_INT_EQ(peek(r, 5, &s), 0);
  CHECK_STR_EQ(s, "xyz");
  CHECK_UINT_EQ(weft_reader_last_len(r), 3);
  CHECK_INT_EQ(exactly(r, 3, &s), 0);
  CHECK_STR_EQ(s, "xyz");
  CHECK_INT_EQ(peek(r, 5, &s), 0); /* at end of input: "" */
  CHECK_STR_EQ(s, "");
  CHECK_UINT_EQ(weft_reader_last_len(r), 0);
  CHECK_INT_EQ(exactly(r, 1, &s), -EPIPE);
  free(b.data);
  weft_reader_free(r);
  CHECK_SYS(close(fds[0]));
}

/* Peek waits for n bytes, returns them without consuming, and the next
 * operations see them again; what peek terminated with a NUL is put back. */
static void peeks(int kind) {
  int fds[2];
  char *s;
  make_pair(kind, fds);
  weft_reader_t *r = weft_reader_new(fds[0], 4);
  put(fds[1], "ab", 2);
  CHECK_INT_EQ(peek(r, 3, &s), -ETIMEDOUT);
  put(fds[1], "c\ndef\n", 6);
  CHECK_INT_EQ(peek(r, 3, &s), 0);
  CHECK_STR_EQ(s, "abc");
  CHECK_INT_EQ(peek(r, 1, &s), 0);
  CHECK_STR_EQ(s, "a");
  CHECK_INT_EQ(weft_run(weft_read_line(r, 10), &s), 0);
  CHECK_STR_EQ(s, "abc");
  CHECK_INT_EQ(peek(r, 6, &s), -ETIMEDOUT); /* "def\n" is 4: it waits for 6 */
  size_t len = 0;
  const char *view = weft_reader_buffer(r, &len);
  CHECK_UINT_EQ(len, 4);
  CHECK_MEM_EQ(view, "def\n", 4);
  CHECK_INT_EQ(weft_run(weft_read_line(r, 10), &s), 0);
  CHECK_STR_EQ(s, "def");
  weft_reader_free(r);
  CHECK_SYS(close(fds[0]));
  CHECK_SYS(close(fds[1]));
}

/* read_until with a multi-byte delimiter, the input cut at every byte. */
static void delimited(int kind) {
  static const char in[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\nbody\r\n\r\r\n\r\n\r\n\r\nrest";
  for (size_t k = 0; k <= sizeof in - 1; k++) {
    int fds[2];
    char *s;
    make_pair(kind, fds);
    weft_reader_t *r = weft_reader_new(fds[0], 5);
    put(fds[1], in, k);
    int rc = until(r, "\r\n\r\n", 64, &s);
    bool first_there = k >= 27; /* the first head and its delimiter */
    CHECK_INT_EQ(rc, first_there ? 0 : -ETIMEDOUT);
    put(fds[1], in + k, sizeof in - 1 - k);
    if (!first_there) {
      CHECK_INT_EQ(until(r, "\r\n\r\n", 64, &s), 0);
    }
    CHECK_STR_EQ(s, "GET / HTTP/1.1\r\nHost: x");
    CHECK_UINT_EQ(weft_reader_last_len(r), 23);
    CHECK_INT_EQ(until(r, "\r\n\r\n", 64, &s), 0);
    CHECK_STR_EQ(s, "body\r\n\r"); /* CR CR LF CR LF: the match starts at the second CR */
    CHECK_INT_EQ(until(r, "\r\n\r\n", 64, &s), 0);
    CHECK_STR_EQ(s, "");
    /* Too long: more than max_len bytes before the delimiter. */
    put(fds[1], "\r\n\r\n", 4);
    CHECK_INT_EQ(until(r, "\r\n\r\n", 3, &s), -EMSGSIZE);
    CHECK_UINT_GE(weft_reader_buffered(r), 4); /* at least max_len + 1, nothing consumed */
    CHECK_INT_EQ(until(r, "\r\n\r\n", 4, &s), 0);
    CHECK_STR_EQ(s, "rest");
    /* End of input before the delimiter: -EPIPE, the bytes kept. */
    put(fds[1], "tail", 4);
    CHECK_SYS(close(fds[1]));
    CHECK_INT_EQ(until(r, "\r\n\r\n", 64, &s), -EPIPE);
    CHECK_UINT_EQ(weft_reader_buffered(r), 4);
    CHECK_INT_EQ(until(r, "", 64, &s), -EINVAL);
    CHECK_INT_EQ(exactly(r, 4, &s), 0);
    CHECK_STR_EQ(s, "tail");
    weft_reader_free(r);
    CHECK_SYS(close(fds[0]));
  }
}

int main(void) {
  for (int kind = PIPE; kind <= SOCKETS; kind++) {
    exact_reads(kind);
    peeks(kind);
    delimited(kind);
  }
  return 0;
}
