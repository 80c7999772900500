/* read.c: weft_read delivers up to n bytes as soon as any are there, "" at end of input, binary data intact.
 * Proves: EOF, NULs, short reads, n 0, two readers served in turn, huge n, and the buffer rule (other fibers' reads, after weft_run). */
#include <weft.h>

#include "check.h"
#include "support.h"

struct rd {
  int a[2], b[2];
  char *kept;
  size_t kept_len;
  int other_reads;
  char other[16];
};

static async(str) read_a(struct rd *r, size_t n) { return weft_read(r->a[0], n); }

static async(void) other_fiber_step(struct rd *r, char *s);

static async(void) other_fiber(struct rd *r) {
  return weft_bind(weft_read(r->b[0], 2), other_fiber_step, r);
}

/* Another fiber that completes several reads of its own. */
static async(void) other_fiber_step(struct rd *r, char *s) {
  if (weft_str_len(s) == 0) return weft_return(void);
  strncat(r->other, s, sizeof r->other - strlen(r->other) - 1);
  r->other_reads++;
  return other_fiber(r);
}

static async(void) check_kept(struct rd *r, long slept) {
  (void)slept;
  /* Other fibers have read meanwhile; this fiber has not, so its buffer
   * must still hold what it read. */
  CHECK_INT_EQ(r->other_reads, 3);
  CHECK_UINT_EQ(weft_str_len(r->kept), r->kept_len);
  CHECK_MEM_EQ(r->kept, "mine\0!", 6);
  return weft_return(void);
}

static async(void) keep_and_wait(struct rd *r, char *s) {
  r->kept = s;
  r->kept_len = weft_str_len(s);
  weft_spawn(other_fiber(r));
  return weft_bind(weft_sleep_ms(30), check_kept, r);
}

static const char bin[] = {'a', '\0', 'b', '\0', '\0', 'c', (char)0xff};

/* Checks run inside continuations: a read's buffer belongs to its fiber
 * and is gone once weft_run has returned. */
static async(void) check_bin(struct rd *r, char *s) {
  (void)r;
  CHECK_UINT_EQ(weft_str_len(s), sizeof bin);
  CHECK_MEM_EQ(s, bin, sizeof bin);
  CHECK_INT_EQ(s[sizeof bin], '\0');
  return weft_return(void);
}

static async(void) check_rest(struct rd *r, char *s) {
  (void)r;
  /* Fewer than n available: the read returned what was there. */
  CHECK_UINT_EQ(weft_str_len(s), 6);
  CHECK_STR_EQ(s, "456789");
  return weft_return(void);
}

static async(void) check_first4(struct rd *r, char *s) {
  CHECK_UINT_EQ(weft_str_len(s), 4);
  CHECK_STR_EQ(s, "0123");
  return weft_bind(weft_read(r->a[0], 4096), check_rest, r);
}

static async(void) check_newline(struct rd *r, char *s) {
  (void)r;
  CHECK_UINT_EQ(weft_str_len(s), 1);
  CHECK_STR_EQ(s, "\n");
  return weft_return(void);
}

static async(void) check_eof_again(struct rd *r, char *s) {
  (void)r;
  CHECK_UINT_EQ(weft_str_len(s), 0);
  return weft_return(void);
}

static async(void) check_eof(struct rd *r, char *s) {
  CHECK_TRUE(s != NULL);
  CHECK_UINT_EQ(weft_str_len(s), 0);
  CHECK_STR_EQ(s, "");
  /* End of input is not consumed: asking again gives "" again. */
  return weft_bind(weft_bind(weft_return(size_t, 5), read_a, r), check_eof_again, r);
}

/* Two fibers reading one fd are served in the order they asked. */
static async(void) first_got(struct rd *r, char *s) {
  (void)r;
  CHECK_STR_EQ(s, "1");
  return weft_return(void);
}

static async(void) second_got(struct rd *r, char *s) {
  (void)r;
  CHECK_STR_EQ(s, "2");
  return weft_return(void);
}

static async(void) second_reader(struct rd *r) { return weft_bind(weft_read(r->a[0], 1), second_got, r); }

int main(void) {
  struct rd r = {0};
  char *s = NULL;
  test_pipe(r.a);
  test_pipe(r.b);

  /* Binary bytes with NULs: all counted, and NUL-terminated after them. */
  CHECK_INT_EQ(write(r.a[1], bin, sizeof bin), (ssize_t)sizeof bin);
  CHECK_INT_EQ(weft_run(weft_bind(weft_read(r.a[0], 64), check_bin, &r), NULL), 0);

  /* At most n bytes; the rest stays for the next read. */
  CHECK_INT_EQ(write(r.a[1], "0123456789", 10), 10);
  CHECK_INT_EQ(weft_run(weft_bind(weft_read(r.a[0], 4), check_first4, &r), NULL), 0);

  /* A read of 1 byte. */
  CHECK_INT_EQ(write(r.a[1], "\n", 1), 1);
  CHECK_INT_EQ(weft_run(weft_bind(weft_read(r.a[0], 1), check_newline, &r), NULL), 0);

  /* The buffer rule: other fibers' reads do not invalidate this one's. */
  CHECK_INT_EQ(write(r.a[1], "mine\0!", 6), 6);
  CHECK_INT_EQ(write(r.b[1], "x1y2z3", 6), 6);
  CHECK_SYS(close(r.b[1]));
  CHECK_INT_EQ(weft_run(weft_bind(weft_read(r.a[0], 6), keep_and_wait, &r), NULL), 0);
  CHECK_STR_EQ(r.other, "x1y2z3");

  /* n == 0 is refused. */
  CHECK_INT_EQ(weft_run(weft_read(r.a[0], 0), &s), -EINVAL);

  /* Readers queue: the first in line gets the first byte. */
  CHECK_INT_EQ(write(r.a[1], "12", 2), 2);
  CHECK_INT_EQ(weft_run(weft_join(weft_bind(weft_read(r.a[0], 1), first_got, &r),
                                  weft_then(weft_return(void), second_reader, &r)),
                        NULL),
               0);

  /* A string that weft_run returns stays valid after the loop closed (until
   * the next weft_run returns): the one read directly, and the one a
   * weft_pick's winning branch read. */
  CHECK_INT_EQ(write(r.a[1], "result", 6), 6);
  CHECK_INT_EQ(weft_run(weft_read(r.a[0], 64), &s), 0);
  CHECK_UINT_EQ(weft_str_len(s), 6);
  CHECK_STR_EQ(s, "result");
  int idle[2];
  test_pipe(idle);
  CHECK_INT_EQ(write(r.a[1], "winner", 6), 6);
  CHECK_INT_EQ(weft_run(weft_pick(weft_read(idle[0], 64), weft_read(r.a[0], 64)), &s), 0);
  CHECK_UINT_EQ(weft_str_len(s), 6);
  CHECK_STR_EQ(s, "winner");

  /* A huge n asks for "up to n": served, not refused for want of memory. */
  CHECK_INT_EQ(write(r.a[1], "huge", 4), 4);
  CHECK_INT_EQ(weft_run(weft_read(r.a[0], SIZE_MAX), &s), 0);
  CHECK_STR_EQ(s, "huge");

  /* End of input: "" with length 0. */
  CHECK_SYS(close(r.a[1]));
  CHECK_INT_EQ(weft_run(weft_bind(weft_read(r.a[0], 16), check_eof, &r), NULL), 0);

  close(r.a[0]);
  close(r.b[0]);
  close(idle[0]);
  close(idle[1]);
  return 0;
}
