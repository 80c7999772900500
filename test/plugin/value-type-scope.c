// RUN: %weft_verify %s
// An async type is declared at file scope: declared inside a function (or a
// block of one), no other function can name it, and its value type escapes
// the file-scope check.
#include <weft.h>

WEFT_ASYNC_TYPE(fd, int); // at file scope: fine

async(void) local_types(void) {
  WEFT_ASYNC_TYPE(dbl, double); // expected-error {{'async(dbl)' is declared inside a function, where no other function can name it; write WEFT_ASYNC_TYPE at file scope, in a header shared by the functions that use it}}
  {
    WEFT_ASYNC_TYPE(small, short); // expected-error {{'async(small)' is declared inside a function}}
  }
  return weft_return(void);
}
