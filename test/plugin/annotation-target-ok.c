// RUN: %weft_verify %s
// Close to annotation-target.c but valid: the attributes on functions and
// on function pointers.
// expected-no-diagnostics
#include <weft.h>

noyield int count_items(void);
mayyield void pump(void);
weft_boundary void trusted(void);
weft_blocking void slow(void);

struct ops {
  noyield int (*size)(void);
};
noyield int (*current_size)(void);
