/* cancel_unstarted_imm.c: cancel_unstarted.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: a fiber cancelled before its next action (an immediate inside) still runs its finalisers, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "cancel_unstarted.c"
