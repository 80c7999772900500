// RUN: %weft_verify %s
// A noyield function calls through a function pointer only when the pointer's
// declaration (or a typedef it is written with) is marked noyield.
#include <weft.h>

typedef noyield void (*quiet_fn)(int);
typedef void (*any_fn)(int);

struct hooks {
  quiet_fn on_count;
  any_fn on_close; // expected-note {{declare 'on_close' 'noyield' if every function it points to is 'noyield'}}
  noyield void (*on_reset)(void);
};

static int total;
static noyield void add(int n) { total += n; }

noyield void through_typedef(quiet_fn f, int n) { f(n); }
noyield void through_field(struct hooks *h, int n) {
  h->on_count(n);
  (*h->on_count)(n);
  h->on_reset();
}
noyield void through_noyield_param(noyield void (*f)(int)) { f(1); }

noyield void through_plain_param(void (*f)(int)) { // expected-note {{declare 'f' 'noyield' if every function it points to is 'noyield'}}
  f(1); // expected-error {{'noyield' function 'through_plain_param' calls through a function pointer that may yield}}
}

noyield void through_plain_field(struct hooks *h) {
  h->on_close(0); // expected-error {{'noyield' function 'through_plain_field' calls through a function pointer that may yield}}
}

static void call_it(any_fn f) { // expected-note {{declare 'f' 'noyield' if every function it points to is 'noyield'}}
  f(2); // expected-note {{'call_it' calls through a function pointer that may yield here}}
}
noyield void through_helper(void) {
  call_it(add); // expected-error {{'noyield' function 'through_helper' calls 'call_it', which may yield}}
}

// Tables of quiet callbacks, through the typedef or declared so.
static quiet_fn table[2] = {add, add};
static noyield void (*raw_table[2])(int) = {add, add};
static void (*loud_table[2])(int) = {add, add}; // expected-note {{declare 'loud_table' 'noyield' if every function it points to is 'noyield'}}
noyield void through_table(int i) {
  table[i](i);
  raw_table[i](i);
  loud_table[i](i); // expected-error {{'noyield' function 'through_table' calls through a function pointer that may yield}}
}
