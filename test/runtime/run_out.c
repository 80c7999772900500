/* run_out.c: weft_run stores the action's value in *out for every built-in type, or returns the failure.
 * Proves: extreme and negative values round-trip exactly, neighbouring bytes are untouched, out may be NULL. */
#include <limits.h>
#include <stdint.h>
#include <weft.h>

#include "check.h"

static bool is_positive(void *env, int v) {
  (void)env;
  return v > 0;
}

int main(void) {
  /* Each out sits between guards: a store of the wrong width shows. */
  struct { int lo; int v; int hi; } i = {0x5a5a5a5a, 0, 0x5a5a5a5a};
  struct { char lo; bool v; char hi; } b = {0x5a, false, 0x5a};

  CHECK_INT_EQ(weft_run(weft_return(int, -1), &i.v), 0);
  CHECK_INT_EQ(i.v, -1);
  CHECK_INT_EQ(i.lo, 0x5a5a5a5a);
  CHECK_INT_EQ(i.hi, 0x5a5a5a5a);
  CHECK_INT_EQ(weft_run(weft_return(int, INT_MIN), &i.v), 0);
  CHECK_INT_EQ(i.v, INT_MIN);
  CHECK_INT_EQ(weft_run(weft_return(int, INT_MAX), &i.v), 0);
  CHECK_INT_EQ(i.v, INT_MAX);
  CHECK_INT_EQ(i.hi, 0x5a5a5a5a);

  long l = 0;
  CHECK_INT_EQ(weft_run(weft_return(long, LONG_MIN), &l), 0);
  CHECK_INT_EQ(l, LONG_MIN);
  CHECK_INT_EQ(weft_run(weft_return(long, -2), &l), 0);
  CHECK_INT_EQ(l, -2);

  ssize_t ss = 0;
  CHECK_INT_EQ(weft_run(weft_return(ssize_t, -4096), &ss), 0);
  CHECK_INT_EQ(ss, -4096);

  size_t z = 0;
  CHECK_INT_EQ(weft_run(weft_return(size_t, SIZE_MAX), &z), 0);
  CHECK_UINT_EQ(z, SIZE_MAX);

  /* async(bool) comes from weft_map here; weft_return(bool, v) has a test
   * of its own (return_bool.c). */
  CHECK_INT_EQ(weft_run(weft_map(weft_return(int, 1), is_positive, NULL), &b.v), 0);
  CHECK_TRUE(b.v == true);
  CHECK_INT_EQ(b.lo, 0x5a);
  CHECK_INT_EQ(b.hi, 0x5a);
  CHECK_INT_EQ(weft_run(weft_map(weft_return(int, -1), is_positive, NULL), &b.v), 0);
  CHECK_TRUE(b.v == false);

  static char text[] = "text";
  char *s = NULL;
  CHECK_INT_EQ(weft_run(weft_return(str, text), &s), 0);
  CHECK_PTR_EQ(s, text);
  CHECK_INT_EQ(weft_run(weft_return(str, NULL), &s), 0);
  CHECK_PTR_EQ(s, NULL);

  void *p = NULL;
  CHECK_INT_EQ(weft_run(weft_return(ptr, &l), &p), 0);
  CHECK_PTR_EQ(p, &l);

  /* out may be NULL for any type. */
  CHECK_INT_EQ(weft_run(weft_return(long, 5), NULL), 0);
  CHECK_INT_EQ(weft_run(weft_return(void), NULL), 0);

  /* A failure is the return value, whatever the type. */
  CHECK_INT_EQ(weft_run(weft_fail(int, -EINVAL), &i.v), -EINVAL);
  CHECK_INT_EQ(weft_run(weft_fail(str, -ENOMEM), &s), -ENOMEM);
  CHECK_INT_EQ(weft_run(weft_fail(-EPERM), NULL), -EPERM);
  CHECK_INT_EQ(weft_run(weft_fail(size_t, -E2BIG), &z), -E2BIG);
  return 0;
}
