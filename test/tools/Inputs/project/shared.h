/* Included by faulty.c and also.c: its finding is reported once. */
#include <weft.h>

static inline async(void) shared_drop(void) {
  weft_write(1, "y", 1);
  return weft_return(void);
}
