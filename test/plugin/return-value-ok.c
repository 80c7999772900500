// RUN: %weft_verify %s
// Close to return-value.c but valid: values of the right type, a constant
// that fits, a null pointer, and a narrowing made explicit by a cast.
// expected-no-diagnostics
#include <weft.h>

async(int) exact(int n) { return weft_return(int, n); }
async(int) constant(void) { return weft_return(int, 42L); }
async(str) null(void) { return weft_return(str, NULL); }
async(int) cast(long n) { return weft_return(int, (int)n); }
async(void) unit(void) { return weft_return(void); }
