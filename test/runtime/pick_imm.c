/* pick_imm.c: pick.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: weft_pick with immediate branches, the loser cancelled, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "pick.c"
