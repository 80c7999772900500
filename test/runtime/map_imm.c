/* map_imm.c: map.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: weft_map of immediates produces the mapped values, narrow ones re-extended, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "map.c"
