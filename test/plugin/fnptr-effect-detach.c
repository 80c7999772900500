// RUN: %weft_verify %s
// A function given to weft_detach (or as weft_detach_release's work) runs on
// a worker thread of the pool, never inside the loop: it may block (that is
// what the pool is for) and may run a loop of its own (weft.h, section 17),
// as a pthread_create start routine may.  weft_detach_release's release
// function is not handed over: it may run on the loop's thread, so one that
// runs a loop is still reported.
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <unistd.h>
#include <weft.h>

static void *own_loop(void *arg) {
  long slept = 0;
  weft_run(weft_sleep_ms(5), &slept);
  return arg;
}

static void *blocking_work(void *arg) {
  int fd = open((const char *)arg, O_RDONLY);
  char buf[64];
  ssize_t n = read(fd, buf, sizeof buf);
  struct addrinfo *ai = NULL;
  getaddrinfo("localhost", NULL, NULL, &ai);
  freeaddrinfo(ai);
  sleep(1);
  close(fd);
  return n > 0 ? arg : NULL;
}

static void *both(void *arg) {
  (void)blocking_work(arg);
  return own_loop(arg);
}

static void release(void *arg, void *result) {
  free(arg);
  free(result);
}

static void release_running_a_loop(void *arg, void *result) {
  (void)arg;
  (void)result;
  weft_run(weft_sleep_ms(1), NULL); // expected-note {{'release_running_a_loop' calls 'weft_run' here}}
}

static async(void) done(void *env, void *result) {
  (void)env;
  (void)result;
  return weft_return(void);
}

async(void) direct(char *path) {
  return weft_bind(weft_detach(own_loop, path), done, NULL);
}

// A pointer the program keeps carries the effect as any pointer does.
async(void) through_a_local(char *path) {
  mayyield void *(*work)(void *) = both;
  return weft_bind(weft_detach(work, path), done, NULL);
}

async(void) released(char *path) {
  return weft_bind(weft_detach_release(blocking_work, path, release), done, NULL);
}

async(void) loop_in_release(char *path) {
  return weft_bind(weft_detach_release(own_loop, path, release_running_a_loop), done, NULL); // expected-error {{'release_running_a_loop' may yield, but its address is converted to 'void (*)(void *, void *)', which is not declared 'mayyield'}}
}
