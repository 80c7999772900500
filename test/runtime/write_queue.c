/* write_queue.c: concurrent weft_writes on one fd are queued first come, first served, each whole; readers queue too.
 * Proves: 10^5 8-byte writers arrive in order; big writes never interleave; a cancelled write is removed, finished whole, or reported. */
#include <weft.h>

#include "check.h"
#include "support.h"

enum { WRITERS = 100000, RECORD = 8, BLOCK = 256 << 10, BLOCKS = 4, HALF = 1 << 20 };

struct wq {
  int p[2];
  int sp[2];     /* the stress case's own pipe */
  char *records; /* WRITERS records of 8 bytes: the writer's number */
  char *blocks;  /* BLOCKS blocks, each filled with its own letter */
  char *half;    /* the write cancelled half way (freed by its finaliser) */
  size_t received;
  size_t expected;
  char *in;      /* everything the reader received */
  int errs[4];
  char got[4];
};

static async(void) drain_step(struct wq *q, char *s);

static async(void) drain(struct wq *q) { return weft_bind(weft_read(q->p[0], 65536), drain_step, q); }

static async(void) drain_step(struct wq *q, char *s) {
  size_t n = weft_str_len(s);
  CHECK_TRUE(n > 0);
  CHECK_UINT_LE(q->received + n, q->expected);
  memcpy(q->in + q->received, s, n);
  q->received += n;
  if (q->received == q->expected) return weft_return(void);
  return drain(q);
}

static async(void) delayed_drain(struct wq *q, long slept) {
  (void)slept;
  return drain(q);
}

/* ---- 10^5 writers of 8 bytes ------------------------------------------- */

static async(void) spawn_writers(struct wq *q) {
  for (long i = 0; i < WRITERS; i++) weft_spawn(weft_write(q->p[1], q->records + i * RECORD, RECORD));
  return drain(q);
}

static void many_writers(struct wq *q) {
  q->expected = (size_t)WRITERS * RECORD;
  q->received = 0;
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), spawn_writers, q), NULL), 0);
  CHECK_UINT_EQ(q->received, (size_t)WRITERS * RECORD);
  /* First come, first served: record i is the i-th to arrive. */
  CHECK_MEM_EQ(q->in, q->records, (size_t)WRITERS * RECORD);
}

/* ---- big writes never interleave --------------------------------------- */

static async(void) write_block(struct wq *q, int k) { return weft_write(q->p[1], q->blocks + (size_t)k * BLOCK, BLOCK); }

static void big_writers(struct wq *q) {
  q->expected = (size_t)BLOCKS * BLOCK;
  q->received = 0;
  CHECK_INT_EQ(weft_run(weft_join(weft_join(weft_join(write_block(q, 0), write_block(q, 1)),
                                            weft_join(write_block(q, 2), write_block(q, 3))),
                                  weft_then(weft_return(void), drain, q)),
                        NULL),
               0);
  CHECK_MEM_EQ(q->in, q->blocks, (size_t)BLOCKS * BLOCK);
}

/* ---- cancelling a write ------------------------------------------------ */

static async(void) note_err(int *slot, int err) {
  *slot = err;
  return weft_return(void);
}

static async(void) free_half(struct wq *q) {
  /* The program may free its buffer once the write is cancelled: what is
   * still to be sent must not come from here any more. */
  memset(q->half, 'X', HALF);
  free(q->half);
  q->half = NULL;
  return weft_return(void);
}

/* The first write is cut by its timeout half way (the pipe is full and the
 * reader starts late); the second, queued behind it, is cut before its turn;
 * the third waits its turn.  What arrives: all of the first (finished by the
 * runtime), none of the second, all of the third. */
