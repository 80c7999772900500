/* join_imm.c: join.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: weft_join with immediate branches, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "join.c"
