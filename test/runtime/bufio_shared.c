/* bufio_shared.c: one reader used by several fibers at once, and freeing a reader in use.
 * Proves: operations are served one at a time in the order they began (a waiting one holds the reader, the others
 * queue); a queued operation cut by a timeout leaves the queue and takes no line; freeing a reader in use is a misuse. */
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "misuse.h"
#include "support.h"

struct taker {
  weft_reader_t *r;
  char got[32];
  int err;
  int order; /* when it completed, counting from 1 */
};

static int completions;

static async(void) took(struct taker *t, char *s) {
  snprintf(t->got, sizeof t->got, "%s", s); /* copied: the next operation may reuse the buffer */
  t->order = ++completions;
  return weft_return(void);
}

static async(void) failed(struct taker *t, int err) {
  t->err = err;
  t->order = ++completions;
  return weft_return(void);
}

static async(void) take_line(struct taker *t) {
  return weft_catch(weft_bind(weft_read_line(t->r, 16), took, t), failed, t);
}

static async(void) take_line_within(struct taker *t) {
  return weft_catch(weft_bind(weft_timeout(weft_read_line(t->r, 16), 20), took, t), failed, t);
}

struct feeder {
  int fd;
  const char *bytes;
};

static async(void) feed_now(struct feeder *f) { return weft_write(f->fd, f->bytes, strlen(f->bytes)); }

/* Writes after the others have started (and queued), and after a pause
 * long enough for a 20 ms timeout to fire first. */
static async(void) feed_after(struct feeder *f, long slept) {
  (void)slept;
  return feed_now(f);
}
static async(void) feed(struct feeder *f) { return weft_bind(weft_sleep_ms(60), feed_after, f); }

static async(void) take_after(struct taker *t, long slept) {
  (void)slept;
  return take_line(t);
}

static async(void) spawn_two(struct taker **t)
{
  weft_spawn(take_line(t[0]));
  weft_spawn(take_line(t[1]));
  return weft_yield(); /* both start: one holds the reader, one queues */
}

static async(void) close_it(int *fd) { return weft_close(*fd); }

static weft_reader_t *misused;

static async(void) free_it(void *unused) {
  (void)unused;
  weft_reader_free(misused); /* a fiber waits in read_line on it */
  return weft_return(void);
}

static async(void) drop_line(void *unused, char *s) {
  (void)unused;
  (void)s;
  return weft_return(void);
}

static mayyield void free_in_use(void) {
  int fds[2];
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
  misused = weft_reader_new(fds[0], 0);
  weft_run(weft_join(weft_bind(weft_read_line(misused, 16), drop_line, NULL),
                     weft_then(weft_yield(), free_it, NULL)),
           NULL);
}

int main(void) {
  int fds[2];
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
  weft_reader_t *r = weft_reader_new(fds[0], 0);

  /* Three takers start in order a, b, c; b gives up after 20 ms while
   * queued behind a; then two lines arrive: a gets the first, c the second. */
  struct taker a = {.r = r}, b = {.r = r}, c = {.r = r};
  struct feeder f = {fds[1], "one\ntwo\nthree\n"};
  CHECK_INT_EQ(weft_run(weft_join(weft_join(take_line(&a), take_line_within(&b)),
                                  weft_join(take_line(&c), feed(&f))),
                        NULL),
               0);
  CHECK_INT_EQ(b.err, -ETIMEDOUT);
  CHECK_INT_EQ(b.order, 1);
  CHECK_STR_EQ(a.got, "one");
  CHECK_INT_EQ(a.order, 2);
  CHECK_STR_EQ(c.got, "two");
  CHECK_INT_EQ(c.order, 3);
  /* Nothing was lost to the queue or the timeout. */
  char *s = NULL;
  CHECK_INT_EQ(weft_run(weft_read_line(r, 16), &s), 0);
  CHECK_STR_EQ(s, "three");

  /* A line already buffered goes to the operation first in line, not to a
   * later one that could be served without waiting. */
  struct taker d = {.r = r}, e = {.r = r};
  completions = 0;
  struct feeder g = {fds[1], "four\nfive\n"};
  CHECK_INT_EQ(weft_run(weft_join(weft_join(take_line(&d), feed(&g)), weft_bind(weft_sleep_ms(120), take_after, &e)),
                        NULL),
               0);
  CHECK_STR_EQ(d.got, "four");
  CHECK_STR_EQ(e.got, "five");
  CHECK_INT_EQ(d.order, 1);

  /* The holder has half a line buffered when a second operation queues:
   * the second starts from where the first left the buffer, not from what
   * it saw when it began (an empty line right after the first is kept). */
  struct taker h = {.r = r}, k = {.r = r};
  completions = 0;
  CHECK_INT_EQ(write(fds[1], "ab", 2), 2);
  struct feeder rest = {fds[1], "c\n\nxyz\n"};
  CHECK_INT_EQ(weft_run(weft_join(weft_join(take_line(&h), take_line(&k)), feed(&rest)), NULL), 0);
  CHECK_STR_EQ(h.got, "abc");
  CHECK_STR_EQ(k.got, "");
  CHECK_INT_EQ(k.order, 2);
  CHECK_INT_EQ(weft_run(weft_read_line(r, 16), &s), 0);
  CHECK_STR_EQ(s, "xyz");

  /* The loop closes while one spawned fiber holds the reader and another
   * is queued behind it: both are cancelled and leave it, and it can be
   * freed (valgrind and ASan watch the rest). */
  struct taker m = {.r = r}, n = {.r = r};
  struct taker *two[] = {&m, &n};
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), spawn_two, two), NULL), 0);
  CHECK_INT_EQ(m.order + n.order, 0);

  weft_reader_free(r);
  CHECK_SYS(close(fds[0]));

  /* weft_close of the fd while one operation waits on it and another is
   * queued: the first fails with -EBADF in place, hands the reader on, and
   * the second fails with -EBADF too; nothing hangs. */
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
  r = weft_reader_new(fds[0], 0);
  struct taker x = {.r = r}, y = {.r = r};
  completions = 0;
  CHECK_INT_EQ(weft_run(weft_join(weft_join(take_line(&x), take_line(&y)), weft_then(weft_yield(), close_it, &fds[0])),
                        NULL),
               0);
  CHECK_INT_EQ(x.err, -EBADF);
  CHECK_INT_EQ(y.err, -EBADF);
  weft_reader_free(r);
  CHECK_SYS(close(fds[1]));

  expect_misuse("weft_reader_free on a reader in use", free_in_use, "weft_reader_free was called while a fiber uses it");
  return 0;
}
