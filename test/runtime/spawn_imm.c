/* spawn_imm.c: spawn.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: spawned actions that are immediates or end in one, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "spawn.c"
