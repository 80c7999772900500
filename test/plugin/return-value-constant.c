// RUN: %weft_verify -Wno-constant-conversion %s
// A constant that the value type of the action cannot hold changes value
// in weft_return whatever the widths are: the checker says which value the
// action will carry.  Constants that fit, and casts, are silent.
#include <weft.h>
#include <stdint.h>

async(int) same_width(void) {
  // expected-warning@+1 {{weft_return converts the constant 3000000000 to 'int', the value of 'async(int)', which changes it to -1294967296; cast it to 'int' to say so}}
  return weft_return(int, 3000000000u);
}

async(size_t) negative_size(void) {
  // expected-warning@+1 {{weft_return converts the constant -1 to 'size_t' (aka 'unsigned long'), the value of 'async(size_t)', which changes it to 18446744073709551615}}
  return weft_return(size_t, -1);
}

async(int) wider(void) {
  // expected-warning@+1 {{weft_return converts the constant 4294967296 to 'int', the value of 'async(int)', which changes it to 0}}
  return weft_return(int, 0x100000000LL);
}

async(long) limit(void) {
  // expected-warning@+1 {{weft_return converts the constant 9223372036854775808 to 'long', the value of 'async(long)', which changes it to -9223372036854775808}}
  return weft_return(long, UINT64_C(9223372036854775808));
}

// Constants that fit, and explicit casts.
async(long) fits_wider(void) { return weft_return(long, 3000000000u); }
async(int) character(void) { return weft_return(int, 'a'); }
async(size_t) size(void) { return weft_return(size_t, sizeof(int)); }
async(int) negative_long(void) { return weft_return(int, -5L); }
async(bool) truth(void) { return weft_return(bool, 2); }
async(ssize_t) signed_size(void) { return weft_return(ssize_t, -1); }
async(size_t) cast(void) { return weft_return(size_t, (size_t)-1); }
enum { LIMIT = 64 };
async(int) enumerator(void) { return weft_return(int, LIMIT); }
