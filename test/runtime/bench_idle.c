/* bench_idle.c: a benchmark, not a check: the heap bytes each idle connection costs while its fiber waits in weft_read.
 * Prints the figure (issue 7, section 6: a read buffer is taken when data is ready, not while waiting). */
#include <malloc.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

/* Each connection is one end of a socketpair whose other end stays open and
 * silent, so its fiber waits in weft_read as an idle server connection does. */
struct bench {
  int n;
  int *fds; /* 2 per connection: [2i] weft's end, [2i+1] the silent peer */
  size_t heap_before;
  size_t heap_idle;
};

/* Heap in use, including blocks malloc placed in mappings of their own (the
 * fd table of 10^4 connections is one such block). */
static size_t heap_in_use(void) {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

static async(void) ignore_read(void *env, char *s) {
  (void)env;
  (void)s;
  return weft_return(void);
}

static async(void) measure(struct bench *b, long slept) {
  (void)slept;
  b->heap_idle = heap_in_use();
  return weft_return(void);
}

static async(void) start(struct bench *b) {
  for (int i = 0; i < b->n; i++) weft_spawn(weft_bind(weft_read(b->fds[2 * i], 16384), ignore_read, NULL));
  /* Every spawned fiber runs (and waits) before the sleep ends. */
  return weft_bind(weft_sleep_ms(50), measure, b);
}

int main(int argc, char **argv) {
  struct rlimit rl;
  CHECK_SYS(getrlimit(RLIMIT_NOFILE, &rl));
  rl.rlim_cur = rl.rlim_max;
  CHECK_SYS(setrlimit(RLIMIT_NOFILE, &rl));
  struct bench b = {.n = argc > 1 ? atoi(argv[1]) : 10000};
  long room = ((long)rl.rlim_cur - 64) / 2;
  if (b.n > room) b.n = (int)room;
  CHECK_INT_GT(b.n, 0);
  b.fds = malloc(sizeof *b.fds * 2 * (size_t)b.n);
  CHECK_TRUE(b.fds != NULL);
  for (int i = 0; i < b.n; i++) CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, &b.fds[2 * i]));

  b.heap_before = heap_in_use();
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), start, &b), NULL), 0);
  printf("idle connections: %d\nheap bytes per idle connection: %.0f\n", b.n,
         ((double)b.heap_idle - (double)b.heap_before) / b.n);

  for (int i = 0; i < 2 * b.n; i++) CHECK_SYS(close(b.fds[i]));
  free(b.fds);
  return 0;
}
