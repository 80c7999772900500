// RUN: %weft_verify %s
// The new reads ask for at least one byte like weft_read (weft_file_read
// and weft_recvfrom fail with -EINVAL for 0), and a handler of a resolver's
// failure compares with WEFT_EAI(EAI_...): the bare EAI_ constants are
// getaddrinfo's own negative codes and collide with errno values
// (EAI_NONAME is -2, -ENOENT).
#include <errno.h>
#include <netdb.h>
#include <weft.h>

async(str) file_zero(int fd) {
  // expected-error@+1 {{weft_file_read of 0 bytes; the manual asks for n > 0 (it fails with -EINVAL)}}
  return weft_file_read(fd, 0, 0);
}

async(str) datagram_zero(int fd) {
  // expected-error@+1 {{weft_recvfrom of 0 bytes; the manual asks for n > 0 (it fails with -EINVAL)}}
  return weft_recvfrom(fd, 0, NULL);
}

async(str) reads_fine(int fd, size_t n) {
  return weft_file_read(fd, n, -1);
}

static async(ptr) on_lookup_error(void *env, int err) {
  (void)env;
  // expected-error@+1 {{handler 'on_lookup_error' compares 'err' with EAI_NONAME, getaddrinfo's own code, but weft delivers getaddrinfo's failures as WEFT_EAI(EAI_NONAME); compare with WEFT_EAI(EAI_NONAME)}}
  if (err == EAI_NONAME)
    return weft_return(ptr, NULL);
  switch (err) {
  case EAI_AGAIN: // expected-error {{handler 'on_lookup_error' compares 'err' with EAI_AGAIN, getaddrinfo's own code}}
  case WEFT_EAI(EAI_FAIL):
  case -ENOMEM:
    return weft_return(ptr, NULL);
  }
  // expected-error@+1 {{handler 'on_lookup_error' compares 'err' with EAI_SERVICE}}
  if (EAI_SERVICE == err || err == WEFT_EAI(EAI_FAMILY))
    return weft_return(ptr, NULL);
  return weft_fail(ptr, err);
}

async(ptr) lookup(const char *host) {
  return weft_catch(weft_getaddrinfo(host, "80", NULL), on_lookup_error, NULL);
}

// Right: the weft codes.
static async(int) on_connect_error(void *env, int err) {
  (void)env;
  if (err == WEFT_EAI(EAI_NONAME) || err == -ECONNREFUSED)
    return weft_return(int, -1);
  return weft_fail(int, err);
}

async(int) dial(const char *host) {
  return weft_catch(weft_tcp_connect(host, 80), on_connect_error, NULL);
}
