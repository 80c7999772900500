// RUN: %weft_verify -Wno-literal-conversion %s
// A floating value given to weft_return for an integer, enum or bool value
// type is truncated toward zero (or made true) without a word from C.
#include <weft.h>

enum colour { RED, GREEN };
WEFT_ASYNC_TYPE(colour, enum colour);

async(long) half(void) {
  // expected-error@+1 {{value of type 'double' cannot be carried by 'async(long)', whose value has type 'long'; weft_return a 'long'}}
  return weft_return(long, 2.5);
}

async(int) ratio(float f) {
  // expected-error@+1 {{value of type 'float' cannot be carried by 'async(int)', whose value has type 'int'}}
  return weft_return(int, f * 2);
}

async(size_t) size(long double d) {
  // expected-error@+1 {{value of type 'long double' cannot be carried by 'async(size_t)', whose value has type 'size_t'}}
  return weft_return(size_t, d);
}

async(bool) truth(double d) {
  // expected-error@+1 {{value of type 'double' cannot be carried by 'async(bool)', whose value has type 'bool'}}
  return weft_return(bool, d);
}

async(colour) hue(double d) {
  // expected-error@+1 {{value of type 'double' cannot be carried by 'async(colour)', whose value has type 'enum colour'}}
  return weft_return(colour, d);
}

// Converted explicitly, the truncation is the author's.
async(long) rounded(double d) { return weft_return(long, (long)(d + 0.5)); }
