// RUN: %weft_verify %s
// Every action whose manual says a pointer it is given must stay valid until
// it ends keeps that pointer out of its builder's frame, as weft_write's
// buffer: the writer's and weft_sendto's buffers, the storage weft_recvfrom,
// weft_file_stat, weft_both and weft_all fill in, and weft_detach's argument.
// What is copied when the action is built (weft_file_write's bytes,
// weft_sendto's address, weft_read_until's delimiter, paths) may be local.
#include <sys/socket.h>
#include <sys/stat.h>
#include <weft.h>

struct conn {
  int fd;
  weft_writer_t *out;
  weft_datagram_t info;
  struct stat st;
  char line[64];
};

static void *work(void *arg) { return arg; }
static void release(void *arg, void *result) {
  (void)arg;
  (void)result;
}
static async(int) make(void *env, size_t i) {
  (void)env;
  return weft_return(int, (int)i);
}

// expected-note@+1 6 {{'buffers' returns 'async(void)', so its body is async context}}
async(void) buffers(struct conn *c, const struct sockaddr *to, socklen_t len) {
  char hello[] = "hello";
  struct conn local = {0};
  async(void) a = weft_writer_write(c->out, hello, 5); // expected-error {{the buffer points into 'hello', a local variable of 'buffers', but the action runs after 'buffers' has returned; keep the bytes in storage that outlives the action (the heap, or an object the caller owns)}}
  async(void) b = weft_writer_write(c->out, local.line + 1, 3); // expected-error {{the buffer points into 'local', a local variable of 'buffers'}}
  async(void) d = weft_sendto(c->fd, hello, 5, to, len); // expected-error {{the buffer points into 'hello', a local variable of 'buffers'}}
  async(void) e = weft_sendto(c->fd, (char[]){"x"}, 1, to, len); // expected-error {{the buffer points into a compound literal of 'buffers'}}
  async(void) g = weft_writer_write(c->out, &hello[1], 1); // expected-error {{the buffer points into 'hello', a local variable of 'buffers'}}
  async(void) h = weft_writer_write(c->out, (const char *)&local, sizeof local); // expected-error {{the buffer points into 'local', a local variable of 'buffers'}}
  // Clean: the caller's storage, literals, and what is copied.
  async(void) ok1 = weft_writer_write(c->out, c->line, 5);
  async(void) ok2 = weft_sendto(c->fd, "ping", 4, (const struct sockaddr *)&local.info.from, local.info.from_len);
  async(void) ok3 = weft_file_write(c->fd, hello, 5, 0);
  async(void) ok4 = weft_flush(c->out);
  return weft_join(weft_join(weft_join(a, b), weft_join(d, e)),
                   weft_join(weft_join(g, h), weft_join(weft_join(ok1, ok2), weft_join(ok3, ok4))));
}

// expected-note@+1 2 {{'receive' returns 'async(str)', so its body is async context}}
async(str) receive(struct conn *c, int which) {
  weft_datagram_t info;
  struct conn local;
  if (which == 0)
    return weft_recvfrom(c->fd, 512, &info); // expected-error {{the storage for the result points into 'info', a local variable of 'receive', but the action runs after 'receive' has returned; keep the storage in storage that outlives the action (the heap, or an object the caller owns)}}
  if (which == 1)
    return weft_recvfrom(c->fd, 512, &local.info); // expected-error {{the storage for the result points into 'local', a local variable of 'receive'}}
  if (which == 2)
    return weft_recvfrom(c->fd, 512, NULL);
  return weft_recvfrom(c->fd, 512, &c->info);
}

// expected-note@+1 4 {{'results' returns 'async(void)', so its body is async context}}
async(void) results(struct conn *c, const char *path, int *values, int *one, int *two) {
  struct stat st;
  int pair[2];
  int many[4];
  async(void) a = weft_file_stat(path, &st); // expected-error {{the storage for the result points into 'st', a local variable of 'results'}}
  async(void) b = weft_both(weft_return(int, 1), weft_return(int, 2), &pair[0], &pair[1]); // expected-error 2 {{the storage for the result points into 'pair', a local variable of 'results'}}
  async(void) d = weft_all(4, make, NULL, many); // expected-error {{the storage for the result points into 'many', a local variable of 'results'}}
  char name[16] = "x";
  async(void) ok1 = weft_file_stat(name, &c->st); // the path is copied
  async(void) ok2 = weft_both(weft_return(int, 1), weft_return(int, 2), one, two);
  async(void) ok3 = weft_all(4, make, &st, values); // env is used while weft_all is built
  return weft_join(weft_join(weft_join(a, b), d), weft_join(weft_join(ok1, ok2), ok3));
}

// expected-note@+1 2 {{'detached' returns 'async(ptr)', so its body is async context}}
async(ptr) detached(struct conn *c, int which) {
  char path[32] = "/tmp/x";
  struct conn local;
  if (which == 0)
    return weft_detach(work, path); // expected-error {{the argument points into 'path', a local variable of 'detached', but the action runs after 'detached' has returned; keep the argument in storage that outlives the action (the heap, or an object the caller owns)}}
  if (which == 1)
    return weft_detach_release(work, &local, release); // expected-error {{the argument points into 'local', a local variable of 'detached'}}
  if (which == 2)
    return weft_detach(work, c->line);
  return weft_detach(work, NULL);
}

// Synchronous code runs the action inside weft_run, before its frame ends.
int main(void) {
  struct stat st;
  char buf[8] = "abc";
  void *r = NULL;
  int a = weft_run(weft_file_stat("/", &st), NULL);
  int b = weft_run(weft_detach(work, buf), &r);
  return a + b;
}
