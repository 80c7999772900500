// RUN: %weft_verify %s
// weft_fail carries a negative errno-style code, as every weft error does;
// errno itself, a positive E-constant and 0 are habits from other APIs.
// weft_read asks for at least one byte.
#include <weft.h>
#include <errno.h>

#define MY_ERR 7

async(void) from_errno(void) {
  // expected-error@+1 {{weft_fail is given errno, which is positive; a failure carries a negative errno-style code, pass -errno}}
  return weft_fail(errno);
}

async(int) typed_errno(void) {
  // expected-error@+1 {{weft_fail is given errno, which is positive}}
  return weft_fail(int, (errno));
}

async(str) positive_constant(void) {
  // expected-error@+1 {{weft_fail is given 5, which is not negative; a failure carries a negative errno-style code such as -EIO, negate it}}
  return weft_fail(str, EIO);
}

async(long) own_constant(void) {
  // expected-error@+1 {{weft_fail is given 7, which is not negative}}
  return weft_fail(long, MY_ERR);
}

async(void) zero(void) {
  // expected-error@+1 {{weft_fail is given 0, which is not negative; a failure carries a negative errno-style code such as -EIO}}
  return weft_fail(0);
}

async(str) empty_read(int fd) {
  // expected-error@+1 {{weft_read of 0 bytes; the manual asks for n > 0 (weft_read produces "" only at end of input)}}
  return weft_read(fd, 0);
}

// A weft_catch handler receives the negative code: compared with a
// positive E-constant, the test is never true.
static async(void) on_error(void *env, int err) {
  (void)env;
  // expected-error@+1 {{handler 'on_error' compares 'err' with 32, but the error a weft_catch handler receives is negative (-32); compare with the negated code}}
  if (err == EPIPE)
    return weft_return(void);
  switch (err) {
  case EAGAIN: // expected-error {{handler 'on_error' compares 'err' with 11}}
  case -EINTR:
    return weft_return(void);
  }
  // expected-error@+1 {{handler 'on_error' compares 'err' with 104}}
  return ECONNRESET != err ? weft_fail(err) : weft_return(void);
}

async(void) guarded(int fd) { return weft_catch(weft_write(fd, "x", 1), on_error, NULL); }

// The code is judged where it is chosen: each arm of a ?: and the value of
// a comma.
async(int) chosen(int rc) {
  // expected-error@+2 {{weft_fail is given errno, which is positive}}
  // expected-error@+1 {{weft_fail is given 5, which is not negative}}
  return weft_fail(int, errno ? errno : EIO);
}

async(int) either_constant(int rc) {
  // expected-error@+1 {{weft_fail is given 11, which is not negative}}
  return weft_fail(int, rc < 0 ? rc : EAGAIN);
}

async(void) elvis(void) {
  // expected-error@+2 {{weft_fail is given errno, which is positive}}
  // expected-error@+1 {{weft_fail is given 5, which is not negative}}
  return weft_fail(errno ?: EIO);
}

async(void) after_comma(int *n) {
  // expected-error@+1 {{weft_fail is given 0, which is not negative}}
  return weft_fail((*n += 1, 0));
}
