// RUN: %weft_verify %s
// RUN: not %weft_cc -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s
// A synchronous function that calls a sink or a mayyield function yields
// itself: inferred when it is static, required on the declaration when it is
// visible outside the file (with a fix-it), never asked of main.
#include <weft.h>

static async(void) job(void *env) {
  (void)env;
  return weft_return(void);
}

// CHECK: fix-it:"{{.*}}mayyield.c":{[[@LINE+1]]:1-[[@LINE+1]]:1}:"mayyield "
void start_job(void) { // expected-error {{function 'start_job' may yield but is not declared 'mayyield'}}
  weft_spawn(job(NULL)); // expected-note {{'start_job' calls 'weft_spawn' here}}
}

// Inferred: a static function needs no annotation.
static void start_quietly(void) { weft_spawn(job(NULL)); } // expected-note {{'start_quietly' calls 'weft_spawn' here}}

// CHECK: fix-it:"{{.*}}mayyield.c":{[[@LINE+1]]:1-[[@LINE+1]]:1}:"mayyield "
int start_two(void) { // expected-error {{function 'start_two' may yield but is not declared 'mayyield'}}
  start_quietly(); // expected-note {{'start_two' calls 'start_quietly' here}}
  start_job(); // the first reason is enough
  return 2;
}

// Declared: fine, on the definition or on an earlier declaration.
mayyield void start_declared(void) { start_quietly(); } // expected-note {{'start_declared' is declared 'mayyield' here}}
mayyield int run_it(void);
int run_it(void) { return weft_run(job(NULL), NULL); }

// Calling a mayyield function makes the caller mayyield too.
// CHECK: fix-it:"{{.*}}mayyield.c":{[[@LINE+1]]:1-[[@LINE+1]]:1}:"mayyield "
void call_declared(void) { // expected-error {{function 'call_declared' may yield but is not declared 'mayyield'}}
  start_declared(); // expected-note {{'call_declared' calls 'start_declared' here}}
}

// A function that only builds and returns an action is async, not mayyield.
async(void) build_only(void) { return job(NULL); }

// main is the boundary: it runs the loop without saying so.
int main(void) {
  start_declared();
  return weft_run(build_only(), NULL);
}
