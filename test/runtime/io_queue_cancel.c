/* io_queue_cancel.c: an fd's queue of readers stays first come, first served when readers leave it from any place.
 * Proves: five readers queue on one pipe, those of a mask time out (the head, the middle, the tail, both ends, all but
 * the ends, all, none), two more join after; the rest get the bytes in queue order (io.c, q_append/q_remove). */
#include <errno.h>
#include <unistd.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { READERS = 5, LATE = 2, ALL = READERS + LATE };

struct qt;
struct reader {
  struct qt *t;
  size_t i;
};

struct qt {
  int fds[2];
  unsigned cancel; /* bit i: reader i times out */
  struct reader r[ALL];
  size_t started;    /* readers whose read has joined the queue */
  char got[ALL + 1]; /* the byte reader i got, or '-' when it timed out */
};

static async(void) keep(struct reader *r, char *s) {
  CHECK_UINT_EQ(weft_str_len(s), 1);
  r->t->got[r->i] = s[0];
  return weft_return(void);
}

static async(void) timed_out(struct reader *r, int err) {
  CHECK_INT_EQ(err, -ETIMEDOUT);
  r->t->got[r->i] = '-';
  return weft_return(void);
}

/* The read starts in the same step as this continuation (a bind of a
 * resolved action runs at once), so a started reader is in the queue. */
static async(str) start_read(struct reader *r) {
  r->t->started++;
  return weft_read(r->t->fds[0], 1);
}

/* Every read runs in a branch of its own timeout, so the reads join the
 * queue in the order the readers start. */
static async(void) reader(struct qt *t, size_t i) {
  struct reader *r = &t->r[i];
  r->t = t;
  r->i = i;
  long ms = (t->cancel >> i) & 1u ? 1 : 3600L * 1000;
  async(str) rd = weft_then(weft_return(void), start_read, r);
  return weft_catch(weft_bind(weft_timeout(rd, ms), keep, r), timed_out, r);
}

/* Readers from..to-1, started in that order: join(r_from, join(r_from+1, ...)).
 * (weft_join_n's balanced tree starts its shallower leaves first.) */
static async(void) readers(struct qt *t, size_t from, size_t to) {
  if (from + 1 == to) return reader(t, from);
  return weft_join(reader(t, from), readers(t, from + 1, to));
}

/* Once every reader has queued and the cancelled ones have timed out
 * (polled, so that no timing is assumed: under valgrind the readers may
 * start after a first deadline), the queue has lost them.  Two more readers join at its tail, and one
 * byte per waiting reader arrives. */
static async(void) feed(struct qt *t, long slept) {
  (void)slept;
  size_t waiting = LATE, timed_out = 0;
  for (size_t i = 0; i < READERS; i++) {
    bool cancelled = (t->cancel >> i) & 1u;
    timed_out += t->got[i] == '-';
    waiting += !cancelled;
  }
  if (t->started < READERS || timed_out < READERS + LATE - waiting) return weft_bind(weft_sleep_ms(1), feed, t);
  for (size_t i = 0; i < READERS; i++) CHECK_INT_EQ(t->got[i], (t->cancel >> i) & 1u ? '-' : 0);
  CHECK_INT_EQ(write(t->fds[1], "abcdefg", waiting), (ssize_t)waiting);
  return readers(t, READERS, ALL);
}

static void run_mask(unsigned cancel, const char *expect) {
  struct qt t = {.cancel = cancel};
  test_pipe(t.fds);
  alarm(10);
  CHECK_INT_EQ(weft_run(weft_join(readers(&t, 0, READERS), weft_bind(weft_sleep_ms(2), feed, &t)), NULL), 0);
  alarm(0);
  CHECK_STR_EQ(t.got, expect);
  CHECK_SYS(close(t.fds[0]));
  CHECK_SYS(close(t.fds[1]));
}

int main(void) {
  run_mask(0x00, "abcdefg");
  run_mask(0x01, "-abcdef"); /* the head */
  run_mask(0x04, "ab-cdef"); /* the middle */
  run_mask(0x10, "abcd-ef"); /* the tail: the late readers follow the one before it */
  run_mask(0x11, "-abc-de"); /* both ends */
  run_mask(0x0e, "a---bcd"); /* all but the ends */
  run_mask(0x1f, "-----ab"); /* all: the late readers find an empty queue */
  return 0;
}
