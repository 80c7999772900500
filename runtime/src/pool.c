/* pool.c: the worker pool: weft_detach runs blocking functions on a bounded set of threads (Lwt_preemptive.detach, uv_queue_work).
 * Covered by test/runtime/pool_detach.c (results, cancellation, ownership, loop close, size), pool_ticker.c
 * (the loop keeps time while workers block) and pool_fork.c.
 *
 * One pool per process, shared by the loops of every thread.  A job is an
 * action: the fiber that runs it submits it to the pool's queue and waits
 * (a WEFT__K_EVENT wait, like sync.c's); a worker takes it, runs it, and
 * puts it on its loop's list of finished jobs, then writes the loop's
 * eventfd, which sits in the loop's epoll set like any fd: the loop never
 * polls for work, and sleeps in epoll_wait while the workers run.
 *
 * Threads are started when a job finds no idle one, up to the pool's size,
 * and live until the process exits; a smaller size only lowers how many
 * jobs run at once.  Everything shared with the workers (the queue, the
 * jobs' states, the loops' finished lists) is under one mutex; the jobs'
 * own fields are written by one side at a time, the mutex ordering the
 * hand-over. */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define POOL_DEFAULT 4   /* libuv's UV_THREADPOOL_SIZE default */
#define POOL_MAX 1024    /* libuv's limit too */

/* A loop's way back from the workers: finished jobs wait in a list until
 * the loop, woken by the eventfd, hands them to their fibers. */
struct weft__pool_port {
  int efd;
  struct weft__job *head, *tail; /* under the pool's lock */
};

struct worker {
  pthread_t tid;
  bool busy; /* running a job's work (under the pool's lock) */
  struct worker *next;
};

static struct {
  pthread_mutex_t lock;
  pthread_cond_t wake;            /* a job was queued, the size grew, or the pool stops */
  struct weft__job *head, *tail;  /* jobs waiting for a worker, oldest first */
  size_t queued;                  /* how many */
  size_t size;                    /* at most this many jobs run at once */
  size_t threads, idle, running;
  bool sized;                     /* size set (from WEFT_POOL_SIZE or weft_pool_set_size) */
  bool hooked;                    /* the exit and fork handlers are installed */
  bool stopping;                  /* the process is exiting */
  struct worker *workers;
} P = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static void lock(void) {
  pthread_mutex_lock(&P.lock);
}

static void unlock(void) {
  pthread_mutex_unlock(&P.lock);
}

static void list_push(struct weft__job **head, struct weft__job **tail, struct weft__job *j) {
  j->next = NULL;
  j->prev = *tail;
  if (*tail) (*tail)->next = j;
  else *head = j;
  *tail = j;
}

static void list_remove(struct weft__job **head, struct weft__job **tail, struct weft__job *j) {
  if (j->prev) j->prev->next = j->next;
  else *head = j->next;
  if (j->next) j->next->prev = j->prev;
  else *tail = j->prev;
  j->prev = j->next = NULL;
}

/* ---- size ------------------------------------------------------------- */

/* WEFT_POOL_SIZE, read once, like libuv's UV_THREADPOOL_SIZE; a value that
 * is not a number from 1 to POOL_MAX is reported and the default used. */
static void size_init_locked(void) {
  if (P.sized) return;
  P.sized = true;
  P.size = POOL_DEFAULT;
  const char *env = getenv("WEFT_POOL_SIZE");
  if (env == NULL || env[0] == '\0') return;
  char *end;
  errno = 0;
  long n = strtol(env, &end, 10);
  if (errno != 0 || *end != '\0' || n < 1 || n > POOL_MAX) {
    fprintf(stderr, "weft: WEFT_POOL_SIZE=%s is not a number from 1 to %d; the pool has %d threads\n", env,
            POOL_MAX, POOL_DEFAULT);
    return;
  }
  P.size = (size_t)n;
}

size_t weft_pool_size(void) {
  lock();
  size_init_locked();
  size_t n = P.size;
  unlock();
  return n;
}

