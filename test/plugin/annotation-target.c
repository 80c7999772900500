// RUN: %weft_verify %s
// noyield, mayyield, weft_boundary and weft_blocking describe functions (or
// function pointers); on anything else they would mean nothing, silently.
#include <weft.h>

noyield int counter; // expected-error {{'noyield' applies to functions and function pointers, not to a variable of type 'int'}}

struct table {
  mayyield int size; // expected-error {{'mayyield' applies to functions and function pointers, not to a field of type 'int'}}
};

void f(weft_boundary int n); // expected-error {{'weft_boundary' applies to functions and function pointers, not to a parameter of type 'int'}}

void g(void) {
  weft_blocking long local = 0; // expected-error {{'weft_blocking' applies to functions and function pointers, not to a variable of type 'long'}}
  (void)local;
}
