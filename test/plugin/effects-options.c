// RUN: %weft_cc -Xclang -verify=on %s
// RUN: %weft_cc -Xclang -verify=werr -fplugin-arg-weft-werror %s
// RUN: %weft_cc -Xclang -verify=off -fplugin-arg-weft-disable=noyield,mayyield,fnptr-effect,blocking-call %s
// RUN: not %weft_cc -fplugin-arg-weft-disable=blocking-call %s 2>&1 | FileCheck --check-prefix=ONE %s
// The effect rules obey the same controls as the flow rules: each can be
// switched off by its registry name, alone or together, and werror makes
// the blocking-call warning an error.
#include <weft.h>

#include <unistd.h>

// off-no-diagnostics

static async(void) job(void *env) {
  (void)env;
  return weft_return(void);
}

static int hits;

noyield void bump(void) {
  hits++;
  weft_spawn(job(NULL)); // on-error {{'noyield' function 'bump' calls 'weft_spawn', which yields}} werr-error {{'noyield' function 'bump' calls 'weft_spawn', which yields}}
}

void kick(void) { // on-error {{function 'kick' may yield but is not declared 'mayyield'}} werr-error {{function 'kick' may yield but is not declared 'mayyield'}}
  weft_spawn(job(NULL)); // on-note {{'kick' calls 'weft_spawn' here}} werr-note {{'kick' calls 'weft_spawn' here}}
}

async(void) nap(void) {
  sleep(1); // on-warning {{call to 'sleep' blocks the event loop; use 'weft_sleep' instead}} werr-error {{call to 'sleep' blocks the event loop; use 'weft_sleep' instead}}
  return weft_return(void);
}

// Switching off one rule leaves the others on.
// ONE-NOT: blocks the event loop
// ONE: error: 'noyield' function 'bump' calls 'weft_spawn', which yields
// ONE: error: function 'kick' may yield but is not declared 'mayyield'
// ONE-NOT: blocks the event loop
