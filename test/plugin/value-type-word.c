// RUN: %weft_verify %s
// The one-word contract for what goes into a promise, a channel or an mvar:
// weft.h's macros refuse a floating value, which the conversion to a word
// would truncate without a word of warning.
#include <weft.h>

struct pair {
  int a, b;
};
enum side { LEFT, RIGHT };

async(void) floats(weft_chan_t *ch, weft_mvar_t *mv, weft_promise_t *p) {
  // expected-error@+1 {{weft_chan_try_send: the value must be an integer, enum, bool or pointer (one word)}}
  (void)weft_chan_try_send(ch, 1.5);
  // expected-error@+1 {{weft_promise_resolve: the value must be an integer, enum, bool or pointer (one word)}}
  weft_promise_resolve(p, 2.5f);
  // expected-error@+1 {{weft_mvar_put: the value must be an integer, enum, bool or pointer (one word)}}
  return weft_mvar_put(mv, 0.0);
}

async(void) words(weft_chan_t *ch, struct pair *pp, enum side e) {
  (void)weft_chan_try_send(ch, 'c');
  (void)weft_chan_try_send(ch, e);
  (void)weft_chan_try_send(ch, (_Bool)1);
  (void)weft_chan_try_send(ch, pp);
  (void)weft_chan_try_send(ch, "text");
  return weft_chan_send(ch, -1L);
}
