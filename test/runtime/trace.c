/* trace.c: async backtraces: a failure that reaches weft_run's caller lists the combinator sites it passed, in order.
 * Proves: five binds deep (weft_fail, and a read after a wait), join/pick branches, catch, finalisers, the bound, WEFT_TRACE. */
#include <weft.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

/* Each level records the line its combinators are written on, so the test
 * knows where the trace must point without counting lines by hand. */
static int line[8];

static async(int) never(void *env, int v) {
  (void)env;
  (void)v;
  CHECK_FAILED_("a continuation ran after its action failed");
}

static async(int) level5(void) {
  line[5] = __LINE__; return weft_bind(weft_fail(int, -EIO), never, NULL);
}
static async(int) level4(void) {
  line[4] = __LINE__; return weft_bind(level5(), never, NULL);
}
static async(int) level3(void) {
  line[3] = __LINE__; return weft_bind(level4(), never, NULL);
}
static async(int) level2(void) {
  line[2] = __LINE__; return weft_bind(level3(), never, NULL);
}
static async(int) level1(void) {
  line[1] = __LINE__; return weft_bind(level2(), never, NULL);
}

static void check_site(size_t i, const char *func, int at) {
  const struct weft_site *s = weft_failure_site(i);
  if (s == NULL) CHECK_FAILED_("site %zu is missing (want %s:%d)", i, func, at);
  if (strcmp(s->func, func) != 0) CHECK_FAILED_("site %zu is in %s, want %s", i, s->func, func);
  CHECK_INT_EQ(s->line, at);
  CHECK_TRUE(strcmp(s->file, __FILE__) == 0);
}

static async(long) never_long(void *env, long v) {
  (void)env;
  (void)v;
  CHECK_FAILED_("a continuation ran after its action failed");
}
static async(void) never_unit(void *env) {
  (void)env;
  CHECK_FAILED_("a continuation ran after its action failed");
}

/* The same depth, but the failure comes from a primitive (a read of an fd
 * that is not open) after a real wait, through a map and four binds.  The
 * bind that waited is no longer pending when the read fails: a trace lists
 * the continuations still waiting for the failed action, as a stack does. */
static async(str) read_after(void *env, long slept) {
  (void)env;
  (void)slept;
  return weft_read(1000, 1);
}
static long length(void *env, char *s) {
  (void)env;
  return (long)strlen(s);
}
static async(long) p5(void) {
  line[5] = __LINE__; return weft_map_to(long, weft_bind(weft_sleep_ms(1), read_after, NULL), length, NULL);
}
static async(long) p4(void) {
  line[4] = __LINE__; return weft_bind(p5(), never_long, NULL);
}
static async(long) p3(void) {
  line[3] = __LINE__; return weft_bind(p4(), never_long, NULL);
}
static async(long) p2(void) {
  line[2] = __LINE__; return weft_bind(p3(), never_long, NULL);
}
static async(long) p1(void) {
  line[1] = __LINE__; return weft_bind(p2(), never_long, NULL);
}

/* A join whose branch fails: the branch's sites, then the join's caller's. */
static async(void) branch(void *env) {
  (void)env;
  line[6] = __LINE__; return weft_then(weft_fail(-EPIPE), never_unit, NULL);
}
static async(void) joined(void) {
  line[7] = __LINE__; return weft_then(weft_join(weft_then(weft_return(void), branch, NULL), weft_return(void)), never_unit, NULL);
}

static async(int) deep(int n) {
  if (n == 0) return weft_fail(int, -ENOSPC);
  return weft_bind(deep(n - 1), never, NULL);
}

static async(int) recovered(void *env, int err) {
  (void)env;
  (void)err;
  return weft_return(int, 7);
}
static int int_length(void *env, char *s) {
  (void)env;
  return (int)strlen(s);
}
static async(int) after_recovery(void *env, int v) {
  (void)env;
  (void)v;
  line[1] = __LINE__; return weft_map_to(int, weft_read(1000, 1), int_length, NULL);
}

static async(void) spawned_fails(void *env) {
  (void)env;
  line[2] = __LINE__; return weft_then(weft_fail(-ENOTSUP), never_unit, NULL);
}
static async(void) slept(void *env, long ms) {
  (void)env;
  (void)ms;
  return weft_return(void);
}
/* A pick whose branch fails in its primitive, with no frame of its own: the
 * trace starts at the pick.  The other branch would sleep a minute. */
static async(void) picked(void) {
  line[7] = __LINE__; return weft_then(weft_pick(weft_write(1000, "x", 1), weft_bind(weft_sleep_ms(60000), slept, NULL)), never_unit, NULL);
}

