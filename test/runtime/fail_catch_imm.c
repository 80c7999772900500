/* fail_catch_imm.c: fail_catch.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: failures and handlers beside immediates, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "fail_catch.c"
