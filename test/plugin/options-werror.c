// RUN: %weft_cc -Xclang -verify=warn %s
// RUN: %weft_cc -Xclang -verify=err -fplugin-arg-weft-werror %s
// RUN: %weft_cc -Xclang -verify=warn -Werror %s
// -fplugin-arg-weft-werror makes the checker's warnings errors; Clang's own
// -Werror cannot, because the checker's diagnostics are custom ones.
#include <weft.h>

async(void) statement(void) {
  // warn-warning@+2 {{action of type 'async(void)' is discarded}}
  // err-error@+1 {{action of type 'async(void)' is discarded}}
  weft_write(1, "x", 1);
  return weft_return(void);
}
