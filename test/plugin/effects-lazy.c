// RUN: %weft_verify %s
// The effect inference reads no function body when nothing in the file can
// yield.  Annotations written inside a body alone are enough for it to read
// them: a local pointer declared mayyield, a function declared mayyield at
// block scope.
#include <weft.h>

void through_local(void (*p)(void)) { // expected-error {{function 'through_local' may yield but is not declared 'mayyield'}}
  mayyield void (*q)(void) = p;
  q(); // expected-note {{'through_local' calls through a function pointer declared 'mayyield' here}}
}

void block_scope(void) { // expected-error {{function 'block_scope' may yield but is not declared 'mayyield'}}
  mayyield void pump(void); // expected-note {{'pump' is declared 'mayyield' here}}
  pump(); // expected-note {{'block_scope' calls 'pump' here}}
}
