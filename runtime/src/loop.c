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
  weft__trace_forget();
  weft__node_quarantine_flush();
  weft__fiber_cache_flush();
}

static void exit_cleanup(void) {
  thread_cleanup(NULL);
}

/* fork(2) from inside a loop copies the loop into the child, epoll
 * instance included, and that instance is the parent's: a change the child
 * made to it would change what the parent's loop sees.  The child's copy is
 * marked; the child may run a loop of its own with weft_run (the copy is set
 * aside for it), exec, or exit, but not go on with the parent's loop. */
static void forked_child(void) {
  if (weft__loop.open) weft__loop.forked = true;
  weft__signal_forked();
}

_Noreturn void weft__forked_misuse(void) {
  weft__misuse("a child of fork() went on with the loop it inherited from its parent, whose epoll "
               "instance it shares: in the child, exec, _exit, or run a loop of its own with weft_run");
}

static void make_thread_key(void) {
  if (pthread_key_create(&thread_key, thread_cleanup) == 0) atexit(exit_cleanup);
  pthread_atfork(NULL, NULL, forked_child);
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
  L->turn_now_set = false;
  L->idle_polls_skipped = 0;
  /* SIGPIPE is not touched here: writes suppress it per call (io.c), so
   * the process's disposition stays the program's, in every thread. */
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

/* One clock reading per turn for what may come late but never early (the
 * due times of unverified waits, io.c): the reading that followed the
 * last poll, or one taken now if that turn read none. */
int64_t weft__turn_now(void) {
  struct weft__loop *L = &weft__loop;
  if (!L->turn_now_set) {
    L->turn_now = weft__clock_now();
    L->turn_now_set = true;
  }
  return L->turn_now;
}

/* How long phase 2 may wait: not at all if a fiber is ready, until the
 * first timer (rounded up, never early) or the first unverified wait's due
 * time (io.c; only while fibers wait on fds) if there is one, else for IO. */
static int poll_timeout(void) {
  struct weft__loop *L = &weft__loop;
  if (L->ready_head != NULL) return 0;
  int64_t next = weft__timer_next();
  int64_t due = L->waiting_io > 0 ? weft__io_verify_next() : -1;
  if (next < 0 && due < 0) return -1;
  /* A timer must not fire early: its wait is measured from a fresh
   * reading.  A verification may be late by the length of a turn. */
  int64_t now = next >= 0 ? weft__clock_now() : weft__turn_now();
  if (due >= 0 && (next < 0 || due < next)) next = due;
  if (next <= now) return 0;
  int64_t ms = (next - now + 999999) / 1000000;
  return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Phase 2.  With fibers ready and no fiber waiting on an fd, epoll has
 * nothing to say: fibers handing values to each other skip the system
 * call.  With fibers ready, a poll that cannot wait and found nothing is
 * likely to find nothing a few microseconds later either (a request's
 * fibers handing its parts to each other take several turns): the next
 * SKIP_IDLE_POLLS turns with fibers ready skip it, so input waits at most
 * that many turns more, and a loop that is never idle still polls. */
#define SKIP_IDLE_POLLS 3
static int poll_step(int timeout) {
  struct weft__loop *L = &weft__loop;
  if (timeout == 0 && L->waiting_io == 0) return 0;
  if (timeout == 0 && L->idle_polls_skipped > 0) {
    L->idle_polls_skipped--;
    return 0;
  }
  int rc = weft__backend_poll(timeout);
  L->idle_polls_skipped = timeout == 0 && rc == 0 ? SKIP_IDLE_POLLS : 0;
  return rc;
}

/* Closing the loop: fibers still running are cancelled and may run their
 * finalisers as far as those go without waiting; then all is released. */
static void loop_close(void) {
  struct weft__loop *L = &weft__loop;
  L->closing = true;
  /* The rest of a cancelled write (a quiet fiber) is not cancelled: it
   * goes on as far as it can without waiting, like a finaliser. */
  for (struct weft__fiber *f = L->all; f != NULL; f = f->next_all)
    if (!f->cancelled && !f->quiet && f->state != WEFT__FS_DONE) weft__fiber_cancel(f);
  while (L->ready_head != NULL) run_ready();
  while (L->all != NULL) {
    struct weft__fiber *f = L->all;
    if (f->quiet && f->op != NULL)
      fprintf(stderr, "weft: the loop closed with %zu bytes of a cancelled write to fd %d unsent\n",
              f->op->u.write.len - f->op_done, f->op->u.write.fd);
    if (f->state == WEFT__FS_WAIT_TIMER) weft__timer_remove(f);
    weft__fiber_free(f); /* which gives up its place in an fd's queue */
  }
  L->ready_head = L->ready_tail = NULL;
  weft__timer_close();
  weft__io_close_all();
  weft__backend_close();
  L->waiting_io = 0;
  L->open = false;
  L->closing = false;
}

static int run_loop(struct weft__node *m, void *out, size_t out_size) {
  struct weft__loop *L = &weft__loop;
  if (L->running)
    weft__misuse("weft_run was called inside a running loop: weft_run belongs in synchronous "
                 "code such as main; inside the loop, bind the action or spawn it");
  m = weft__node_claim(m, "weft_run");
  weft__thread_hook();
  L->running = true;
  int rc = loop_open();
  if (rc < 0) {
    weft__trace_forget();
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
      root->tracing = false;
      break;
    }
    rc = poll_step(timeout);
    if (rc < 0) {
      root->err = rc;
      root->tracing = false;
      break;
    }
    /* No clock reading without timers or unverified waits. */
    L->turn_now_set = false;
    int64_t due = weft__io_verify_next();
    bool timers = weft__timer_next() >= 0;
    if (timers || due >= 0) {
      int64_t now = weft__turn_now();
      if (timers) weft__timer_expire(now);
      if (due >= 0 && due <= now) weft__io_verify(now);
    }
  }

  rc = root->err;
  weft__trace_keep(root, rc);
  if (rc == 0 && out != NULL && out_size > 0 && out_size <= sizeof root->value) {
    uintptr_t v = root->value;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    memcpy(out, (char *)&v + sizeof v - out_size, out_size);
#else
    memcpy(out, &v, out_size);
#endif
  }
  /* A string the action read outlives the loop, until the next weft_run. */
  struct weft__rbuf *result = weft__read_result(root);
  if (result != NULL) {
    free_kept();
    L->kept = result;
  }
  loop_close();
  L->running = false;
  return rc;
}

/* weft_run in the child of a fork made inside a loop: the inherited loop is
 * set aside, untouched, and the child's own loop runs in its place.  If the
 * child then returns into the inherited loop, its first contact with epoll
 * is reported as a misuse (backend_epoll.c). */
int weft__run(struct weft__node *m, void *out, size_t out_size) {
  if (!weft__loop.forked) return run_loop(m, out, out_size);
  struct weft__loop *inherited = malloc(sizeof *inherited);
  if (inherited == NULL) abort();
  *inherited = weft__loop;
  weft__loop = (struct weft__loop){.backend_fd = -1};
  int rc = run_loop(m, out, out_size);
  /* The child's result string replaces the one an earlier weft_run left,
   * as after any weft_run. */
  struct weft__rbuf *kept = weft__loop.kept;
  weft__loop = *inherited;
  free(inherited);
  weft__rbuf_free(weft__loop.kept);
  weft__loop.kept = kept;
  return rc;
}
