// RUN: %weft_verify %s
// Recursion and mutual recursion: the inference terminates, proves a
// recursive cycle clean when nothing in it yields, and otherwise leads from
// the cycle to the yield.
#include <weft.h>

static async(void) nop(void *env) {
  (void)env;
  return weft_return(void);
}

// Clean: self-recursion and a mutually recursive pair that never yield.
static int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
static int is_odd(int n);
static int is_even(int n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(int n) { return n == 0 ? 0 : is_even(n - 1); }
noyield int clean(int n) { return fact(n) + is_even(n); }

// Diagnosed: a mutually recursive pair, one of which spawns.
static void ping(int n);
static void pong(int n) {
  if (n > 0)
    ping(n - 1);
  else
    weft_spawn(nop(NULL)); // expected-note {{'pong' calls 'weft_spawn' here}}
}
static void ping(int n) {
  pong(n); // expected-note {{'ping' calls 'pong' here}}
}
noyield void rally(int n) {
  ping(n); // expected-error {{'noyield' function 'rally' calls 'ping', which may yield}}
}

// A noyield function that recurses into itself is fine.
noyield int countdown(int n) { return n > 0 ? countdown(n - 1) : 0; }
