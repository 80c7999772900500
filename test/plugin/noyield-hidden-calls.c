// RUN: %weft_verify %s
// Calls the body does not spell as a plain statement are still calls: a
// variable length array's bound (of a local, a typedef, a parameter, a cast,
// a sizeof), a variably modified typeof, a cleanup function run at the end
// of a scope, a statement expression, the operands of GNU ?: and the
// operand __builtin_choose_expr and _Generic select.
#include <weft.h>

static async(void) job(void *env) {
  (void)env;
  return weft_return(void);
}
static int spawn_count(void) {
  weft_spawn(job(NULL)); // expected-note 12 {{'spawn_count' calls 'weft_spawn' here}}
  return 4;
}
static void release(int *p) { *p = spawn_count(); } // expected-note {{'release' calls 'spawn_count' here}}

noyield int vla_local(void) {
  char buf[spawn_count()]; // expected-error {{'noyield' function 'vla_local' calls 'spawn_count', which may yield}}
  buf[0] = 0;
  return buf[0];
}

noyield int vla_typedef(void) {
  typedef int row[spawn_count()]; // expected-error {{'noyield' function 'vla_typedef' calls 'spawn_count', which may yield}}
  row r;
  r[0] = 1;
  return r[0];
}

noyield int vla_param(int n, int m[spawn_count()]) { // expected-error {{'noyield' function 'vla_param' calls 'spawn_count', which may yield}}
  return n + m[0];
}

noyield unsigned long vla_sizeof(void) {
  return sizeof(int[spawn_count()]); // expected-error {{'noyield' function 'vla_sizeof' calls 'spawn_count', which may yield}}
}

noyield int vla_cast(void *p) {
  return (*(int(*)[spawn_count()])p)[0]; // expected-error {{'noyield' function 'vla_cast' calls 'spawn_count', which may yield}}
}

noyield int vla_typeof(int n) {
  int a[n];
  __typeof__(int[spawn_count()]) *q = 0; // expected-error {{'noyield' function 'vla_typeof' calls 'spawn_count', which may yield}}
  a[0] = q != 0;
  return a[0];
}

noyield void cleaned(void) {
  // expected-error@+1 {{'noyield' function 'cleaned' calls 'release', which may yield}}
  int guard __attribute__((cleanup(release))) = 0;
  (void)guard;
}

noyield int stmt_expr(void) {
  return ({ int x = spawn_count(); x; }); // expected-error {{'noyield' function 'stmt_expr' calls 'spawn_count', which may yield}}
}

noyield int gnu_elvis(int v) {
  return v ?: spawn_count(); // expected-error {{'noyield' function 'gnu_elvis' calls 'spawn_count', which may yield}}
}

noyield int chosen(void) {
  return __builtin_choose_expr(1, spawn_count(), 0); // expected-error {{'noyield' function 'chosen' calls 'spawn_count', which may yield}}
}

noyield int generic(void) {
  return _Generic(0, int: spawn_count(), default: 0); // expected-error {{'noyield' function 'generic' calls 'spawn_count', which may yield}}
}

noyield int elvis_common(void) {
  return spawn_count() ?: 1; // expected-error {{'noyield' function 'elvis_common' calls 'spawn_count', which may yield}}
}
