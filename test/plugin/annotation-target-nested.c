// RUN: %weft_verify %s
// Effect attributes on fields are checked in every struct: nested in
// another struct, anonymous, or declared inside a function.
#include <weft.h>

struct outer {
  struct inner {
    noyield int count; // expected-error {{'noyield' applies to functions and function pointers, not to a field of type 'int'}}
    noyield void (*ok)(void); // a function pointer: fine
  } in;
  struct {
    mayyield long size; // expected-error {{'mayyield' applies to functions and function pointers, not to a field of type 'long'}}
  } anon;
  union {
    weft_blocking char *name; // expected-error {{'weft_blocking' applies to functions and function pointers, not to a field of type 'char *'}}
  } u;
};

int local(void) {
  struct local_table {
    weft_boundary int n; // expected-error {{'weft_boundary' applies to functions and function pointers, not to a field of type 'int'}}
    struct {
      noyield int deep; // expected-error {{'noyield' applies to functions and function pointers, not to a field of type 'int'}}
    } nested;
  } t = {0};
  return t.n;
}
