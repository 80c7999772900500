/* consumer.c: a program that uses an installed weft; prints "weft says 42".
 * Covered by test/install/install.sh (CMake package and pkg-config). */
#include <stdio.h>
#include <weft.h>

static async(int) answer(void *env, long slept) {
  (void)env;
  return weft_return(int, slept >= 1 ? 42 : -1);
}

int main(void) {
  int v = 0;
  int rc = weft_run(weft_bind(weft_sleep_ms(1), answer, NULL), &v);
  printf("weft says %d\n", v);
  return rc == 0 && v == 42 ? 0 : 1;
}
