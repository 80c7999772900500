// RUN: %weft_verify %s
// Annotating a library function by redeclaring it: the effect attribute on a
// later declaration counts as if the library's header had written it.
#include <weft.h>

// Stands for a third-party header: no effect attributes.
void lib_pump_events(void);
int lib_checksum(const char *s);
void lib_unknown(void);

// Our own redeclarations annotate them.
mayyield void lib_pump_events(void); // expected-note {{'lib_pump_events' is declared 'mayyield' here}}
noyield int lib_checksum(const char *s);

static int sum;

noyield void update(const char *s) {
  sum += lib_checksum(s);
  lib_pump_events(); // expected-error {{'noyield' function 'update' calls 'lib_pump_events', which may yield}}
}

// A function with no body and no annotation is trusted not to yield: across
// translation units only annotations carry effects (docs/checker.md).
noyield void trusting(void) { lib_unknown(); }

// Declared mayyield twice: the note points at the first declaration that
// says so, whichever declaration the call sees.
mayyield void lib_flush(void); // expected-note {{'lib_flush' is declared 'mayyield' here}}
mayyield void lib_flush(void);

noyield void flush_now(void) {
  lib_flush(); // expected-error {{'noyield' function 'flush_now' calls 'lib_flush', which may yield}}
}
