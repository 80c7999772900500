/* bind_loop.c: the bind-loop benchmark: N binds of an action that is already resolved, run by one fiber.
 * Not a test: bench/run.py times it (ns per bind) and counts its instructions beside peers/bind_lwt.ml, and
 * bench/bind_loop.sh compares it under callgrind with and without call sites. */
#include <weft.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* let rec step v = if v = n then return v else return (v + 1) >>= step */
static async(long) step(long *n, long v)
{
  if (v == *n)
    return weft_return(long, v);
  return weft_bind(weft_return(long, v + 1), step, n);
}

int main(int argc, char **argv)
{
  long n = argc > 1 ? atol(argv[1]) : 10000000L;
  long out = 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = weft_run(weft_bind(weft_return(long, 0), step, &n), &out);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (rc != 0 || out != n) {
    fprintf(stderr, "bind_loop: %d, %ld of %ld binds\n", rc, out, n);
    return 1;
  }
  double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
  printf("%.2f ns per bind (%ld binds)\n", ns / (double)n, out);
  return 0;
}
