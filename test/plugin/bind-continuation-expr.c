// RUN: %weft_verify -Wno-unknown-warning-option -Wno-deprecated-non-prototype -Wno-strict-prototypes -Wno-int-conversion -Wno-incompatible-pointer-types %s
// A continuation is checked whatever expression gives it: a table's
// element, a struct's member, either branch of ?:, a pointer variable, a
// function declared without a prototype.
#include <weft.h>

async(void) k_long(void *env, long v);   // expected-note {{parameter declared here}}
async(void) k_long2(void *env, long v);  // expected-note {{parameter declared here}}
async(int) h_long(void *env, long err);  // expected-note {{parameter declared here}}
async(int) h_long2(void *env, long err); // expected-note {{parameter declared here}}

typedef async(void) (*cont)(void *env, long v);
cont table[2] = {k_long, k_long};
struct handlers {
  cont on_value;
};

async(void) from_table(int i) {
  // expected-error@+1 {{this continuation takes a value of type 'long' but the action has type 'async(int)', whose value has type 'int'; declare the parameter as 'int'}}
  return weft_bind(weft_sleep(1), table[i], NULL);
}

async(void) from_member(struct handlers *h) {
  // expected-error@+1 {{continuation 'on_value' takes a value of type 'long' but the action has type 'async(int)'}}
  return weft_bind(weft_sleep(1), h->on_value, NULL);
}

async(void) from_conditional(int c) {
  // expected-error@+2 {{continuation 'k_long' takes a value of type 'long' but the action has type 'async(int)'}}
  // expected-error@+1 {{continuation 'k_long2' takes a value of type 'long' but the action has type 'async(int)'}}
  return weft_bind(weft_sleep(1), c ? k_long : k_long2, NULL);
}

async(void) from_pointer(void) {
  cont k = k_long;
  // expected-error@+1 {{continuation 'k' takes a value of type 'long'}}
  return weft_bind(weft_sleep(1), k, NULL);
}

async(int) handler_conditional(int c) {
  // expected-error@+2 {{handler 'h_long' takes the error as 'long' but a failure's error has type 'int'}}
  // expected-error@+1 {{handler 'h_long2' takes the error as 'long'}}
  return weft_catch(weft_sleep(1), c ? h_long : h_long2, NULL);
}

async(void) no_prototype();
async(int) no_prototype_value();

async(void) unprototyped(void) {
  // expected-error@+1 {{continuation 'no_prototype' has a type without a prototype, so the value and env it is given are not checked; declare its parameters}}
  return weft_bind(weft_sleep(1), no_prototype, NULL);
}

async(int) unprototyped_handler(void) {
  // expected-error@+1 {{continuation 'no_prototype_value' has a type without a prototype}}
  return weft_catch(weft_sleep(1), no_prototype_value, NULL);
}
