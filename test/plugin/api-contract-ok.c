// RUN: %weft_verify %s
// expected-no-diagnostics
// The conventions kept: negated errno and E-constants, negative constants,
// codes computed at run time (which the checker cannot judge), reads of at
// least one byte.
#include <weft.h>
#include <errno.h>

async(void) negated(void) { return weft_fail(-errno); }
async(int) constant(void) { return weft_fail(int, -EIO); }
async(str) computed(int rc) { return weft_fail(str, rc < 0 ? rc : -EPROTO); }
async(long) passed_on(int err) { return weft_fail(long, err); }
async(str) read_some(int fd, size_t n) { return weft_pick(weft_read(fd, 1), weft_read(fd, n)); }

// Handlers that compare with the negated codes.
static async(void) on_error(void *env, int err) {
  (void)env;
  if (err == -EPIPE || err == -ECONNRESET)
    return weft_return(void);
  switch (err) {
  case -EAGAIN:
    return weft_return(void);
  default:
    return err != 0 ? weft_fail(err) : weft_return(void);
  }
}

async(void) guarded(int fd) { return weft_catch(weft_write(fd, "x", 1), on_error, NULL); }

// Each arm of a ?: is a code of its own; a constant condition picks one.
async(int) both_negated(int rc) { return weft_fail(int, rc ? -errno : -EIO); }
async(void) elvis_negated(int rc) { return weft_fail(rc ?: -EIO); }
async(void) constant_choice(void) { return weft_fail(1 ? -EIO : EIO); }
async(void) comma_negated(int *n) { return weft_fail((*n += 1, -EIO)); }
