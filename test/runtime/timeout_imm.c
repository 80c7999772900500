/* timeout_imm.c: timeout.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: weft_timeout of immediates and of slow actions, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "timeout.c"
