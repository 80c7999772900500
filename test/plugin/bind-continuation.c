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
  // expected-error@+6 {{too many arguments to function call}}
  // expected-error-re@+5 {{{{illegal initializer type|initialization of non-aggregate type}} 'void'{{.*}}}}
  // Clang 22 drops the whole statement after C's own errors, so the
  // follow-on error and the checker's advice come from Clang 14 and 19 only.
  // expected-error@+2 0-1 {{returning 'void' from a function with incompatible result type}}
  // expected-error@+1 0-1 {{weft_bind on an action of type 'async(void)', which has no value to pass; use weft_then}}
  return weft_bind(weft_write(1, "x", 1), k_unit, NULL);
}
// The checker's advice and its fix-it (weft_then) are tested where Clang
// keeps the statement: bind-continuation-then.c.

static async(void) h_long(void *env, long err) { // expected-note {{parameter declared here}}
  (void)env;
  (void)err;
  return weft_return(void);
}

async(void) wrong_error_type(void) {
  // expected-error@+1 {{handler 'h_long' takes the error as 'long' but a failure's error has type 'int'; declare the parameter as 'int'}}
  return weft_catch(weft_write(1, "x", 1), h_long, NULL);
}
