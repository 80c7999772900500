/* bind_loop.c: the bind-loop benchmark: N binds of an action that is already resolved, run by one fiber.
 * Not a test: bench/bind_loop.sh runs it under callgrind with and without call sites and prints the ratio. */
#include <weft.h>

#include <stdio.h>
#include <stdlib.h>

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
  int rc = weft_run(weft_bind(weft_return(long, 0), step, &n), &out);
  if (rc != 0 || out != n) {
    fprintf(stderr, "bind_loop: %d, %ld of %ld binds\n", rc, out, n);
    return 1;
  }
  printf("%ld binds\n", out);
  return 0;
}
