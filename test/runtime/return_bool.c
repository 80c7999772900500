/* return_bool.c: weft_return, weft_fail and weft_map_to accept the type name bool, which <stdbool.h> defines as a macro.
 * Proves: `bool` names async(bool) in every macro that takes a type name (regression: it expanded to _Bool first). */
#include <weft.h>

#include "check.h"

static bool negate(void *env, bool b) {
  (void)env;
  return !b;
}

static async(bool) handler(void *env, int err) {
  (void)env;
  return weft_return(bool, err == -EIO);
}

int main(void) {
  bool b = false;
  CHECK_INT_EQ(weft_run(weft_return(bool, true), &b), 0);
  CHECK_TRUE(b == true);
  CHECK_INT_EQ(weft_run(weft_fail(bool, -EIO), &b), -EIO);
  b = false; /* else the check below would see the first run's true */
  CHECK_INT_EQ(weft_run(weft_catch(weft_fail(bool, -EIO), handler, NULL), &b), 0);
  CHECK_TRUE(b == true);
  CHECK_INT_EQ(weft_run(weft_map_to(bool, weft_return(bool, true), negate, NULL), &b), 0);
  CHECK_TRUE(b == false);
  return 0;
}
