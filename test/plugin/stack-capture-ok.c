// RUN: %weft_verify %s
// expected-no-diagnostics
// Pointers that outlive the builder: string literals, the heap, statics,
// what the caller passed in, a local pointer's value (not its address); and
// locals of synchronous code, whose actions finish inside weft_run.
#include <weft.h>
#include <stdlib.h>

struct session {
  int fd;
  char line[64];
};

static char banner[] = "hello\n";

static async(void) done(void *env) {
  (void)env;
  return weft_return(void);
}

async(void) outlives(struct session *s, const char *text) {
  struct session *heap = malloc(sizeof *heap);
  if (!heap)
    return weft_fail(-12);
  const char *p = s->line;
  async(void) a = weft_write(s->fd, "literal\n", 8);
  async(void) b = weft_write(s->fd, banner, sizeof banner - 1);
  async(void) c = weft_write(s->fd, text, 1);
  async(void) d = weft_write(s->fd, p + 1, 2);
  async(void) e = weft_then(weft_write(s->fd, s->line, 4), done, heap);
  async(void) f = weft_then(weft_return(void), done, s);
  return weft_join(weft_join(weft_join(a, b), weft_join(c, d)), weft_join(e, f));
}

mayyield int synchronous(int fd) {
  char buf[16] = "bye\n";
  int state = 0;
  return weft_run(weft_then(weft_write(fd, buf, 4), done, &state), NULL);
}
