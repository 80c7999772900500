/* recursion.c: a program (not using weft) that recurses through three functions until its stack overflows.
 * Driven by test/gdb/detect_recursion.py, which finds rec_a -> rec_b -> rec_c in the core with weft detect-recursion. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Each frame also holds two noise words: a copy of a real return address
 * (data that looks like a frame) and a stale return address of an earlier
 * call to another function, the kind a frame's locals keep by accident. */
volatile long sink;
static long stop_at = -1;

void rec_a(long depth);
void rec_b(long depth);
void rec_c(long depth);

__attribute__((noinline)) void *where_am_i(void) { return __builtin_return_address(0); }

/* At depth stop_at, say so and wait to be dumped (the gcore fallback). */
__attribute__((noinline)) static void maybe_stop(long depth) {
  if (depth == stop_at) {
    printf("stopped at depth %ld\n", depth);
    fflush(stdout);
    for (;;) pause();
  }
}

__attribute__((noinline)) void rec_a(long depth) {
  volatile char pad[24];
  pad[0] = (char)depth;
  maybe_stop(depth);
  rec_b(depth + 1);
  sink += pad[0];
}

__attribute__((noinline)) void rec_b(long depth) {
  void *volatile copy = __builtin_return_address(0);
  rec_c(depth + 1);
  sink += (long)copy;
}

__attribute__((noinline)) void rec_c(long depth) {
  void *volatile stale = where_am_i();
  volatile char pad[40];
  pad[0] = (char)depth;
  rec_a(depth + 1);
  sink += pad[0] + (long)stale;
}

int main(int argc, char **argv) {
  if (argc > 1) stop_at = atol(argv[1]);
  rec_a(0);
  return 0;
}
