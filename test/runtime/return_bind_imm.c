/* return_bind_imm.c: return_bind.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: values flow through binds of immediates unchanged and in order, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "return_bind.c"
