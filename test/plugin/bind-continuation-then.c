// RUN: %weft_verify %s
// RUN: not %weft_cc -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s
// UNSUPPORTED: clang-22
// weft_bind on an async(void) action: C rejects the call, and the checker
// says to use weft_then, with the fix-it.  Clang 22 drops the statement after
// C's own errors, so only Clang 14 and 19 reach the checker here.
#include <weft.h>

static async(void) k_unit(void *env) {
  (void)env;
  return weft_return(void);
}

async(void) void_action(void) {
  // expected-error@+4 {{too many arguments to function call}}
  // expected-error-re@+3 {{{{illegal initializer type|initialization of non-aggregate type}} 'void'{{.*}}}}
  // expected-error@+2 {{returning 'void' from a function with incompatible result type}}
  // expected-error@+1 {{weft_bind on an action of type 'async(void)', which has no value to pass; use weft_then}}
  return weft_bind(weft_write(1, "x", 1), k_unit, NULL);
}
// CHECK: fix-it:"{{.*}}bind-continuation-then.c":{[[@LINE-2]]:10-[[@LINE-2]]:19}:"weft_then"
