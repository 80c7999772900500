// RUN: %weft_verify %s
// RUN: not %weft_cc %s 2>&1 | FileCheck %s
// The ill-typed reference program of the design brief:
//
//   let attempt () =
//     let char = read_stdin 1 in
//     let _ = write_stdout char in ()
//
// `char` is a string async, not a string.  C rejects the initialisation with
// its own words; the checker says it in the program's terms, naming both
// types, and says what to do.  It still runs after the C error.
#include <weft.h>
#include <string.h>

static async(str) read_stdin(size_t n) { return weft_read(0, n); }
static async(void) write_stdout(char *s) { return weft_write(1, s, strlen(s)); }

static async(void) attempt(void) {
  // expected-error@+2 {{initializing 'char *' with an expression of incompatible type}}
  // expected-error@+1 {{this expression has type 'async(str)' but a value of type 'char *' was expected; bind it with weft_bind to use the 'char *' it produces}}
  char *c = read_stdin(1);
  return write_stdout(c);
}

// CHECK: attempt.c:[[@LINE-4]]:13: error: this expression has type 'async(str)' but a value of type 'char *' was expected; bind it with weft_bind to use the 'char *' it produces
// CHECK-NEXT: char *c = read_stdin(1);
