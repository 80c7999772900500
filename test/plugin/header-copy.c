// RUN: rm -rf %t && mkdir -p %t/vendored && cp %weft_include/weft.h %t/vendored/weft.h
// RUN: %clang -fsyntax-only -fplugin=%weft_plugin -I%t/vendored -Xclang -verify %s
// weft.h's macros are recognised by the file they are spelled in, whatever
// its directory: a copy of the header works like the installed one.
#include <weft.h>

static async(void) k_print(void *env, char *s) {
  (void)env;
  (void)s;
  return weft_return(void);
}

async(void) through_copy(async(str) m) { return weft_bind(m, k_print, NULL); }

async(void) user_member(async(str) m) {
  // expected-error@+1 {{access to member 'node_'}}
  struct weft__node *raw = m.node_;
  (void)raw;
  return weft_return(void);
}
