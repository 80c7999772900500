// RUN: %weft_verify -Wno-int-conversion %s
// RUN: not %weft_cc -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s
// Where the fix is mechanical the checker offers it: the continuation's
// parameter type, weft_then for an async(void) action, a cast that makes a
// narrowing explicit.
#include <weft.h>

static async(void) k_long(void *env, long v) { // expected-note {{parameter declared here}}
  (void)env;
  (void)v;
  return weft_return(void);
}
// CHECK: fix-it:"{{.*}}fixits.c":{[[@LINE-5]]:38-[[@LINE-5]]:42}:"int"

static async(void) k_unit(void *env) { // expected-note {{'k_unit' declared here}}
  (void)env;
  return weft_return(void);
}

async(void) wrong_value_type(void) {
  // expected-error@+1 {{declare the parameter as 'int'}}
  return weft_bind(weft_sleep(1), k_long, NULL);
}

async(void) void_action(void) {
  // expected-error@+3 {{too many arguments to function call}}
  // expected-error@+2 {{returning 'void' from a function with incompatible result type}}
  // expected-error@+1 {{use weft_then}}
  return weft_bind(weft_write(1, "x", 1), k_unit, NULL);
}
// CHECK: fix-it:"{{.*}}fixits.c":{[[@LINE-2]]:10-[[@LINE-2]]:19}:"weft_then"

async(int) narrowed(long n) {
  // expected-warning@+1 {{cast it to 'int' to say so}}
  return weft_return(int, n);
}
// CHECK: fix-it:"{{.*}}fixits.c":{[[@LINE-2]]:27-[[@LINE-2]]:27}:"(int)"
