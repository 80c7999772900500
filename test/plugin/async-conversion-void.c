// RUN: %weft_verify -Wno-format %s
// An async(void) action produces no value: every diagnostic that would
// advise weft_bind advises weft_then instead, and an action with a value
// keeps the weft_bind advice.
#include <weft.h>
#include <stdio.h>

async(void) done(void);
async(int) count(void);

int as_value(void) {
  // expected-error@+2 {{this expression has type 'async(void)' but a value of type 'int' was expected; it produces no value, sequence it with weft_then}}
  // expected-error@+1 {{initializing 'int' with an expression of incompatible type}}
  int x = done();
  // expected-error@+2 {{this expression has type 'async(int)' but a value of type 'int' was expected; bind it with weft_bind to use the 'int' it produces}}
  // expected-error@+1 {{initializing 'int' with an expression of incompatible type}}
  int y = count();
  return x + y;
}

union any {
  int i;
  async(void) v; // expected-error {{union member 'v' holds an action}}
};

void as_cast(void) {
  // A GNU cast to a union type is the one cast C lets through.
  // expected-error@+1 {{cannot cast an action of type 'async(void)' to 'union any'; it produces no value, sequence it with weft_then}}
  union any a = (union any)done();
  (void)a;
}

void as_variadic(void) {
  // expected-error@+1 {{an action of type 'async(void)' cannot be passed as a variadic argument; it produces no value, sequence it with weft_then}}
  printf("%p\n", done());
}

async(void) as_condition(void) {
  // expected-error@+2 {{an action of type 'async(void)' is used as a condition; it produces no value to test, sequence it with weft_then}}
  // expected-error@+1 {{statement requires expression of scalar type}}
  if (done())
    return weft_return(void);
  return weft_return(void);
}
