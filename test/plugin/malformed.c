// RUN: %weft_verify %s
// Malformed uses of weft.h's macros get the compiler's own errors and no
// crash: the checker skips what Sema could not make sense of.
#include <weft.h>

static async(void) k_print(void *env, char *s) {
  (void)env;
  (void)s;
  return weft_return(void);
}

// With the wrong number of arguments weft_bind is not expanded at all.
async(void) too_few(async(str) m) {
  // expected-error@+3 {{too few arguments provided to function-like macro invocation}}
  // expected-error@+2 {{use of undeclared identifier 'weft_bind'}}
  // expected-error@+1 {{from a function with incompatible result type}}
  return weft_bind(m, k_print);
}

async(void) too_many(async(str) m) {
  // expected-error@+3 {{too many arguments provided to function-like macro invocation}}
  // expected-error@+2 {{use of undeclared identifier 'weft_bind'}}
  // expected-error@+1 {{from a function with incompatible result type}}
  return weft_bind(m, k_print, NULL, NULL);
}
// expected-note@* 2 {{macro 'weft_bind' defined here}}
// expected-note@* 2 {{'weft__bind' declared here}}

// expected-error@+1 {{unknown type name 'weft_async_nosuchtype'}}
async(nosuchtype) unknown_type(void);

async(void) not_an_action(int n) {
  // expected-error@+3 2 {{member reference base type 'int' is not a structure or union}}
  // expected-error-re@+2 {{{{illegal initializer type|initialization of non-aggregate type}} 'void'{{.*}}}}
  // expected-error@+1 0-1 {{returning 'void' from a function with incompatible result type}}
  return weft_bind(n, k_print, NULL);
}

async(void) no_continuation(async(str) m) {
  // expected-error@+3 {{use of undeclared identifier 'nowhere'}}
  // expected-error-re@+2 {{{{illegal initializer type|initialization of non-aggregate type}} 'void'{{.*}}}}
  // expected-error@+1 0-1 {{returning 'void' from a function with incompatible result type}}
  return weft_bind(m, nowhere, NULL);
}

noyield int not_a_function; // expected-error {{'noyield' applies to functions and function pointers, not to a variable of type 'int'}}
