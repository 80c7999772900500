/* No finding: an action built, bound and returned. */
#include <weft.h>

static async(void) print(void *env, char *s) {
  (void)env;
  return weft_write(1, s, weft_str_len(s));
}

async(void) echo_one(void) { return weft_bind(weft_read(0, 1), print, NULL); }
