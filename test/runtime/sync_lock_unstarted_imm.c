/* sync_lock_unstarted_imm.c: sync_lock_unstarted.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: weft_with_lock of an action cancelled before it started, immediates inside, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "sync_lock_unstarted.c"