/* ---- workers ---------------------------------------------------------- */

/* A worker that finished a job hands it to its loop, unless the job was
 * cancelled meanwhile: then nobody waits for it, and its outcome is
 * discarded here, on the worker, outside the lock (discard may call the
 * program's release function). */
static void finish_locked(struct weft__job *j) {
  if (j->orphan) {
    unlock();
    j->ops->discard(j, true);
    free(j);
    lock();
    return;
  }
  struct weft__pool_port *port = j->port;
  bool was_empty = port->head == NULL;
  j->state = WEFT__JOB_DONE;
  list_push(&port->head, &port->tail, j);
  /* One write per batch: the loop reads the eventfd before it takes the
   * list, so a job pushed after that read finds the list empty again and
   * writes. */
  if (was_empty) {
    uint64_t one = 1;
    while (write(port->efd, &one, sizeof one) < 0 && errno == EINTR) {
    }
  }
}

static void *worker_main(void *arg) {
  struct worker *self = arg;
  lock();
  for (;;) {
    while (!P.stopping && (P.head == NULL || P.running >= P.size)) pthread_cond_wait(&P.wake, &P.lock);
    if (P.stopping) break;
    struct weft__job *j = P.head;
    list_remove(&P.head, &P.tail, j);
    P.queued--;
    P.idle--;
    P.running++;
    self->busy = true;
    j->state = WEFT__JOB_RUNNING;
    unlock();
    j->ops->work(j);
    lock();
    self->busy = false;
    P.running--;
    P.idle++;
    finish_locked(j);
  }
  unlock();
  return NULL;
}

static void pool_exit(void);
static void fork_prepare(void) {
  lock();
}
static void fork_parent(void) {
  unlock();
}

/* The child of a fork has none of the parent's threads.  Its pool starts
 * empty: jobs queued or running in the parent are the parent's and never
 * run in the child (they belong to the parent's loop, which the child
 * sets aside), and the child's first job starts new threads. */
static void fork_child(void) {
  pthread_mutex_init(&P.lock, NULL);
  pthread_cond_init(&P.wake, NULL);
  P.head = P.tail = NULL;
  P.queued = P.threads = P.idle = P.running = 0;
  while (P.workers != NULL) {
    struct worker *w = P.workers;
    P.workers = w->next;
    free(w);
  }
}

/* Workers block every signal: a process-directed signal then goes to a
 * thread that runs a loop (weft_signal waits there), never to a worker in
 * the middle of a job (libuv's threads do the same). */
static int start_worker_locked(void) {
  if (!P.hooked) {
    P.hooked = true;
    atexit(pool_exit);
    pthread_atfork(fork_prepare, fork_parent, fork_child);
  }
  struct worker *w = calloc(1, sizeof *w);
  if (w == NULL) return -ENOMEM;
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int r = pthread_create(&w->tid, NULL, worker_main, w);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (r != 0) {
    free(w);
    return -r;
  }
  w->next = P.workers;
  P.workers = w;
  P.threads++;
  P.idle++; /* counted idle from the start: it takes a job as soon as it runs */
  return 0;
}

/* At exit, idle workers are stopped and joined, so that nothing of the pool
 * is left; queued jobs never run.  A worker still running a job is not
 * waited for (its job may never return): it is detached, and the exit
 * ends it. */
static void pool_exit(void) {
  lock();
  P.stopping = true;
  pthread_cond_broadcast(&P.wake);
  struct worker *w = P.workers, *busy = NULL;
  P.workers = NULL;
  unlock();
  while (w != NULL) {
    struct worker *next = w->next;
    lock();
    bool b = w->busy;
    unlock();
    if (b) {
      pthread_detach(w->tid);
      w->next = busy;
      busy = w;
    } else {
      pthread_join(w->tid, NULL);
      free(w);
    }
    w = next;
  }
  lock();
  P.workers = busy;
  unlock();
}

/* Starts threads for the queued jobs that no idle worker will take, up to
 * the pool's size.  Failing to start one is not an error while another
 * thread can run the job. */
