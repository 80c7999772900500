// RUN: %weft_verify -fplugin-arg-weft-disable=async-drop %s
// RUN: %weft_verify -fplugin-arg-weft-disable=async-reuse,async-drop %s
// -fplugin-arg-weft-disable=<rule>[,<rule>] switches rules off, by the names
// of Checks.def: here the drop below goes unreported.
// expected-no-diagnostics
#include <weft.h>

async(void) statement(void) {
  weft_write(1, "x", 1);
  return weft_return(void);
}
