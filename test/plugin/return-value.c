// RUN: %weft_verify -Wno-int-conversion %s
// RUN: not %weft_cc -Wno-int-conversion -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s
// weft_return(name, v) carries v as the value of async(name): v is of the
// right kind (a pointer for a pointer), and narrowing it is said out loud.
// C's own int-conversion diagnostic is off here: the checker needs none.
// (An action passed as v is rejected by C, which drops the statement.)
#include <weft.h>

async(str) from_integer(long n) {
  // expected-error@+1 {{value of type 'long' cannot be carried by 'async(str)', whose value has type 'char *'; weft_return a 'char *'}}
  return weft_return(str, n);
}

async(int) narrowed(long n) {
  // expected-warning@+1 {{weft_return narrows a value of type 'long' to 'int', the value of 'async(int)'; cast it to 'int' to say so}}
  return weft_return(int, n);
}
// The fix-it: an explicit cast.
// CHECK: fix-it:"{{.*}}return-value.c":{[[@LINE-3]]:27-[[@LINE-3]]:27}:"(int)"
