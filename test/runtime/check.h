/* check.h: typed assertions for the runtime tests; a failed check prints both values and file:line and exits 1.
 * Shared by every test in test/runtime/ (a failing check is what makes a ctest entry fail). */
#ifndef WEFT_TEST_CHECK_H
#define WEFT_TEST_CHECK_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exit with status 1 after printing where and why.  exit(), not abort(), so
 * that a failed check is told apart from a crash in the ctest log. */
#define CHECK_FAILED_(...)                                                        \
  do {                                                                           \
    fprintf(stderr, "%s:%d: check failed: ", __FILE__, __LINE__);                \
    fprintf(stderr, __VA_ARGS__);                                                \
    fputc('\n', stderr);                                                         \
    exit(1);                                                                     \
  } while (0)

/* Signed integers of any width are compared as intmax_t, so that a negative
 * int and a huge unsigned value never compare equal by accident. */
#define CHECK_INT_CMP_(a, op, b)                                                  \
  do {                                                                           \
    intmax_t check_a_ = (intmax_t)(a), check_b_ = (intmax_t)(b);                 \
    if (!(check_a_ op check_b_))                                                 \
      CHECK_FAILED_("%s %s %s: %jd vs %jd", #a, #op, #b, check_a_, check_b_);    \
  } while (0)
#define CHECK_INT_EQ(a, b) CHECK_INT_CMP_(a, ==, b)
#define CHECK_INT_NE(a, b) CHECK_INT_CMP_(a, !=, b)
#define CHECK_INT_LT(a, b) CHECK_INT_CMP_(a, <, b)
#define CHECK_INT_LE(a, b) CHECK_INT_CMP_(a, <=, b)
#define CHECK_INT_GT(a, b) CHECK_INT_CMP_(a, >, b)
#define CHECK_INT_GE(a, b) CHECK_INT_CMP_(a, >=, b)

#define CHECK_UINT_CMP_(a, op, b)                                                 \
  do {                                                                           \
    uintmax_t check_a_ = (uintmax_t)(a), check_b_ = (uintmax_t)(b);              \
    if (!(check_a_ op check_b_))                                                 \
      CHECK_FAILED_("%s %s %s: %ju vs %ju", #a, #op, #b, check_a_, check_b_);    \
  } while (0)
#define CHECK_UINT_EQ(a, b) CHECK_UINT_CMP_(a, ==, b)
#define CHECK_UINT_LE(a, b) CHECK_UINT_CMP_(a, <=, b)
#define CHECK_UINT_GE(a, b) CHECK_UINT_CMP_(a, >=, b)

#define CHECK_PTR_EQ(a, b)                                                        \
  do {                                                                           \
    const void *check_a_ = (a), *check_b_ = (b);                                 \
    if (check_a_ != check_b_)                                                    \
      CHECK_FAILED_("%s == %s: %p vs %p", #a, #b, check_a_, check_b_);           \
  } while (0)

#define CHECK_TRUE(cond)                                                          \
  do {                                                                           \
    if (!(cond)) CHECK_FAILED_("%s is false", #cond);                            \
  } while (0)

#define CHECK_STR_EQ(a, b)                                                        \
  do {                                                                           \
    const char *check_a_ = (a), *check_b_ = (b);                                 \
    if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0)              \
      CHECK_FAILED_("%s == %s: \"%s\" vs \"%s\"", #a, #b,                        \
                    check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)"); \
  } while (0)

/* Bytes that may contain NULs: report the first differing offset. */
#define CHECK_MEM_EQ(a, b, n)                                                     \
  do {                                                                           \
    const unsigned char *check_a_ = (const void *)(a), *check_b_ = (const void *)(b); \
    size_t check_n_ = (n);                                                       \
    for (size_t check_i_ = 0; check_i_ < check_n_; check_i_++)                   \
      if (check_a_[check_i_] != check_b_[check_i_])                              \
        CHECK_FAILED_("%s == %s over %zu bytes: byte %zu is 0x%02x vs 0x%02x",    \
                      #a, #b, check_n_, check_i_, check_a_[check_i_], check_b_[check_i_]); \
  } while (0)

/* A system call that must succeed: on -1 print errno's text. */
#define CHECK_SYS(call)                                                           \
  do {                                                                           \
    if ((call) == -1) CHECK_FAILED_("%s: %s", #call, strerror(errno));           \
  } while (0)

#endif /* WEFT_TEST_CHECK_H */
