// RUN: %weft_verify %s
// The blocking calls whose replacements came with the worker pool and the
// readiness waits: readiness polls name weft_wait_readable/writable; stdio's
// opens name weft_file_open; the rest of the file system by path and the
// user and group databases (NSS, like getaddrinfo) run on the pool.  The same
// calls in a function given to weft_detach are what the pool is for: clean.
#define _GNU_SOURCE /* statx */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>
#include <weft.h>

async(int) wait_for_library(int fd, int ep) {
  struct pollfd p = {.fd = fd, .events = POLLOUT};
  int n = poll(&p, 1, -1); // expected-warning {{call to 'poll' blocks the event loop; use 'weft_wait_readable' or 'weft_wait_writable' instead}}
  fd_set w;
  FD_ZERO(&w);
  n += select(fd + 1, NULL, &w, NULL, NULL); // expected-warning {{call to 'select' blocks the event loop; use 'weft_wait_readable' or 'weft_wait_writable' instead}}
  struct epoll_event ev;
  n += epoll_wait(ep, &ev, 1, 1000); // expected-warning {{call to 'epoll_wait' blocks the event loop; use 'weft_wait_readable' or 'weft_wait_writable' instead}}
  n += poll(&p, 1, 0); // a zero timeout only looks
  return weft_return(int, n);
}

async(int) config(const char *path) {
  FILE *f = fopen(path, "r"); // expected-warning {{call to 'fopen' blocks the event loop; use 'weft_file_open' instead}}
  f = freopen(path, "r", f); // expected-warning {{call to 'freopen' blocks the event loop; use 'weft_file_open' instead}}
  struct statx sx;
  int r = statx(AT_FDCWD, path, 0, STATX_SIZE, &sx); // expected-warning {{call to 'statx' blocks the event loop; use 'weft_file_stat' instead}}
  return weft_return(int, r + (f != NULL));
}

async(int) tidy(const char *dir, const char *from, const char *to, int fd) {
  int r = access(from, R_OK);   // expected-warning {{call to 'access' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += rename(from, to);        // expected-warning {{call to 'rename' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += unlink(to);              // expected-warning {{call to 'unlink' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += remove(to);              // expected-warning {{call to 'remove' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += mkdir(dir, 0700);        // expected-warning {{call to 'mkdir' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += rmdir(dir);              // expected-warning {{call to 'rmdir' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  DIR *d = opendir(dir);        // expected-warning {{call to 'opendir' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  struct dirent *e = readdir(d); // expected-warning {{call to 'readdir' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += ftruncate(fd, 0);        // expected-warning {{call to 'ftruncate' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  char buf[64];
  r += (int)readlink(from, buf, sizeof buf); // expected-warning {{call to 'readlink' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  return weft_return(int, r + (e != NULL));
}

async(int) who(const char *name) {
  struct passwd *pw = getpwnam(name); // expected-warning {{call to 'getpwnam' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  struct group *gr = getgrgid(0);     // expected-warning {{call to 'getgrgid' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  return weft_return(int, (pw != NULL) + (gr != NULL));
}

// Reached from async context through a helper: the chain is shown.
static int cleanup(const char *path) {
  return unlink(path); // expected-warning {{call to 'unlink' blocks the event loop; run it on the worker pool with 'weft_detach'}}
}
async(int) remove_later(const char *path) {
  return weft_return(int, cleanup(path)); // expected-note {{'remove_later' calls 'cleanup' here}}
}

// On a worker: clean.
static void *on_worker(void *arg) {
  const char *path = arg;
  FILE *f = fopen(path, "r");
  if (f != NULL)
    fclose(f);
  unlink(path);
  struct pollfd p = {.fd = 0, .events = POLLIN};
  poll(&p, 1, -1);
  return getpwnam("root");
}

static async(void) done(void *env, void *result) {
  (void)env;
  (void)result;
  return weft_return(void);
}

async(void) on_the_pool(char *path) {
  return weft_bind(weft_detach(on_worker, path), done, NULL);
}

// Outside async context: clean.
int main(void) {
  FILE *f = fopen("/etc/hostname", "r");
  if (f != NULL)
    fclose(f);
  return unlink("/nonexistent") == 0;
}
