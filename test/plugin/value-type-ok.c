// RUN: %weft_verify %s
// Close to value-type.c but valid: enums, bools, small integers, and
// pointers to anything (a struct included) fit in one word.
// expected-no-diagnostics
#include <weft.h>

enum color { RED, GREEN };
struct point {
  int x, y;
};

WEFT_ASYNC_TYPE(color, enum color);
WEFT_ASYNC_TYPE(flag, _Bool);
WEFT_ASYNC_TYPE(byte, unsigned char);
WEFT_ASYNC_TYPE(u64, unsigned long long);
WEFT_ASYNC_TYPE(point_ptr, struct point *);
