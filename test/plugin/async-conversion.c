// RUN: %weft_verify %s
// An action is not the value it produces: wherever a value, or an action of
// another type, is expected, the checker names both types and says to bind.
// Plain C already rejects most of these; the checker's error says what to do,
// and it alone rejects passing an action through '...'.
#include <weft.h>

void log_values(int n, ...);
async(int) give_int(void);
async(str) give_str(void);

async(void) assign_to_value(void) {
  char *s;
  // expected-error@+2 {{assigning to 'char *' from incompatible type}}
  // expected-error@+1 {{this expression has type 'async(str)' but a value of type 'char *' was expected; bind it with weft_bind to use the 'char *' it produces}}
  s = give_str();
  (void)s;
  return weft_return(void);
}

int return_as_value(void) {
  // expected-error@+2 {{from a function with incompatible result type 'int'}}
  // expected-error@+1 {{this expression has type 'async(str)' but a value of type 'int' was expected}}
  return give_str();
}

async(void) variadic(void) {
  // expected-error@+1 {{an action of type 'async(str)' cannot be passed as a variadic argument; bind it with weft_bind}}
  log_values(1, give_str());
  return weft_return(void);
}

async(long) other_async(void) {
  // expected-error@+2 {{from a function with incompatible result type}}
  // expected-error@+1 {{this expression has type 'async(int)' but an action of type 'async(long)' was expected; change its value with weft_map or weft_bind}}
  return give_int();
}

// GNU C's cast to a union type accepts an action without a word.
union smuggle {
  async(int) action; // expected-error {{union member 'action' holds an action, which the other members of 'smuggle' would read or overwrite; use a struct}}
  long raw;
};

long smuggled(async(int) m) {
  // expected-error@+1 {{cannot cast an action of type 'async(int)' to 'union smuggle'; bind it with weft_bind to use the 'int' it produces}}
  return ((union smuggle)m).raw;
}
