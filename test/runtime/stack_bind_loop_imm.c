/* stack_bind_loop_imm.c: stack_bind_loop.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: a bind loop over immediates runs in constant stack at -O0 on a 256 KiB stack, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "stack_bind_loop.c"
