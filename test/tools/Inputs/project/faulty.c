/* Findings: a dropped action, and a mayyield missing (with a fix-it). */
#include "shared.h"

static async(void) job(void *env) {
  (void)env;
  return weft_return(void);
}

void start_job(void) {
  weft_spawn(job(NULL));
}

async(void) statement(void) {
  weft_write(1, "x", 1);
  return shared_drop();
}
