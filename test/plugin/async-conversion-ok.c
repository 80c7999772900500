// RUN: %weft_verify %s
// Close to async-conversion.c but well-typed: actions go into variables,
// parameters, fields and results of their own async type.
// expected-no-diagnostics
#include <weft.h>

async(str) give_str(void);
async(void) take(async(str) m);

struct pending {
  async(str) action;
};

async(void) into_param(void) { return take(give_str()); }

async(str) into_result(void) {
  async(str) m = give_str();
  return m;
}

async(str) through_field(void) {
  struct pending p = {give_str()};
  return weft_take(&p.action);
}

async(str) same_type_cast(void) { return (async(str))give_str(); }
