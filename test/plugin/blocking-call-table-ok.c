// RUN: %weft_verify %s
// Tables of functions that do not block, a table of blocking functions
// called only outside async context, and a blocking entry called in a form
// that does not block (a zero timeout).
#include <weft.h>

#include <sys/epoll.h>
#include <unistd.h>

// expected-no-diagnostics

static int quiet_wait(int ep, struct epoll_event *ev, int n, int ms) {
  (void)ep, (void)ev, (void)ms;
  return n;
}
struct backend {
  int (*wait)(int, struct epoll_event *, int, int);
};
static const struct backend fake = {.wait = quiet_wait};
static const struct backend real = {.wait = epoll_wait};
static unsigned (*sleepers[])(unsigned) = {sleep};

async(int) drive(int ep) {
  struct epoll_event ev[4];
  return weft_return(int, fake.wait(ep, ev, 4, -1) + real.wait(ep, ev, 4, 0));
}

int main(void) {
  struct epoll_event ev[4];
  sleepers[0](1);
  real.wait(0, ev, 4, -1);
  return weft_run(drive(0), NULL);
}
