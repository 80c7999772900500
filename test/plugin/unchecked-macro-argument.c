// RUN: %weft_verify %s
// weft_unchecked reached through a macro of the program's that hands it
// its argument: the argument is expanded first (weft_write's own macro),
// and its tokens only pass through weft_unchecked's argument, so a walk of
// the macros that produced them never meets weft_unchecked; the checker
// also walks the macros the tokens passed through as arguments
// (docs/checker.md, "weft_unchecked").  The same expressions outside are
// reported.
#include <weft.h>

#define QUIET(e) weft_unchecked(e)
#define QUIETLY(...) QUIET(__VA_ARGS__)
#define SEND(fd) weft_write(fd, "x", 1)
#define LOUD(e) (e)

void one_level(int fd) { QUIET(weft_write(fd, "x", 1)); }

void two_levels(int fd) { QUIETLY(weft_write(fd, "x", 1)); }

void argument_from_a_macro(int fd) { QUIET(SEND(fd)); }

void stored(int fd) {
  async(void) a = QUIET(weft_write(fd, "x", 1));
  (void)QUIET(a);
}

void outside(int fd) {
  // expected-warning@+1 {{is discarded and never runs}}
  LOUD(weft_write(fd, "x", 1));
  // expected-warning@+1 {{is discarded and never runs}}
  SEND(fd);
  // expected-warning@+1 {{is discarded and never runs}}
  weft_write(fd, "x", 1);
}
