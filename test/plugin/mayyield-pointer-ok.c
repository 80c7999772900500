// RUN: %weft_verify %s
// Close to a call through a mayyield pointer, but valid: the caller says
// mayyield, is static, is main, or calls through a pointer declared noyield
// or not declared at all (which a noyield caller could not do, but which
// proves no yield on its own).
#include <weft.h>

// expected-no-diagnostics

typedef mayyield void (*loud_fn)(void);
typedef noyield void (*quiet_fn)(void);
struct hooks {
  loud_fn flush;
  quiet_fn tick;
  void (*plain)(void);
};

mayyield void declared(struct hooks *h) { h->flush(); }
static void inferred(struct hooks *h) { h->flush(); }
void quiet_calls(struct hooks *h) {
  h->tick();
  h->plain();
}
noyield void noyield_calls(struct hooks *h) { h->tick(); }

int main(void) {
  struct hooks h = {0};
  inferred(&h);
  quiet_calls(&h);
  return 0;
}
