// RUN: %weft_verify %s
// Close to the blocking-call warnings, but valid: blocking calls outside
// async context, behind the escape hatches, on descriptors shown
// non-blocking, and a function of the program's own that is called sleep.
#include <weft.h>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

// expected-no-diagnostics

static int sleep_budget(int s) { return s; } // not the C library's

static void warm_up(void) {
  sleep(1);
  char line[32];
  if (fgets(line, sizeof line, stdin) == NULL)
    return;
}

weft_boundary void vouched(void) { sleep(1); }

async(int) handler(int fd, char *buf) {
  vouched();
  weft_unchecked(usleep(10));
  int flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  ssize_t n = read(fd, buf, 16);
  return weft_return(int, (int)n + sleep_budget(1));
}

int main(void) {
  warm_up();
  char buf[16];
  return weft_run(handler(0, buf), NULL);
}
