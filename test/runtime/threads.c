/* threads.c: the loop's state is per thread: two threads run their own weft_run at the same time.
 * Proves: each loop does its own transfer, timeout and cancellation, and leaks nothing when its thread ends. */
#include <pthread.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { TOTAL = 4 << 20 };

struct worker {
  int fds[2];
  char *data;
  long received;
  int finals;
  int rc;
};

static async(void) drain_step(struct worker *w, char *d);

static async(void) drain(struct worker *w) { return weft_bind(weft_read(w->fds[0], 65536), drain_step, w); }

static async(void) drain_step(struct worker *w, char *d) {
  size_t n = weft_str_len(d);
  if (n == 0) return weft_return(void);
  CHECK_MEM_EQ(d, w->data + w->received, n);
  w->received += (long)n;
  return drain(w);
}

static async(void) close_writer(struct worker *w) { return weft_close(w->fds[1]); }

static async(void) count_final(struct worker *w) {
  w->finals++;
  return weft_return(void);
}

static async(void) ignore(struct worker *w, long v) {
  (void)w;
  (void)v;
  return weft_return(void);
}

static async(long) timed_out(struct worker *w, int err) {
  (void)w;
  CHECK_INT_EQ(err, -ETIMEDOUT);
  return weft_return(long, 0);
}

static void *work(void *arg) {
  struct worker *w = arg;
  /* A transfer, and beside it a long sleep cancelled by a short timeout. */
  async(void) transfer = weft_join(weft_then(weft_write(w->fds[1], w->data, TOTAL), close_writer, w),
                                   weft_then(weft_return(void), drain, w));
  async(void) timed = weft_bind(weft_catch(weft_timeout(weft_finally(weft_sleep_ms(60000), count_final, w), 30),
                                           timed_out, w),
                                ignore, w);
  w->rc = weft_run(weft_join(transfer, timed), NULL);
  return NULL;
}

int main(void) {
  struct worker w[2] = {{.rc = 1}, {.rc = 1}};
  pthread_t th[2];
  for (int k = 0; k < 2; k++) {
    test_pipe(w[k].fds);
    w[k].data = malloc(TOTAL);
    CHECK_TRUE(w[k].data != NULL);
    for (long i = 0; i < TOTAL; i++) w[k].data[i] = (char)(i * (k + 3) + (i >> 12));
  }
  for (int k = 0; k < 2; k++) CHECK_INT_EQ(pthread_create(&th[k], NULL, work, &w[k]), 0);
  for (int k = 0; k < 2; k++) CHECK_INT_EQ(pthread_join(th[k], NULL), 0);
  for (int k = 0; k < 2; k++) {
    CHECK_INT_EQ(w[k].rc, 0);
    CHECK_INT_EQ(w[k].received, TOTAL);
    CHECK_INT_EQ(w[k].finals, 1);
    CHECK_SYS(close(w[k].fds[0]));
    free(w[k].data);
  }
  return 0;
}