static int grow_locked(void) {
  while (P.queued > P.idle && P.threads < P.size) {
    int r = start_worker_locked();
    if (r < 0) return P.threads > 0 ? 0 : r;
  }
  return 0;
}

int weft_pool_set_size(size_t n) {
  if (n < 1 || n > POOL_MAX) return -EINVAL;
  lock();
  size_init_locked();
  P.size = n;
  int r = grow_locked();
  pthread_cond_broadcast(&P.wake);
  unlock();
  return r;
}

/* ---- the loop's side -------------------------------------------------- */

/* The eventfd's epoll data: io.c's entries carry their fd and its
 * generation, signal.c's the generation UINT32_MAX; this one is the next
 * below, which io.c never hands out before four billion closes of a number. */
static uint64_t port_data(int efd) {
  return (uint64_t)(UINT32_MAX - 1) << 32 | (uint32_t)efd;
}

static int port_open(void) {
  struct weft__loop *L = &weft__loop;
  if (L->pool != NULL) return 0;
  struct weft__pool_port *port = calloc(1, sizeof *port);
  if (port == NULL) return -ENOMEM;
  port->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (port->efd < 0) {
    int err = -errno;
    free(port);
    return err;
  }
  int r = weft__backend_set(port->efd, 0, EPOLLIN, port_data(port->efd));
  if (r < 0) {
    close(port->efd);
    free(port);
    return r;
  }
  L->pool = port;
  return 0;
}

/* Every job of a closing loop was taken back by the cancellation of its
 * fiber (weft__job_cancel), so the list is empty and no worker will touch the
 * port again: a job still running is an orphan, which the worker discards
 * without looking at its port. */
void weft__pool_close(void) {
  struct weft__loop *L = &weft__loop;
  if (L->pool == NULL) return;
  close(L->pool->efd);
  free(L->pool);
  L->pool = NULL;
}

void weft__pool_rearm(void) {
  struct weft__loop *L = &weft__loop;
  if (L->pool != NULL) weft__backend_set(L->pool->efd, 0, EPOLLIN, port_data(L->pool->efd));
}

bool weft__pool_ready(uint64_t data) {
  struct weft__loop *L = &weft__loop;
  if (L->pool == NULL || data != port_data(L->pool->efd)) return false;
  uint64_t count;
  while (read(L->pool->efd, &count, sizeof count) < 0 && errno == EINTR) {
  }
  lock();
  struct weft__job *j = L->pool->head;
  L->pool->head = L->pool->tail = NULL;
  for (struct weft__job *k = j; k != NULL; k = k->next) k->state = WEFT__JOB_GIVEN;
  unlock();
  while (j != NULL) {
    struct weft__job *next = j->next;
    j->prev = j->next = NULL;
    struct weft__fiber *f = j->fiber;
    f->op->ev_phase = WEFT__EV_GIVEN;
    L->waiting_io--;
    weft__fiber_enqueue(f);
    j = next;
  }
  return true;
}

/* ---- jobs as actions -------------------------------------------------- */

void *weft__job_new(const struct weft__job_ops *ops, size_t size) {
  struct weft__job *j = calloc(1, size);
  if (j == NULL) {
    fputs("weft: out of memory\n", stderr);
    abort();
  }
  j->ops = ops;
  return j;
}

static int submit(struct weft__job *j) {
  lock();
  if (P.stopping) {
    unlock();
    return -ESHUTDOWN; /* the process is exiting */
  }
  size_init_locked();
  j->state = WEFT__JOB_QUEUED;
  list_push(&P.head, &P.tail, j);
  P.queued++;
  int r = grow_locked();
  if (r < 0) {
    list_remove(&P.head, &P.tail, j);
    P.queued--;
    j->state = WEFT__JOB_NEW;
  } else {
    pthread_cond_signal(&P.wake);
  }
  unlock();
  return r;
}