static void cancelled_writes(struct wq *q) {
  q->half = malloc(HALF);
  CHECK_TRUE(q->half != NULL);
  memset(q->half, 'h', HALF);
  q->expected = HALF + 5;
  q->received = 0;
  async(void) first = weft_catch(weft_finally(weft_timeout(weft_write(q->p[1], q->half, HALF), 20), free_half, q),
                                 note_err, &q->errs[0]);
  async(void) second = weft_catch(weft_timeout(weft_write(q->p[1], "never", 5), 10), note_err, &q->errs[1]);
  async(void) third = weft_catch(weft_write(q->p[1], "third", 5), note_err, &q->errs[2]);
  CHECK_INT_EQ(weft_run(weft_join(weft_join(first, weft_join(second, third)),
                                  weft_bind(weft_sleep_ms(60), delayed_drain, q)),
                        NULL),
               0);
  CHECK_INT_EQ(q->errs[0], -ETIMEDOUT);
  CHECK_INT_EQ(q->errs[1], -ETIMEDOUT);
  CHECK_INT_EQ(q->errs[2], 0);
  CHECK_TRUE(q->half == NULL);
  for (size_t i = 0; i < HALF; i++)
    if (q->in[i] != 'h') CHECK_FAILED_("byte %zu of the cancelled write is '%c'", i, q->in[i]);
  CHECK_MEM_EQ(q->in + HALF, "third", 5);
}

/* The loop closes while the rest of a cancelled write still waits for
 * room: it is released (and reported on stderr), nothing leaks. */
static void rest_at_loop_close(struct wq *q) {
  char *buf = malloc(HALF);
  CHECK_TRUE(buf != NULL);
  memset(buf, 'r', HALF);
  CHECK_INT_EQ(weft_run(weft_timeout(weft_write(q->p[1], buf, HALF), 10), NULL), -ETIMEDOUT);
  free(buf);
  size_t drained = 0;
  ssize_t n;
  CHECK_SYS(fcntl(q->p[0], F_SETFL, O_NONBLOCK));
  while ((n = read(q->p[0], q->in, HALF)) > 0) {
    for (ssize_t i = 0; i < n; i++) CHECK_INT_EQ(q->in[i], 'r');
    drained += (size_t)n;
  }
  CHECK_SYS(fcntl(q->p[0], F_SETFL, 0));
  CHECK_UINT_GE(drained, 1);
  CHECK_UINT_LE(drained, HALF - 1);
}

/* Many writers of 1000-byte records, a third of them with short timeouts
 * that cut them before their turn, during it, or not at all, and a reader
 * that drains slowly: the stream is whole records, each in one piece. */
enum { RECORDS = 2000, RSIZE = 1000 };

static async(void) ignore_err(void *env, int err) {
  (void)env;
  CHECK_INT_EQ(err, -ETIMEDOUT);
  return weft_return(void);
}

static async(void) slow_drain_step(struct wq *q, char *s);

static async(void) slow_drain(struct wq *q) { return weft_bind(weft_read(q->sp[0], 4096), slow_drain_step, q); }

static async(void) slow_drain_next(struct wq *q, long slept) {
  (void)slept;
  return slow_drain(q);
}

static async(void) slow_drain_step(struct wq *q, char *s) {
  size_t n = weft_str_len(s);
  if (n == 0) return weft_return(void);
  memcpy(q->in + q->received, s, n);
  q->received += n;
  return weft_bind(weft_sleep_ms(0), slow_drain_next, q);
}

static async(void) close_writer(struct wq *q) { return weft_close(q->sp[1]); }

static async(void) close_after_all(struct wq *q, long slept) {
  (void)slept;
  return weft_then(weft_write(q->sp[1], "", 0), close_writer, q);
}

static async(void) spawn_records(struct wq *q) {
  unsigned seed = 7;
  for (int i = 0; i < RECORDS; i++) {
    char *r = q->records + (size_t)i * RSIZE;
    async(void) w = weft_write(q->sp[1], r, RSIZE);
    seed = seed * 1103515245u + 12345u;
    if ((seed >> 16) % 3 == 0) w = weft_catch(weft_timeout(w, (long)((seed >> 20) % 4)), ignore_err, NULL);
    weft_spawn(w);
  }
  /* Once the spawned writers have started (and queued), an empty write
   * queues behind the last of them; the end is closed after it. */
  return weft_bind(weft_sleep_ms(1), close_after_all, q);
}

