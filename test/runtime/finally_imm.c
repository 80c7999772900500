/* finally_imm.c: finally.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: finalisers around immediates, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "finally.c"
