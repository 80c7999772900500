/* stack_left_nested_imm.c: stack_left_nested.c with weft_return's immediates (what NDEBUG builds use) in place of nodes.
 * Proves: left-nested binds of immediates run in constant stack at -O0, as with nodes. */
#define WEFT_IMMEDIATE_RETURN 1
#include "stack_left_nested.c"