int weft__job_attempt(struct weft__fiber *f, struct weft__node *op) {
  struct weft__loop *L = &weft__loop;
  struct weft__job *j = op->u.ev.obj;
  if (op->ev_phase == WEFT__EV_GIVEN) {
    op->u.ev.obj = NULL;
    int r = j->ops->deliver(f, j);
    free(j);
    return r;
  }
  if (L->closing) return weft__op_failed(f, -ECANCELED); /* a finaliser at loop close starts nothing */
  if (j->ops->start != NULL) j->ops->start(j);
  int r = port_open();
  if (r == 0) {
    j->port = L->pool;
    j->fiber = f;
    r = submit(j);
  }
  if (r < 0) return weft__op_failed(f, r);
  op->ev_phase = WEFT__EV_WAITING;
  f->state = WEFT__FS_WAIT_EVENT;
  L->waiting_io++; /* the loop polls for it: not a deadlock */
  return WEFT__OP_WAIT;
}

/* A cancelled job that has not started never runs: it leaves the queue.
 * One that runs is left to its worker, which discards its outcome.  One
 * that finished and waits in the loop's list leaves the list; its outcome
 * is discarded with the node (weft__job_release), as is that of a job already
 * handed to the fiber (GIVEN). */
void weft__job_cancel(struct weft__fiber *f, struct weft__node *op) {
  (void)f;
  struct weft__job *j = op->u.ev.obj;
  if (j == NULL || op->ev_phase != WEFT__EV_WAITING) return;
  lock();
  switch (j->state) {
  case WEFT__JOB_QUEUED:
    list_remove(&P.head, &P.tail, j);
    P.queued--;
    j->state = WEFT__JOB_NEW;
    break;
  case WEFT__JOB_RUNNING:
    j->orphan = true;
    op->u.ev.obj = NULL; /* the worker's now */
    break;
  case WEFT__JOB_DONE:
    list_remove(&j->port->head, &j->port->tail, j);
    j->state = WEFT__JOB_GIVEN;
    break;
  default:
    break;
  }
  unlock();
  weft__loop.waiting_io--;
}

void weft__job_release(struct weft__node *op) {
  struct weft__job *j = op->u.ev.obj;
  if (j == NULL) return;
  op->u.ev.obj = NULL;
  j->ops->discard(j, j->state == WEFT__JOB_GIVEN);
  free(j);
}

struct weft__node *weft__job_node(struct weft__job *j) {
  struct weft__node *n = weft__node_new(WEFT__K_EVENT);
  n->u.ev.ops = &j->ops->ev;
  n->u.ev.obj = j;
  return n;
}

/* ---- weft_detach ------------------------------------------------------ */

struct detach_job {
  struct weft__job job;
  void *(*fn)(void *arg);
  void *arg;
  void (*release)(void *arg, void *result);
};

static void detach_work(struct weft__job *j) {
  struct detach_job *d = (struct detach_job *)j;
  j->value = (uintptr_t)d->fn(d->arg);
}

static int detach_deliver(struct weft__fiber *f, struct weft__job *j) {
  return weft__op_done(f, j->value);
}

static void detach_discard(struct weft__job *j, bool ran) {
  struct detach_job *d = (struct detach_job *)j;
  if (d->release != NULL) d->release(d->arg, ran ? (void *)j->value : NULL);
}

static const struct weft__job_ops detach_ops = WEFT__JOB_OPS("weft_detach", detach_work, detach_deliver, detach_discard, NULL);

WEFT_BOUNDARY async(ptr) weft_detach_release(void *(*fn)(void *arg), void *arg, void (*release)(void *arg, void *result)) {
  if (fn == NULL) weft__misuse("weft_detach was given a NULL function");
  struct detach_job *d = weft__job_new(&detach_ops, sizeof *d);
  d->fn = fn;
  d->arg = arg;
  d->release = release;
  return (async(ptr)){.node_ = weft__job_node(&d->job)};
}

WEFT_BOUNDARY async(ptr) weft_detach(void *(*fn)(void *arg), void *arg) {
  return weft_detach_release(fn, arg, NULL);
}
