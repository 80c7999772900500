// RUN: %weft_verify %s
// An action's value travels as one machine word (the ABI contract): only
// integer, enum, bool and pointer types of at most pointer size qualify.
#include <weft.h>

struct point {
  int x, y;
};

WEFT_ASYNC_TYPE(dbl, double); // expected-error {{'async(dbl)' carries a value of type 'double', which is not an integer, enum, bool or pointer type; an action's value must travel as one machine word}}
WEFT_ASYNC_TYPE(point, struct point); // expected-error {{'async(point)' carries a value of type 'struct point', which is not an integer, enum, bool or pointer type}}
WEFT_ASYNC_TYPE(wide, __int128); // expected-error {{'async(wide)' carries a value of type '__int128', which is wider than a pointer}}
