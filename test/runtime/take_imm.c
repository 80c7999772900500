/* take_imm.c: take.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: slots holding immediates hand each out once, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "take.c"