/* A finaliser that meets a failure of its own and catches it: the failure
 * it guarded keeps its whole trace. */
static async(void) ignore_err(void *env, int err) {
  (void)env;
  (void)err;
  return weft_return(void);
}
static async(void) fin_catches(void *env) {
  (void)env;
  return weft_catch(weft_fail(-EINTR), ignore_err, NULL);
}
static async(int) guarded(void) {
  line[5] = __LINE__; return weft_bind(weft_finally(weft_bind(weft_fail(int, -EIO), never, NULL), fin_catches, NULL), never, NULL);
}

/* A finaliser that fails: its failure wins, with its own trace. */
static async(void) fin_fails(void *env) {
  (void)env;
  line[6] = __LINE__; return weft_fail(-ENOLINK);
}
static async(int) guarded_fails(void) {
  line[4] = __LINE__; return weft_bind(weft_finally(weft_fail(int, -EIO), fin_fails, NULL), never, NULL);
}

/* A fiber still in its finaliser when the loop closes (cancelled there). */
static async(void) fin_sleeps(void *env) {
  (void)env;
  return weft_bind(weft_sleep_ms(60000), slept, NULL);
}
static async(void) leaves_finaliser_waiting(void) {
  weft_spawn(weft_finally(weft_fail(-EIO), fin_sleeps, NULL));
  return weft_bind(weft_sleep_ms(1), slept, NULL);
}

static async(void) spawner(void) {
  weft_spawn(weft_then(weft_return(void), spawned_fails, NULL));
  return weft_bind(weft_sleep_ms(1), slept, NULL); /* the spawned fiber fails meanwhile */
}

