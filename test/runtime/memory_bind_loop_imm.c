/* memory_bind_loop_imm.c: memory_bind_loop.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: an endless bind loop over immediates runs in constant memory, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "memory_bind_loop.c"
