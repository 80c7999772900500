// RUN: %weft_verify %s
// A function cannot be both noyield and mayyield, across its declarations.
#include <weft.h>

noyield void both(void); // expected-note {{'both' is declared 'noyield' here}}
mayyield void both(void) {} // expected-error {{function 'both' is declared both 'noyield' and 'mayyield'}}

noyield mayyield int at_once(void) { return 0; } // expected-error {{function 'at_once' is declared both 'noyield' and 'mayyield'}} expected-note {{'at_once' is declared 'noyield' here}}
