/* map.c: weft_map and weft_map_to apply a plain function to an action's value, for every built-in result type.
 * Proves: negative, bool, pointer and narrow values arrive intact, also at -O2 where narrow returns leave garbage. */
#include <limits.h>
#include <weft.h>

#include "check.h"

WEFT_ASYNC_TYPE(u8, unsigned char);
WEFT_ASYNC_TYPE(i16, short);

struct counter {
  int calls;
};

static int twice(struct counter *c, int v) { c->calls++; return 2 * v; }
static long to_long(struct counter *c, int v) { c->calls++; return (long)v * -100000000000L; }
static size_t to_size(struct counter *c, long v) { c->calls++; return (size_t)v + (size_t)UINT_MAX; }
static bool is_big(struct counter *c, int v) { c->calls++; return v > 5; }
static char *pick_str(struct counter *c, bool b) { c->calls++; return b ? "big" : "small"; }
static void *as_ptr(struct counter *c, char *s) { c->calls++; return s; }
static unsigned char low_byte(struct counter *c, int v) { c->calls++; return (unsigned char)v; }
static short to_short(struct counter *c, int v) { c->calls++; return (short)-v; }
static ssize_t to_ssize(struct counter *c, size_t v) { c->calls++; return -(ssize_t)v; }

/* A bool produced by a map must arrive in a bool parameter as exactly 0 or 1. */
static async(int) from_bool(struct counter *c, bool b) {
  c->calls++;
  return weft_return(int, b ? 1 : 0);
}

static async(int) from_u8(struct counter *c, unsigned char v) {
  c->calls++;
  return weft_return(int, v);
}

int main(void) {
  struct counter c = {0};
  int i = 0;
  long l = 0;
  size_t z = 0;
  bool b = false;
  char *s = NULL;
  void *p = NULL;
  unsigned char u = 0;
  short h = 0;
  ssize_t ss = 0;

  CHECK_INT_EQ(weft_run(weft_map(weft_return(int, -21), twice, &c), &i), 0);
  CHECK_INT_EQ(i, -42);

  CHECK_INT_EQ(weft_run(weft_map(weft_return(int, 3), to_long, &c), &l), 0);
  CHECK_INT_EQ(l, -300000000000L);

  CHECK_INT_EQ(weft_run(weft_map(weft_return(long, 1), to_size, &c), &z), 0);
  CHECK_UINT_EQ(z, (size_t)UINT_MAX + 1);

  CHECK_INT_EQ(weft_run(weft_map(weft_return(int, 6), is_big, &c), &b), 0);
  CHECK_TRUE(b == true);
  CHECK_INT_EQ(weft_run(weft_map(weft_return(int, 5), is_big, &c), &b), 0);
  CHECK_TRUE(b == false);

  CHECK_INT_EQ(weft_run(weft_map(weft_map(weft_return(int, 9), is_big, &c), pick_str, &c), &s), 0);
  CHECK_STR_EQ(s, "big");

  static char text[] = "payload";
  CHECK_INT_EQ(weft_run(weft_map(weft_return(str, text), as_ptr, &c), &p), 0);
  CHECK_PTR_EQ(p, text);

  /* Mapped values feed binds with narrow parameter types. */
  CHECK_INT_EQ(weft_run(weft_bind(weft_map(weft_return(int, 100), is_big, &c), from_bool, &c), &i), 0);
  CHECK_INT_EQ(i, 1);
  CHECK_INT_EQ(weft_run(weft_bind(weft_map(weft_return(int, -1), is_big, &c), from_bool, &c), &i), 0);
  CHECK_INT_EQ(i, 0);

  /* weft_map_to names result types weft_map does not know. */
  CHECK_INT_EQ(weft_run(weft_map_to(u8, weft_return(int, 0x1234), low_byte, &c), &u), 0);
  CHECK_INT_EQ(u, 0x34);
  CHECK_INT_EQ(weft_run(weft_bind(weft_map_to(u8, weft_return(int, 0x1ff), low_byte, &c), from_u8, &c), &i), 0);
  CHECK_INT_EQ(i, 0xff);
  CHECK_INT_EQ(weft_run(weft_map_to(i16, weft_return(int, 1234), to_short, &c), &h), 0);
  CHECK_INT_EQ(h, -1234);
  CHECK_INT_EQ(weft_run(weft_map_to(ssize_t, weft_return(size_t, 77), to_ssize, &c), &ss), 0);
  CHECK_INT_EQ(ss, -77);
  CHECK_INT_EQ(weft_run(weft_map_to(int, weft_return(int, 4), twice, &c), &i), 0);
  CHECK_INT_EQ(i, 8);

  /* Each map ran its function exactly once. */
  CHECK_INT_EQ(c.calls, 18);

  /* A failure skips the function and keeps its code. */
  c.calls = 0;
  CHECK_INT_EQ(weft_run(weft_map(weft_fail(int, -ENOSPC), twice, &c), &i), -ENOSPC);
  CHECK_INT_EQ(c.calls, 0);
  return 0;
}
