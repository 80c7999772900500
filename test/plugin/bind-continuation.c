// RUN: %weft_verify %s
// RUN: not %weft_cc -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s
// A continuation takes exactly the action's value type, a weft_catch handler
// the error as exactly int.  C would convert an int into a long parameter
// without a word; the runtime passes the value as one word, so only the exact
// type is right.  (A continuation that returns no action is rejected by C
// itself: weft_bind's result type is k's.)
#include <weft.h>

static async(void) k_long(void *env, long v) { // expected-note {{parameter declared here}}
  (void)env;
  (void)v;
  return weft_return(void);
}
// The fix-it: the parameter's type becomes the action's value type.
// CHECK: fix-it:"{{.*}}bind-continuation.c":{[[@LINE-6]]:38-[[@LINE-6]]:42}:"int"

static async(void) k_unit(void *env) {
  (void)env;
  return weft_return(void);
}

async(void) wrong_value_type(void) {
  // expected-error@+1 {{continuation 'k_long' takes a value of type 'long' but the action has type 'async(int)', whose value has type 'int'; declare the parameter as 'int'}}
  return weft_bind(weft_sleep(1), k_long, NULL);
}

async(void) void_action(void) {
  // expected-error@+4 {{too many arguments to function call}}
  // expected-error-re@+3 {{{{illegal initializer type|initialization of non-aggregate type}} 'void'{{.*}}}}
  // expected-error@+2 {{returning 'void' from a function with incompatible result type}}
  // expected-error@+1 {{weft_bind on an action of type 'async(void)', which has no value to pass; use weft_then}}
  return weft_bind(weft_write(1, "x", 1), k_unit, NULL);
}
// The fix-it: weft_then instead of weft_bind.
// CHECK: fix-it:"{{.*}}bind-continuation.c":{[[@LINE-3]]:10-[[@LINE-3]]:19}:"weft_then"

static async(void) h_long(void *env, long err) { // expected-note {{parameter declared here}}
  (void)env;
  (void)err;
  return weft_return(void);
}

async(void) wrong_error_type(void) {
  // expected-error@+1 {{handler 'h_long' takes the error as 'long' but a failure's error has type 'int'; declare the parameter as 'int'}}
  return weft_catch(weft_write(1, "x", 1), h_long, NULL);
}
