// RUN: rm -rf %t && split-file %s %t
// RUN: %weft_verify -I%t %t/api.c
// RUN: not %weft_cc -I%t -fdiagnostics-parseable-fixits %t/api.c 2>&1 | FileCheck %s
// The fix-it goes on the first declaration, which is where callers in other
// files read the effect: here, the header's (line 1 of api.h).
// CHECK: fix-it:"{{.*}}api.h":{1:1-1:1}:"mayyield "

//--- api.h
void api_poll(void); // expected-note {{add 'mayyield' to this declaration}}
mayyield void api_flush(void);

//--- api.c
#include <weft.h>
#include "api.h"

static async(void) job(void *env) {
  (void)env;
  return weft_return(void);
}

void api_poll(void) { // expected-error {{function 'api_poll' may yield but is not declared 'mayyield'}}
  weft_spawn(job(NULL)); // expected-note {{'api_poll' calls 'weft_spawn' here}}
}

void api_flush(void) { weft_spawn(job(NULL)); }
