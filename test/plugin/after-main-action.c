// RUN: %clang -c -fplugin=%weft_plugin -I%weft_include %s -o %t.o 2>&1 | FileCheck %s
// RUN: test -s %t.o
// -fplugin alone runs the checker beside a real compile (it is added after
// the main action): the object file is still written, and the checker's
// warning is printed.
#include <weft.h>

async(void) statement(void) {
  weft_write(1, "x", 1);
  return weft_return(void);
}
// CHECK: after-main-action.c:[[@LINE-3]]:3: warning: action of type 'async(void)' is discarded and never runs