static void stress_records(struct wq *q) {
  test_pipe(q->sp);
  for (int i = 0; i < RECORDS; i++) {
    char *r = q->records + (size_t)i * RSIZE;
    memset(r, 'a' + i % 26, RSIZE);
    snprintf(r, 12, "%010d", i);
  }
  q->received = 0;
  CHECK_INT_EQ(weft_run(weft_join(weft_then(weft_return(void), spawn_records, q), weft_then(weft_return(void), slow_drain, q)),
                        NULL),
               0);
  CHECK_INT_EQ(q->received % RSIZE, 0);
  int last = -1;
  for (size_t off = 0; off < q->received; off += RSIZE) {
    int i = atoi(q->in + off);
    CHECK_INT_GT(i, last); /* in order, none twice */
    CHECK_MEM_EQ(q->in + off, q->records + (size_t)i * RSIZE, RSIZE);
    last = i;
  }
  printf("records: %zu of %d arrived whole\n", q->received / RSIZE, RECORDS);
  CHECK_SYS(close(q->sp[0]));
}

/* ---- readers queue ----------------------------------------------------- */

static async(void) got_byte(char *slot, char *s) {
  CHECK_UINT_EQ(weft_str_len(s), 1);
  *slot = s[0];
  return weft_return(void);
}

static async(void) feed(struct wq *q, long slept) {
  (void)slept;
  CHECK_INT_EQ(write(q->p[1], "abc", 3), 3);
  return weft_return(void);
}

static void queued_readers(struct wq *q) {
  memset(q->got, 0, sizeof q->got);
  q->errs[3] = 0;
  /* Three readers wait in line; the second is cancelled before data comes. */
  async(void) r0 = weft_bind(weft_read(q->p[0], 1), got_byte, &q->got[0]);
  async(void) r1 = weft_catch(weft_bind(weft_timeout(weft_read(q->p[0], 1), 5), got_byte, &q->got[1]), note_err,
                              &q->errs[3]);
  async(void) r2 = weft_bind(weft_read(q->p[0], 1), got_byte, &q->got[2]);
  async(void) r3 = weft_bind(weft_read(q->p[0], 1), got_byte, &q->got[3]);
  CHECK_INT_EQ(weft_run(weft_join(weft_join(weft_join(r0, r1), weft_join(r2, r3)), weft_bind(weft_sleep_ms(30), feed, q)),
                        NULL),
               0);
  CHECK_INT_EQ(q->errs[3], -ETIMEDOUT);
  CHECK_INT_EQ(q->got[0], 'a');
  CHECK_INT_EQ(q->got[1], 0);
  CHECK_INT_EQ(q->got[2], 'b');
  CHECK_INT_EQ(q->got[3], 'c');
}

int main(void) {
  struct wq q = {0};
  test_pipe(q.p);
  q.records = malloc((size_t)RECORDS * RSIZE); /* the larger of the two record sets */
  q.blocks = malloc((size_t)BLOCKS * BLOCK);
  q.in = malloc((size_t)RECORDS * RSIZE + HALF);
  CHECK_TRUE(q.records && q.blocks && q.in);
  for (long i = 0; i < WRITERS; i++) {
    char tmp[16];
    snprintf(tmp, sizeof tmp, "%07ld\n", i);
    memcpy(q.records + i * RECORD, tmp, RECORD);
  }
  for (int k = 0; k < BLOCKS; k++) memset(q.blocks + (size_t)k * BLOCK, 'A' + k, BLOCK);

  many_writers(&q);
  big_writers(&q);
  cancelled_writes(&q);
  rest_at_loop_close(&q);
  stress_records(&q);
  queued_readers(&q);

  CHECK_SYS(close(q.p[0]));
  CHECK_SYS(close(q.p[1]));
  free(q.records);
  free(q.blocks);
  free(q.in);
  return 0;
}
