// RUN: %weft_verify %s
// 'noyield' on a function that returns an action is itself an error: the
// action runs later, in the loop, where it yields.
#include <weft.h>

noyield async(int) answer(void) { // expected-error {{'noyield' function 'answer' returns an action of type 'async(int)'}}
  return weft_return(int, 42);
}

noyield async(void) declared_only(int fd); // expected-error {{'noyield' function 'declared_only' returns an action of type 'async(void)'}}

// A synchronous noyield function beside it is fine.
noyield int plain(int x) { return x + 1; }
