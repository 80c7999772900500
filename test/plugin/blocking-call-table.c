// RUN: %weft_verify %s
// A blocking function reached through a pointer: an array of function
// pointers, a struct of operations initialised at file scope or assigned
// field by field, a local pointer, and a weft_blocking function of the
// program's; a function of the program's, held in a table called in async
// context, that blocks in its body; a comparator qsort calls in async
// context; and a blocking cleanup function.
#include <weft.h>

#include <pthread.h>
#include <sys/epoll.h>
#include <unistd.h>

typedef ssize_t (*reader_fn)(int, void *, size_t);
static reader_fn readers[] = {read};

struct backend {
  int (*wait)(int, struct epoll_event *, int, int);
  int (*lock)(pthread_mutex_t *);
  void (*hook)(void);
};
static const struct backend epoll_backend = {.wait = epoll_wait};

weft_blocking void flush_disk(void); // expected-note {{'flush_disk' is declared 'weft_blocking' here}}

static void slow_hook(void) {
  sleep(1); // expected-warning {{call to 'sleep' blocks the event loop; use 'weft_sleep' instead}}
}

async(ssize_t) drive(int fd, char *buf, struct backend *b, pthread_mutex_t *m) {
  struct epoll_event ev[4];
  b->lock = pthread_mutex_lock;
  b->hook = slow_hook;
  void (*flush)(void) = flush_disk;
  // expected-warning@+1 {{call through 'readers' may call 'read', which blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}}
  ssize_t n = readers[0](fd, buf, 8); // expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += epoll_backend.wait(fd, ev, 4, -1); // expected-warning {{call through 'wait' may call 'epoll_wait', which blocks the event loop; use 'weft_wait_readable' or 'weft_wait_writable' instead}}
  n += b->lock(m); // expected-warning {{call through 'lock' may call 'pthread_mutex_lock', which blocks the event loop; move it out of async context or wrap it in weft_unchecked(...)}}
  flush(); // expected-warning {{call through 'flush' may call 'flush_disk', which blocks the event loop; move it out of async context or wrap it in weft_unchecked(...)}}
  b->hook(); // expected-note {{'drive' may call 'slow_hook' through a function pointer here}}
  return weft_return(ssize_t, n);
}

// A comparator given to qsort in async context runs there.
static int slow_compare(const void *a, const void *b) {
  usleep(1); // expected-warning {{call to 'usleep' blocks the event loop; use 'weft_sleep_ms' instead}}
  return *(const int *)a - *(const int *)b;
}
#include <stdlib.h>
async(int) sorted(int *v) {
  qsort(v, 4, sizeof *v, slow_compare); // expected-note {{'sorted' gives 'slow_compare' to 'qsort' here, which calls it before returning}}
  return weft_return(int, v[0]);
}

// A cleanup function that blocks, run at the end of an async function's scope.
weft_blocking void unlock_slowly(int *fd); // expected-note {{'unlock_slowly' is declared 'weft_blocking' here}}
async(int) guarded(void) {
  int fd __attribute__((cleanup(unlock_slowly))) = 0; // expected-warning {{call to 'unlock_slowly' blocks the event loop; move it out of async context or wrap it in weft_unchecked(...)}}
  return weft_return(int, fd);
}
