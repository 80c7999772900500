// RUN: %weft_verify %s
// An action built in async context runs after its builder returns, so it
// keeps no pointer into the builder's frame: not as a combinator's env, not
// as the buffer of weft_write (which is not copied).
#include <weft.h>
#include <stdio.h>

struct request {
  int fd;
  char line[64];
};

static async(void) reply(void *env, char *text) {
  (void)env;
  (void)text;
  return weft_return(void);
}
static async(void) done(void *env) {
  (void)env;
  return weft_return(void);
}
static int length(void *env, char *text) {
  (void)env;
  (void)text;
  return 0;
}

static async(void) use_int(void *env, int v) {
  (void)env;
  (void)v;
  return weft_return(void);
}

async(void) greet(int fd, int n) { // expected-note 3 {{'greet' returns 'async(void)', so its body is async context}}
  char buf[32];
  int len = snprintf(buf, sizeof buf, "hello %d\n", n);
  // expected-error@+1 {{the buffer points into 'buf', a local variable of 'greet', but the action runs after 'greet' has returned; keep the bytes in storage that outlives the action (the heap, or an object the caller owns)}}
  async(void) a = weft_write(fd, buf, (size_t)len);
  struct request r = {.fd = fd};
  // expected-error@+1 {{the buffer points into 'r', a local variable of 'greet'}}
  async(void) b = weft_write(fd, r.line + 1, 3);
  // expected-error@+1 {{the buffer points into 'buf', a local variable of 'greet'}}
  return weft_join(weft_join(a, b), weft_write(fd, &buf[2], 1));
}

async(void) handle(int fd) { // expected-note 4 {{'handle' returns 'async(void)', so its body is async context}}
  struct request req = {.fd = fd};
  int count = 0;
  // expected-error@+1 {{env points into 'req', a local variable of 'handle', but the action runs after 'handle' has returned; keep env in storage that outlives the action (the heap, or an object the caller owns)}}
  async(void) a = weft_bind(weft_read(fd, 64), reply, &req);
  // expected-error@+1 {{env points into 'count', a local variable of 'handle'}}
  async(void) b = weft_then(weft_return(void), done, &count);
  // expected-error@+1 {{env points into a compound literal of 'handle'}}
  async(int) c = weft_map(weft_read(fd, 1), length, &(struct request){.fd = fd});
  // expected-error@+1 {{env points into 'req', a local variable of 'handle'}}
  async(void) d = weft_finally(weft_return(void), done, req.line);
  return weft_join(weft_join(a, b), weft_join(weft_then(d, done, NULL), weft_bind(c, use_int, NULL)));
}
