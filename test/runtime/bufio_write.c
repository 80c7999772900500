/* bufio_write.c: weft_writer_t over real pipes and socketpairs.
 * Proves: small writes stay buffered until flush, a write that does not fit writes the buffer out first, a large one
 * bypasses it, close flushes then refuses writes; a closed peer gives -EPIPE (then every operation does); a large
 * write cut by weft_timeout keeps its rest, so the peer gets every byte once and in order. */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { PIPE, SOCKETS };

static void make_pair(int kind, int fds[2]) {
  if (kind == PIPE) test_pipe(fds);
  else CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
}

/* Bytes waiting to be read at fd. */
static int pending(int fd) {
  int n = -1;
  CHECK_SYS(ioctl(fd, FIONREAD, &n));
  return n;
}

static void take(int fd, const char *want, size_t n) {
  char got[64];
  CHECK_UINT_LE(n, sizeof got);
  CHECK_INT_EQ(read(fd, got, n), (ssize_t)n);
  CHECK_MEM_EQ(got, want, n);
}

static int put(weft_writer_t *w, const char *s) { return weft_run(weft_writer_write(w, s, strlen(s)), NULL); }

static void buffering(int kind) {
  int fds[2];
  make_pair(kind, fds);
  weft_writer_t *w = weft_writer_new(fds[1], 16);
  CHECK_INT_EQ(put(w, "hello "), 0);
  CHECK_INT_EQ(put(w, "world"), 0);
  CHECK_INT_EQ(pending(fds[0]), 0); /* nothing written yet */
  CHECK_UINT_EQ(weft_writer_buffered(w), 11);
  CHECK_INT_EQ(weft_run(weft_flush(w), NULL), 0);
  CHECK_UINT_EQ(weft_writer_buffered(w), 0);
  take(fds[0], "hello world", 11);
  CHECK_INT_EQ(weft_run(weft_flush(w), NULL), 0); /* nothing to flush */

  /* 10 then 10: the second does not fit, the first goes out. */
  CHECK_INT_EQ(put(w, "0123456789"), 0);
  CHECK_INT_EQ(put(w, "abcdefghij"), 0);
  CHECK_INT_EQ(pending(fds[0]), 10);
  take(fds[0], "0123456789", 10);
  CHECK_UINT_EQ(weft_writer_buffered(w), 10);

  /* Larger than the buffer: the buffer, then it, straight. */
  CHECK_INT_EQ(put(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 0);
  CHECK_UINT_EQ(weft_writer_buffered(w), 0);
  take(fds[0], "abcdefghijABCDEFGHIJKLMNOPQRSTUVWXYZ", 36);

  /* Close flushes, then refuses; a second close is harmless. */
  CHECK_INT_EQ(put(w, "last"), 0);
  CHECK_INT_EQ(pending(fds[0]), 0);
  CHECK_INT_EQ(weft_run(weft_writer_close(w), NULL), 0);
  take(fds[0], "last", 4);
  CHECK_INT_EQ(put(w, "more"), -EBADF);
  CHECK_INT_EQ(weft_run(weft_writer_close(w), NULL), 0);
  CHECK_INT_EQ(pending(fds[0]), 0);
  weft_writer_free(w);
  CHECK_SYS(close(fds[0]));
  CHECK_SYS(close(fds[1]));
}

/* The reader is gone: the flush fails with -EPIPE (no SIGPIPE kills us),
 * and so does every later operation, close included. */
static void closed_peer(int kind) {
  int fds[2];
  make_pair(kind, fds);
  weft_writer_t *w = weft_writer_new(fds[1], 16);
  CHECK_INT_EQ(put(w, "lost"), 0);
  CHECK_SYS(close(fds[0]));
  CHECK_INT_EQ(weft_run(weft_flush(w), NULL), -EPIPE);
  CHECK_UINT_EQ(weft_writer_buffered(w), 0);
  CHECK_INT_EQ(put(w, "x"), -EPIPE);
  CHECK_INT_EQ(weft_run(weft_writer_close(w), NULL), -EPIPE);
  weft_writer_free(w);
  CHECK_SYS(close(fds[1]));

  /* A large write, bypassing the buffer, fails the same way. */
  make_pair(kind, fds);
  w = weft_writer_new(fds[1], 16);
  CHECK_SYS(close(fds[0]));
  CHECK_INT_EQ(put(w, "a write larger than the buffer"), -EPIPE);
  weft_writer_free(w);
  CHECK_SYS(close(fds[1]));
}

/* A 4 MiB write to a peer that reads nothing fills the pipe and waits; a
 * timeout cancels it half way.  Its rest stays in the writer, so a flush
 * while a reader drains the other end delivers every byte exactly once. */
enum { BIG = 4 << 20 };

struct drain {
  int fd;
  char *got;
  size_t len;
};

static async(void) drained(struct drain *d, char *s);
static async(void) drain(struct drain *d) { return weft_bind(weft_read(d->fd, 1 << 16), drained, d); }

static async(void) drained(struct drain *d, char *s) {
  size_t n = weft_str_len(s);
  if (n == 0) return weft_return(void);
  CHECK_UINT_LE(d->len + n, BIG + 4);
  memcpy(d->got + d->len, s, n);
  d->len += n;
  return drain(d);
}

struct flusher {
  weft_writer_t *w;
  int fd;
};

static async(void) close_fd(struct flusher *f) { return weft_close(f->fd); }
static async(void) flush_then_close(struct flusher *f) { return weft_then(weft_flush(f->w), close_fd, f); }

static void cancelled_write(int kind) {
  int fds[2];
  make_pair(kind, fds);
  char *data = malloc(BIG);
  struct drain d = {.fd = fds[0], .got = malloc(BIG + 4)};
  CHECK_TRUE(data != NULL && d.got != NULL);
  for (size_t i = 0; i < BIG; i++) data[i] = (char)(i % 253);
  weft_writer_t *w = weft_writer_new(fds[1], 64);
  CHECK_INT_EQ(weft_run(weft_writer_write(w, "head", 4), NULL), 0);
  CHECK_INT_EQ(weft_run(weft_timeout(weft_writer_write(w, data, BIG), 20), NULL), -ETIMEDOUT);
  size_t kept = weft_writer_buffered(w);
  CHECK_TRUE(kept > 0 && kept < BIG); /* cut half way, the rest kept */
  memset(data, 0, BIG);               /* the caller's buffer is free again */
  struct flusher f = {w, fds[1]};
  CHECK_INT_EQ(weft_run(weft_join(flush_then_close(&f), drain(&d)), NULL), 0);
  CHECK_UINT_EQ(d.len, BIG + 4);
  CHECK_MEM_EQ(d.got, "head", 4);
  for (size_t i = 0; i < BIG; i++)
    if ((unsigned char)d.got[4 + i] != i % 253) CHECK_FAILED_("byte %zu of the write is wrong", i);
  weft_writer_free(w);
  free(data);
  free(d.got);
  CHECK_SYS(close(fds[0]));
}

/* Two fibers share one writer: each one's bytes go out whole, in the
 * order the writes began, small ones buffered between large ones. */
enum { CHUNK = 300000 };

struct sharer {
  weft_writer_t *w;
  const char *data;
  size_t len;
};

static async(void) share(struct sharer *s) { return weft_writer_write(s->w, s->data, s->len); }
static async(void) flush_and_close(struct flusher *f) { return flush_then_close(f); }

static void shared_writer(int kind) {
  int fds[2];
  make_pair(kind, fds);
  char *a = malloc(CHUNK), *b = malloc(CHUNK);
  struct drain d = {.fd = fds[0], .got = malloc(BIG + 4)};
  CHECK_TRUE(a != NULL && b != NULL && d.got != NULL);
  memset(a, 'a', CHUNK);
  memset(b, 'b', CHUNK);
  weft_writer_t *w = weft_writer_new(fds[1], 64);
  struct sharer sa = {w, a, CHUNK}, s1 = {w, "1", 1}, sb = {w, b, CHUNK}, s2 = {w, "2", 1};
  struct flusher f = {w, fds[1]};
  CHECK_INT_EQ(weft_run(weft_join(weft_join(weft_join(share(&sa), share(&s1)), weft_join(share(&sb), share(&s2))),
                                  weft_join(drain(&d), weft_then(weft_yield(), flush_and_close, &f))),
                        NULL),
               0);
  CHECK_UINT_EQ(d.len, 2 * CHUNK + 2);
  CHECK_UINT_EQ(strspn(d.got, "a"), CHUNK);
  CHECK_UINT_EQ(d.got[CHUNK], '1');
  for (size_t i = 0; i < CHUNK; i++)
    if (d.got[CHUNK + 1 + i] != 'b') CHECK_FAILED_("byte %zu of the second write is 0x%02x", i, d.got[CHUNK + 1 + i]);
  CHECK_UINT_EQ(d.got[2 * CHUNK + 1], '2');
  weft_writer_free(w);
  free(a);
  free(b);
  free(d.got);
  CHECK_SYS(close(fds[0]));
}

int main(void) {
  for (int kind = PIPE; kind <= SOCKETS; kind++) {
    buffering(kind);
    closed_peer(kind);
    cancelled_write(kind);
    shared_writer(kind);
  }
  return 0;
}
