// RUN: %weft_verify %s
// The effect of a function travels with its address only through a pointer
// declared with the same effect: a mayyield function's address may not land
// in an unmarked pointer, and a noyield pointer only takes functions that
// cannot yield.
#include <weft.h>

static async(void) job(void *env) {
  (void)env;
  return weft_return(void);
}

mayyield void refresh(void); // expected-note 3 {{'refresh' is declared 'mayyield' here}}
static void kick(void) {
  weft_spawn(job(NULL)); // expected-note 3 {{'kick' calls 'weft_spawn' here}}
}
static void quiet(void) {}

typedef void (*plain_fn)(void);
typedef mayyield void (*yielding_fn)(void);
typedef noyield void (*quiet_fn)(void);

void take_plain(plain_fn f);
void take_yielding(yielding_fn f);

struct ops {
  plain_fn plain;
  yielding_fn yielding;
  quiet_fn quiet;
};

mayyield void examples(void) {
  plain_fn p = refresh; // expected-error {{'refresh' may yield, but its address is converted to 'plain_fn' (aka 'void (*)(void)'), which is not declared 'mayyield'}}
  take_plain(kick); // expected-error {{'kick' may yield, but its address is converted to 'plain_fn' (aka 'void (*)(void)'), which is not declared 'mayyield'}}
  void *raw = (void *)&refresh; // expected-error {{'refresh' may yield, but its address is converted to 'void *', which is not declared 'mayyield'}}
  quiet_fn q = kick; // expected-error {{'kick' may yield and cannot be stored in 'q', which is declared 'noyield'}}
  struct ops o = {.quiet = refresh}; // expected-error {{'refresh' may yield and cannot be stored in 'quiet', which is declared 'noyield'}}

  // Clean: the pointer says it may yield, or the function cannot.
  yielding_fn y = refresh;
  take_yielding(kick);
  mayyield void (*local)(void) = kick;
  o.yielding = kick;
  p = quiet;
  q = quiet;
  o.quiet = quiet;
  (void)p, (void)raw, (void)q, (void)y, (void)local, (void)o;

  // Calling a mayyield function directly is not taking its address.
  refresh();
  kick();
}

// Tables outside functions are checked the same way.
static plain_fn plain_table[] = {quiet, kick}; // expected-error {{'kick' may yield, but its address is converted to 'plain_fn' (aka 'void (*)(void)'), which is not declared 'mayyield'}}
static struct ops global_ops = {.yielding = refresh, .quiet = quiet, .plain = quiet};
void use_tables(void) { plain_table[0](), global_ops.plain(); }
