// RUN: %weft_verify %s
// Yielding is inferred through every callee body in the translation unit:
// the error names the first call, and one note per step leads to the yield.
#include <weft.h>

static int hits;

static async(void) report(void *env) {
  (void)env;
  return weft_write(2, "hit\n", 4);
}

static void log_hit(void) {
  weft_spawn(report(NULL)); // expected-note {{'log_hit' calls 'weft_spawn' here}}
}

static void count_hit(void) {
  hits++;
  log_hit(); // expected-note {{'count_hit' calls 'log_hit' here}}
}

static void record(void) {
  count_hit(); // expected-note {{'record' calls 'count_hit' here}}
}

noyield void bump(void) {
  record(); // expected-error {{'noyield' function 'bump' calls 'record', which may yield}}
}

// The same chain without the yield at its end is clean.
static void quiet_log(void) { hits += 2; }
static void quiet_count(void) { quiet_log(); }
static void quiet_record(void) { quiet_count(); }
noyield void quiet_bump(void) { quiet_record(); }
