// RUN: %weft_verify %s
// weft_blocking marks a user's own blocking function; calling it from async
// context (or from what async context reaches) is warned like a library call.
#include <weft.h>

weft_blocking int wait_for_disk(int unit); // expected-note 2 {{'wait_for_disk' is declared 'weft_blocking' here}}

static int checkpoint(void) {
  return wait_for_disk(1); // expected-warning {{call to 'wait_for_disk' blocks the event loop; move it out of async context or wrap it in weft_unchecked(...)}}
}

async(int) save(void) {
  int a = wait_for_disk(0); // expected-warning {{call to 'wait_for_disk' blocks the event loop; move it out of async context or wrap it in weft_unchecked(...)}}
  return weft_return(int, a + checkpoint()); // expected-note {{'save' calls 'checkpoint' here}}
}

// A weft_blocking function with a body here is warned at its calls, not
// inside.
#include <unistd.h>
weft_blocking static int settle(void) { return (int)sleep(1); } // expected-note {{'settle' is declared 'weft_blocking' here}}
async(int) settle_then(void) {
  return weft_return(int, settle()); // expected-warning {{call to 'settle' blocks the event loop; move it out of async context or wrap it in weft_unchecked(...)}}
}

// Outside async context it is not warned.
int main(void) { return wait_for_disk(2); }