int main(void) {
  char text[16384];
  int i = 0;

  /* 1. Five binds deep, raised by weft_fail: the raise, then the five binds outward. */
  CHECK_INT_EQ(weft_run(level1(), &i), -EIO);
  check_site(0, "level5", line[5]); /* the weft_fail */
  check_site(1, "level5", line[5]);
  check_site(2, "level4", line[4]);
  check_site(3, "level3", line[3]);
  check_site(4, "level2", line[2]);
  check_site(5, "level1", line[1]);
  CHECK_PTR_EQ(weft_failure_site(6), NULL);
  char want[4096];
  snprintf(want, sizeof want,
           "  #0 weft_fail in level5 (%s:%d)\n  #1 weft_bind in level5 (%s:%d)\n"
           "  #2 weft_bind in level4 (%s:%d)\n  #3 weft_bind in level3 (%s:%d)\n"
           "  #4 weft_bind in level2 (%s:%d)\n  #5 weft_bind in level1 (%s:%d)\n",
           __FILE__, line[5], __FILE__, line[5], __FILE__, line[4], __FILE__, line[3], __FILE__, line[2],
           __FILE__, line[1]);
  size_t need = weft_failure_trace(text, sizeof text);
  CHECK_UINT_EQ(need, strlen(want));
  if (strcmp(text, want) != 0) CHECK_FAILED_("trace text:\n%s\nwant:\n%s", text, want);

  /* weft_failure_trace is snprintf-like: truncated, NUL-terminated, full length returned. */
  char small[12];
  CHECK_UINT_EQ(weft_failure_trace(small, sizeof small), strlen(want));
  CHECK_UINT_EQ(strlen(small), sizeof small - 1);
  CHECK_TRUE(strncmp(small, want, sizeof small - 1) == 0);
  CHECK_UINT_EQ(weft_failure_trace(NULL, 0), strlen(want));

  /* 2. A success leaves no trace. */
  CHECK_INT_EQ(weft_run(weft_return(int, 1), &i), 0);
  CHECK_PTR_EQ(weft_failure_site(0), NULL);
  CHECK_UINT_EQ(weft_failure_trace(text, sizeof text), 0);
  CHECK_TRUE(text[0] == '\0');

  /* 3. A primitive's failure after a real wait: no weft_fail site, the map,
   *    then four binds outward. */
  long l = 0;
  CHECK_INT_EQ(weft_run(p1(), &l), -EBADF);
  check_site(0, "p5", line[5]); /* the weft_map_to */
  check_site(1, "p4", line[4]);
  check_site(2, "p3", line[3]);
  check_site(3, "p2", line[2]);
  check_site(4, "p1", line[1]);
  CHECK_PTR_EQ(weft_failure_site(5), NULL);
  weft_failure_trace(text, sizeof text);
  CHECK_TRUE(strncmp(text, "  #0 weft_map in p5 (", 21) == 0);

  /* 4. A caught failure is forgotten: the next one starts its own trace. */
  CHECK_INT_EQ(weft_run(weft_bind(weft_catch(level1(), recovered, NULL), after_recovery, NULL), &i), -EBADF);
  check_site(0, "after_recovery", line[1]); /* the map around the failed read */
  CHECK_PTR_EQ(weft_failure_site(1), NULL); /* the outer bind was popped before after_recovery ran */

  /* 5. A join's failing branch: its sites first, then the join's caller's. */
  CHECK_INT_EQ(weft_run(joined(), NULL), -EPIPE);
  check_site(0, "branch", line[6]); /* the weft_fail */
  check_site(1, "branch", line[6]); /* its weft_then */
  check_site(2, "joined", line[7]); /* the weft_join */
  check_site(3, "joined", line[7]); /* the weft_then around it (the one inside had run) */
  CHECK_PTR_EQ(weft_failure_site(4), NULL);
  weft_failure_trace(text, sizeof text);
  CHECK_TRUE(strstr(text, "  #2 weft_join in joined (") != NULL);

  CHECK_INT_EQ(weft_run(picked(), NULL), -EBADF);
  check_site(0, "picked", line[7]); /* the weft_pick */
  check_site(1, "picked", line[7]); /* the weft_then around it */
  CHECK_PTR_EQ(weft_failure_site(2), NULL);
  weft_failure_trace(text, sizeof text);
  CHECK_TRUE(strncmp(text, "  #0 weft_pick in picked (", 26) == 0);

  /* 6. Finalisers: one that catches a failure of its own leaves the trace of
   *    the failure it guarded whole; one that fails wins with its own trace;
   *    one still waiting when the loop closes leaks nothing. */
  CHECK_INT_EQ(weft_run(guarded(), &i), -EIO);
  snprintf(want, sizeof want,
           "  #0 weft_fail in guarded (%s:%d)\n  #1 weft_bind in guarded (%s:%d)\n"
           "  #2 weft_finally in guarded (%s:%d)\n  #3 weft_bind in guarded (%s:%d)\n",
           __FILE__, line[5], __FILE__, line[5], __FILE__, line[5], __FILE__, line[5]);
  weft_failure_trace(text, sizeof text);
  if (strcmp(text, want) != 0) CHECK_FAILED_("trace text:\n%s\nwant:\n%s", text, want);
  CHECK_INT_EQ(weft_run(guarded_fails(), &i), -ENOLINK);
  check_site(0, "fin_fails", line[6]);
  check_site(1, "guarded_fails", line[4]); /* the bind outside the finally */
  CHECK_PTR_EQ(weft_failure_site(2), NULL);
  CHECK_INT_EQ(weft_run(leaves_finaliser_waiting(), NULL), 0);

  /* 7. A hundred binds deep: the first WEFT_TRACE_MAX are kept, the rest counted. */
  CHECK_INT_EQ(weft_run(deep(100), &i), -ENOSPC);
  CHECK_TRUE(weft_failure_site(WEFT_TRACE_MAX - 1) != NULL);
  CHECK_PTR_EQ(weft_failure_site(WEFT_TRACE_MAX), NULL);
  weft_failure_trace(text, sizeof text);
  CHECK_TRUE(strstr(text, "  ... 37 more\n") != NULL); /* 101 sites: the fail and 100 binds */

  /* 8. WEFT_TRACE=1: a spawned fiber's failure report ends with its trace. */
  char path[] = "/tmp/weft-trace-XXXXXX";
  int log = mkstemp(path);
  CHECK_TRUE(log >= 0);
  unlink(path);
  int saved = dup(2);
  CHECK_INT_EQ(dup2(log, 2), 2);
  setenv("WEFT_TRACE", "1", 1);
  int rc = weft_run(spawner(), NULL);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  CHECK_INT_EQ(rc, 0);
  char report[4096] = {0};
  CHECK_TRUE(pread(log, report, sizeof report - 1, 0) > 0);
  close(log);
  snprintf(want, sizeof want,
           "weft: a spawned fiber failed: %s\n  #0 weft_fail in spawned_fails (%s:%d)\n"
           "  #1 weft_then in spawned_fails (%s:%d)\n",
           strerror(ENOTSUP), __FILE__, line[2], __FILE__, line[2]);
  if (strcmp(report, want) != 0) CHECK_FAILED_("report:\n%s\nwant:\n%s", report, want);
  return 0;
}
