/* sleep_min: sleeps at least argv[1] seconds (default 1) with the appendix's sleep_min,
 * then says how long it slept.  Covered by test/examples/sleep_min.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

struct nap {
  int left;   /* seconds still to sleep */
  int total;  /* seconds slept so far, for the report */
};

static async(void) loop(struct nap *n);

/*     sleep left >>= fun slept ->
 *     if left < slept then return () else loop (left - slept)
 * The reference's test is off by one: weft_sleep never sleeps less than asked,
 * and when a sleep is exact (always, for `sleep 0`) `left < slept` is false and
 * the loop goes on forever with left = 0.  The intent is "done once the sleep
 * covered what was left", which is `left <= slept`. */
static async(void) slept(struct nap *n, int seconds)
{
  n->total += seconds;
  if (n->left <= seconds)
    return weft_return(void);
  n->left -= seconds;
  return loop(n);
}

/*   let rec loop left = ... */
static async(void) loop(struct nap *n) { return weft_bind(weft_sleep(n->left), slept, n); }

/* let sleep_min sec = ... loop sec */
static async(void) sleep_min(struct nap *n, int sec)
{
  n->left = sec;
  return loop(n);
}

int main(int argc, char **argv)
{
  int sec = argc > 1 ? atoi(argv[1]) : 1;
  if (sec < 0) {
    fprintf(stderr, "usage: sleep_min [seconds >= 0]\n");
    return 2;
  }
  struct nap n = {0};
  int rc = weft_run(sleep_min(&n, sec), NULL);
  if (rc < 0) {
    fprintf(stderr, "sleep_min: %s\n", strerror(-rc));
    return 1;
  }
  printf("asked for at least %d s, slept %d s\n", sec, n.total);
  return 0;
}
