/* sync_nary_imm.c: sync_nary.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: the N-ary combinators fed immediates, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "sync_nary.c"
