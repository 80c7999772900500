// RUN: rm -rf %t && split-file %s %t
// RUN: %weft_verify -I%t %t/nested.c
// RUN: %weft_verify -I%t %t/header.c
// RUN: %weft_verify -I%t %t/redefined.c
// RUN: %weft_verify -I%t %t/tested.c
// The checker skips the weft_unchecked test when the preprocessor never
// expanded weft_unchecked (docs/checker.md, "Checker cost").  Each file
// below expands it only where that skip could go wrong: through a macro of
// the user's, in an included header, under a definition that replaced
// weft.h's; the expression inside stays unreported, the same one outside is
// reported.  The last file only tests the name (#ifdef, defined()) and never
// expands it: every finding is reported.

//--- nested.c
#include <weft.h>
#define SEND_QUIETLY() weft_unchecked(weft_write(1, "x", 1))
async(void) nested(void) {
  SEND_QUIETLY();
  // expected-warning@+1 {{is discarded and never runs}}
  weft_write(1, "y", 1);
  return weft_return(void);
}

//--- quiet.h
static inline async(void) from_header(void) {
  weft_unchecked(weft_write(1, "x", 1));
  return weft_return(void);
}

//--- header.c
#include <weft.h>
#include "quiet.h"
async(void) header(void) {
  // expected-warning@+1 {{is discarded and never runs}}
  weft_write(1, "y", 1);
  return from_header();
}

//--- redefined.c
#include <weft.h>
#undef weft_unchecked
#define weft_unchecked(...) (__VA_ARGS__)
async(void) redefined(void) {
  weft_unchecked(weft_write(1, "x", 1));
  // expected-warning@+1 {{is discarded and never runs}}
  weft_write(1, "y", 1);
  return weft_return(void);
}

//--- tested.c
#include <weft.h>
#ifdef weft_unchecked
#endif
#if defined(weft_unchecked)
#endif
async(void) tested(void) {
  // expected-warning@+1 {{is discarded and never runs}}
  weft_write(1, "x", 1);
  // expected-warning@+1 {{is discarded and never runs}}
  weft_write(1, "y", 1);
  return weft_return(void);
}
