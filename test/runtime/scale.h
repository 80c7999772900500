/* scale.h: the sizes of the stack and memory tests; the sanitizer build (WEFT_TEST_SANITIZE) uses smaller ones.
 * Used by test/runtime/stack_*.c and memory_*.c; the full sizes are those the issue asks for. */
#ifndef WEFT_TEST_SCALE_H
#define WEFT_TEST_SCALE_H

/* Under ASan every allocation and call costs several times more; the
 * reduced sizes still exceed by far what a recursive runtime could survive
 * in a 256 KiB stack (a few thousand frames), so they still prove the
 * property. */
#ifdef WEFT_TEST_SANITIZE
#define TEST_SCALE(full, sanitized) (sanitized)
#else
#define TEST_SCALE(full, sanitized) (full)
#endif

#endif /* WEFT_TEST_SCALE_H */
