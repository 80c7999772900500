/* stack_resolved_chain_imm.c: stack_resolved_chain.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: chains of resolved actions over immediates run in constant stack at -O0, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "stack_resolved_chain.c"
