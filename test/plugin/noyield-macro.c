// RUN: %weft_verify %s
// A user macro that hides a yielding call is diagnosed at the macro's use,
// and so is a helper that uses such a macro.
#include <weft.h>

static async(void) say(const char *msg) { return weft_write(2, msg, 1); }

#define LOG(msg) weft_spawn(say(msg))
#define QUIET(x) ((void)(x))

static int count;

noyield void bump(void) {
  count++;
  LOG("bump\n"); // expected-error {{'noyield' function 'bump' calls 'weft_spawn', which yields}}
}

static void trace(void) {
  LOG("trace\n"); // expected-note {{'trace' calls 'weft_spawn' here}}
}

noyield void bump_traced(void) {
  count++;
  trace(); // expected-error {{'noyield' function 'bump_traced' calls 'trace', which may yield}}
}

// A macro that expands to nothing that yields is clean.
noyield void bump_quietly(void) { QUIET(count++); }
