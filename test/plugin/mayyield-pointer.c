// RUN: %weft_verify %s
// RUN: not %weft_cc -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s
// A call through a function pointer declared mayyield yields: the caller
// yields too, so an exported caller must say mayyield (with a fix-it), and
// the effect travels on through static callers.  The pointer may be a
// variable, a parameter, a field, an array element or a typedef's.
#include <weft.h>

typedef mayyield void (*loud_fn)(void);
struct hooks {
  loud_fn flush;
  mayyield void (*close)(int);
};

static loud_fn current;

// CHECK: fix-it:"{{.*}}mayyield-pointer.c":{[[@LINE+1]]:1-[[@LINE+1]]:1}:"mayyield "
void through_global(void) { // expected-error {{function 'through_global' may yield but is not declared 'mayyield'}}
  current(); // expected-note {{'through_global' calls through a function pointer declared 'mayyield' here}}
}

// CHECK: fix-it:"{{.*}}mayyield-pointer.c":{[[@LINE+1]]:1-[[@LINE+1]]:1}:"mayyield "
void through_param(mayyield void (*cb)(int)) { // expected-error {{function 'through_param' may yield but is not declared 'mayyield'}}
  cb(1); // expected-note {{'through_param' calls through a function pointer declared 'mayyield' here}}
}

// CHECK: fix-it:"{{.*}}mayyield-pointer.c":{[[@LINE+1]]:1-[[@LINE+1]]:1}:"mayyield "
int through_field(struct hooks *h) { // expected-error {{function 'through_field' may yield but is not declared 'mayyield'}}
  h->close(2); // expected-note {{'through_field' calls through a function pointer declared 'mayyield' here}}
  return 0;
}

// CHECK: fix-it:"{{.*}}mayyield-pointer.c":{[[@LINE+1]]:1-[[@LINE+1]]:1}:"mayyield "
void through_table(loud_fn *table) { // expected-error {{function 'through_table' may yield but is not declared 'mayyield'}}
  (*table[1])(); // expected-note {{'through_table' calls through a function pointer declared 'mayyield' here}}
}

static void flush_all(struct hooks *h) { h->flush(); } // expected-note {{'flush_all' calls through a function pointer declared 'mayyield' here}}
// CHECK: fix-it:"{{.*}}mayyield-pointer.c":{[[@LINE+1]]:1-[[@LINE+1]]:1}:"mayyield "
void via_static(struct hooks *h) { // expected-error {{function 'via_static' may yield but is not declared 'mayyield'}}
  flush_all(h); // expected-note {{'via_static' calls 'flush_all' here}}
}

// A noyield function may not call it either.
noyield void quiet(struct hooks *h) {
  h->flush(); // expected-error {{'noyield' function 'quiet' calls through a function pointer that may yield}}
}
