/* Does not compile: an undeclared identifier. */
#include <weft.h>

async(void) broken(void) { return weft_write(1, undeclared, 1); }
