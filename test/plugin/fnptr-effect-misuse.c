// RUN: %weft_verify %s
// The effect attributes belong on functions and on declarations of function
// pointers (typedef, field, parameter, variable); anywhere else is an error.
#include <weft.h>

noyield int counter; // expected-error {{'noyield' applies to functions and function pointers, not to 'counter' of type 'int'}}
mayyield char *name; // expected-error {{'mayyield' applies to functions and function pointers, not to 'name' of type 'char *'}}
typedef noyield int quiet_int; // expected-error {{'noyield' applies to functions and function pointers, not to 'quiet_int' of type 'int'}}

struct s {
  noyield long field; // expected-error {{'noyield' applies to functions and function pointers, not to 'field' of type 'long'}}
  noyield void (*ok)(void);
};

typedef void handler(int);
noyield handler *h_ok;
typedef noyield handler quiet_handler;
noyield void (*table_ok[4])(int);
