/* loop.c: weft_run, the one way out: open the loop, run its phases until the action finishes, close it.
 * Covered by every runtime test (each ends with the loop closed) and test/runtime/misuse_*.c. */
#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>

_Thread_local struct weft__loop weft__loop = {.backend_fd = -1};

static void free_kept(void) {
  weft__rbuf_free(weft__loop.kept);
  weft__loop.kept = NULL;
}

/* What a thread's loops leave behind between runs (the kept result string,
 * debug builds' quarantine) is freed when the thread ends: by a key
 * destructor for other threads, at exit for the one that calls exit. */
static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static _Thread_local bool thread_hooked;

static void thread_cleanup(void *unused) {
  (void)unused;
  /* Fibers spawned for a weft_run that never came. */
  if (!weft__loop.running) {
    while (weft__loop.all != NULL) weft__fiber_free(weft__loop.all);
    weft__loop.ready_head = weft__loop.ready_tail = NULL;
  }
  free_kept();
  weft__node_quarantine_flush();
}

static void exit_cleanup(void) {
  thread_cleanup(NULL);
}

static void make_thread_key(void) {
  if (pthread_key_create(&thread_key, thread_cleanup) == 0) atexit(exit_cleanup);
}

void weft__thread_hook(void) {
  if (thread_hooked) return;
  thread_hooked = true;
  pthread_once(&thread_once, make_thread_key);
  pthread_setspecific(thread_key, &thread_hooked); /* non-NULL: the destructor runs */
}

static int loop_open(void) {
  struct weft__loop *L = &weft__loop;
  int rc = weft__backend_open();
  if (rc < 0) return rc;
  L->open = true;
  /* Writing to a closed pipe or socket must be a failure (-EPIPE), never
   * the death of the process, nor a call of a handler for every closed peer:
   * SIGPIPE is ignored while the loop runs and put back as it was after. */
  struct sigaction ign = {.sa_handler = SIG_IGN};
  sigemptyset(&ign.sa_mask);
  L->sigpipe_saved = sigaction(SIGPIPE, &ign, &L->sigpipe_old) == 0;
  return 0;
}

/* Phase 1: run every fiber that is ready now.  Fibers made ready meanwhile
 * wait for the next turn, so that IO is polled between turns. */
static void run_ready(void) {
  struct weft__loop *L = &weft__loop;
  struct weft__fiber *last = L->ready_tail;
  while (last != NULL && L->ready_head != NULL) {
    struct weft__fiber *f = L->ready_head;
    L->ready_head = f->next_ready;
    if (L->ready_head == NULL) L->ready_tail = NULL;
    f->queued = false;
    f->next_ready = NULL;
    bool was_last = f == last; /* f may be freed by the time it returns */
    weft__fiber_run(f);
    if (was_last) break;
  }
}

/* How long phase 2 may wait: not at all if a fiber is ready, until the
 * first timer (rounded up, never early) if there is one, else for IO. */
static int poll_timeout(void) {
  if (weft__loop.ready_head != NULL) return 0;
  int64_t next = weft__timer_next();
  if (next < 0) return -1;
  int64_t now = weft__clock_now();
  if (next <= now) return 0;
  int64_t ms = (next - now + 999999) / 1000000;
  return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Closing the loop: fibers still running are cancelled and may run their
 * finalisers as far as those go without waiting; then all is released. */
static void loop_close(void) {
  struct weft__loop *L = &weft__loop;
  for (struct weft__fiber *f = L->all; f != NULL; f = f->next_all)
    if (!f->cancelled && f->state != WEFT__FS_DONE) weft__fiber_cancel(f);
  while (L->ready_head != NULL) run_ready();
  while (L->all != NULL) {
    struct weft__fiber *f = L->all;
    if (f->state == WEFT__FS_WAIT_IO) weft__io_unwatch(f);
    if (f->state == WEFT__FS_WAIT_TIMER) weft__timer_remove(f);
    weft__fiber_free(f);
  }
  L->ready_head = L->ready_tail = NULL;
  weft__timer_close();
  weft__io_close_all();
  weft__backend_close();
  if (L->sigpipe_saved) sigaction(SIGPIPE, &L->sigpipe_old, NULL);
  L->waiting_io = 0;
  L->open = false;
}

int weft__run(struct weft__node *m, void *out, size_t out_size) {
  struct weft__loop *L = &weft__loop;
  if (L->running)
    weft__misuse("weft_run was called inside a running loop: weft_run belongs in synchronous "
                 "code such as main; inside the loop, bind the action or spawn it");
  weft__node_claim(m, "weft_run");
  weft__thread_hook();
  L->running = true;
  int rc = loop_open();
  if (rc < 0) {
    weft__node_free_tree(m);
    L->running = false;
    return rc;
  }
  struct weft__fiber *root = weft__fiber_new(m);
  root->root = true;
  weft__fiber_enqueue(root);

  while (root->state != WEFT__FS_DONE) {
    run_ready();
    if (root->state == WEFT__FS_DONE) break;
    int timeout = poll_timeout();
    if (timeout < 0 && L->waiting_io == 0) {
      root->err = -EDEADLK; /* nothing left that could ever wake it */
      break;
    }
    /* With fibers ready and no fiber waiting on an fd, epoll has nothing
     * to say: fibers handing values to each other skip the system call. */
    rc = timeout == 0 && L->waiting_io == 0 ? 0 : weft__backend_poll(timeout);
    if (rc < 0) {
      root->err = rc;
      break;
    }
    weft__timer_expire(weft__clock_now());
  }

  rc = root->err;
  if (rc == 0 && out != NULL && out_size > 0 && out_size <= sizeof root->value) {
    uintptr_t v = root->value;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    memcpy(out, (char *)&v + sizeof v - out_size, out_size);
#else
    memcpy(out, &v, out_size);
#endif
  }
  /* A string the action read outlives the loop, until the next weft_run. */
  if (rc == 0 && root->rbuf != NULL && root->value == (uintptr_t)root->rbuf->data) {
    free_kept();
    L->kept = root->rbuf;
    root->rbuf = NULL;
  }
  loop_close();
  L->running = false;
  return rc;
}
