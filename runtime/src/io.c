/* io.c: the primitives (read, write, sleep, accept, connect, close), the per-fd table with its queues, and TCP helpers.
 * Covered by test/runtime/io_*.c and fd_*.c (lifetimes, blocking modes, queues, SIGPIPE) and read_lifetime.c. */
#include "internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

/* A read asks for at most this much at once: "up to n bytes" lets a huge n
 * be served in pieces instead of by a huge allocation. */
#define READ_MAX ((size_t)1 << 20)

/* How long a connect refused with EAGAIN (a full AF_UNIX backlog) waits
 * before it tries again. */
#define CONNECT_RETRY_MS 10

/* How long a wait on a kept registration may go unproved by an event
 * before the epoll_ctl it skipped is made after all (see io_wait).  Longer
 * than the gap between two requests of one connection of a busy server
 * (about 5 ms at 500 connections and 100k requests/s), so that a server
 * under load never pays it; short enough that a number reused behind
 * weft's back costs a program no more than a scheduling hiccup. */
#define VERIFY_MS 100

/* ---- read buffers ----------------------------------------------------- */

void weft__rbuf_free(struct weft__rbuf *b) {
  free(b);
}

/* A fiber keeps the bytes of its latest two reads: a string stays valid
 * across the fiber's next read (a request line kept while the next line is
 * read under a deadline), and a read loop still holds two buffers at most. */
static void push_read(struct weft__fiber *f, struct weft__rbuf *b) {
  weft__rbuf_free(f->rprev);
  f->rprev = f->rbuf;
  f->rbuf = b;
}

static struct weft__rbuf **result_slot(struct weft__fiber *f) {
  if (f->err != 0) return NULL;
  if (f->rbuf != NULL && f->value == (uintptr_t)f->rbuf->data) return &f->rbuf;
  if (f->rprev != NULL && f->value == (uintptr_t)f->rprev->data) return &f->rprev;
  return NULL;
}

struct weft__rbuf *weft__read_result(struct weft__fiber *f) {
  struct weft__rbuf **slot = result_slot(f);
  if (slot == NULL) return NULL;
  struct weft__rbuf *b = *slot;
  *slot = NULL;
  return b;
}

/* A pick's winner produced a string it read: the string passes to the
 * fiber that ran the pick, as that fiber's latest read. */
void weft__read_adopt(struct weft__fiber *to, struct weft__fiber *from) {
  struct weft__rbuf *b = weft__read_result(from);
  if (b != NULL) push_read(to, b);
}

/* The length is known for the bytes of the running fiber's last two reads
 * (and for weft_run's result); any other string is measured, never trusted. */
size_t weft_str_len(const char *s) {
  const struct weft__loop *L = &weft__loop;
  const struct weft__fiber *f = L->current;
  if (s == NULL) return 0;
  if (f != NULL && f->rbuf != NULL && s == f->rbuf->data) return f->rbuf->len;
  if (f != NULL && f->rprev != NULL && s == f->rprev->data) return f->rprev->len;
  if (f == NULL && L->kept != NULL && s == L->kept->data) return L->kept->len;
  return strlen(s);
}

/* Reads land in one scratch buffer per loop and are copied into a buffer of
 * their own size, so that a fiber waiting for data holds no buffer at all
 * (libuv's alloc-on-ready) and a short read never pins a large one. */
static char *scratch(size_t n) {
  struct weft__loop *L = &weft__loop;
  if (L->scratch_cap < n) {
    free(L->scratch);
    L->scratch = malloc(n);
    if (L->scratch == NULL) abort();
    L->scratch_cap = n;
  }
  return L->scratch;
}

/* A buffer for a file's read of up to n bytes, made the moment the read is
 * made.  A read of a page or more puts its bytes WEFT__RBUF_AT past a page
 * boundary inside a block a page larger (internal.h says why); malloc, not
 * posix_memalign, places the block: glibc maps a page-aligned block of 128
 * KiB afresh for every read (copy_stream: 1.5 GiB/s). */
struct weft__rbuf *weft__rbuf_new(size_t n) {
  size_t pad = n >= WEFT__RBUF_PAGE ? WEFT__RBUF_PAGE : 0;
  if (n > SIZE_MAX - sizeof(struct weft__rbuf) - pad - 1) return NULL;
  struct weft__rbuf *b = malloc(sizeof *b + pad + n + 1);
  if (b == NULL) return NULL;
  uintptr_t at = (uintptr_t)b->bytes;
  b->data = pad ? (char *)(at + ((WEFT__RBUF_AT - at) & (WEFT__RBUF_PAGE - 1))) : b->bytes;
  return b;
}

/* b, made for n bytes, holding the len bytes a read left in it, given back
 * what it did not use: nothing for a full read (a realloc of a block of
 * 128 KiB or more, which malloc may have mapped on its own, costs an
 * mremap), a short read's rest by realloc, or, when its bytes sit past a
 * page's padding and are fewer than a page, by a copy into a block of
 * their size. */
struct weft__rbuf *weft__rbuf_fit(struct weft__rbuf *b, size_t n, size_t len) {
  if (len < n && b->data != b->bytes && len < WEFT__RBUF_PAGE) {
    struct weft__rbuf *small = malloc(sizeof *small + len + 1);
    if (small != NULL) {
      small->data = small->bytes;
      memcpy(small->data, b->data, len);
      free(b);
      b = small;
    }
  } else if (len < n) {
    size_t at = (size_t)(b->data - (char *)b);
    struct weft__rbuf *shrunk = realloc(b, at + len + 1);
    if (shrunk != NULL) b = shrunk;
    b->data = (char *)b + at;
  }
  b->len = len;
  b->data[len] = '\0';
  return b;
}

static struct weft__rbuf *rbuf_of(const char *bytes, size_t len) {
  struct weft__rbuf *b = malloc(sizeof *b + len + 1);
  if (b == NULL) abort();
  b->len = len;
  b->data = b->bytes;
  memcpy(b->data, bytes, len);
  b->data[len] = '\0';
  return b;
}

/* ---- the fd table ----------------------------------------------------- */

static struct weft__fdw *fd_slot(int fd) {
  struct weft__loop *L = &weft__loop;
  if ((size_t)fd >= L->nfds) {
    size_t n = L->nfds ? L->nfds : 64;
    while (n <= (size_t)fd) n *= 2;
    /* A fresh zeroed table and a copy, not realloc and memset: calloc
     * hands back pages the kernel zeroed without touching them, so the
     * entries of numbers never used cost no resident memory (issue 13: a
     * server with 10^4 connections had 16384 entries resident). */
    struct weft__fdw *grown = calloc(n, sizeof *grown);
    if (grown == NULL) abort();
    if (L->nfds) memcpy(grown, L->fds, L->nfds * sizeof *grown);
    free(L->fds);
    L->fds = grown;
    L->nfds = n;
  }
  return &L->fds[fd];
}

static uint64_t event_data(int fd, const struct weft__fdw *w) {
  return (uint64_t)w->gen << 32 | (uint32_t)fd;
}

/* A queue is its head alone: the head's io_prev is the tail (the others'
 * is the fiber before them), and the tail's io_next is NULL.  One pointer
 * per direction instead of two keeps an fd entry at 48 bytes (issue 13). */
/* The number names a file the registration weft counted on did not belong
 * to: it was closed behind weft's back and reused (traps a and b).  The old
 * file may live on in a dup or a fork's child, its registration with it,
 * reporting the old file's events under the entry's tag: the entry takes a
 * new generation, so those events are dropped from now on (io_ready).
 * What waits in the queues is the program's, on this number: it stays,
 * under the new generation. */
static void fd_retag(struct weft__fdw *w) {
  w->gen++;
  w->verifying = w->rearmed = 0; /* the ring's entries of the old tag are dropped when due */
  for (int d = 0; d < 2; d++)
    for (struct weft__fiber *g = w->q[d].head; g != NULL; g = g->io_next) g->io_gen = w->gen;
}

/* Asks epoll for want on fd's entry (0: nothing); 0 or -errno.  If the
 * kernel had no registration of the number's file, the entry is retagged
 * and the registration made again under the new tag. */
static int fd_interest(int fd, struct weft__fdw *w, uint32_t want) {
  int r = weft__backend_set(w->pfd, w->registered, want, event_data(fd, w));
  if (r == 1) {
    fd_retag(w);
    r = want != 0 ? weft__backend_set(w->pfd, want, want, event_data(fd, w)) : 0;
  }
  if (r < 0) return r;
  w->registered = want;
  return 0;
}

static void q_append(struct weft__fiber_queue *q, struct weft__fiber *f) {
  f->io_next = NULL;
  if (q->head == NULL) {
    f->io_prev = f;
    q->head = f;
    return;
  }
  struct weft__fiber *tail = q->head->io_prev;
  tail->io_next = f;
  f->io_prev = tail;
  q->head->io_prev = f;
}

static void q_remove(struct weft__fiber_queue *q, struct weft__fiber *f) {
  struct weft__fiber *head = q->head;
  if (f == head) {
    q->head = f->io_next;
    if (q->head) q->head->io_prev = f->io_prev;
  } else {
    f->io_prev->io_next = f->io_next;
    if (f->io_next) f->io_next->io_prev = f->io_prev;
    else head->io_prev = f->io_prev; /* f was the tail */
  }
  f->io_prev = f->io_next = NULL;
}

static void fail_waiter(struct weft__fiber *g, int err) {
  weft__timer_remove(g); /* an accept paused at the descriptor limit waits in the heap */
  weft__node_release(g->op);
  g->op = NULL;
  g->io_fd = -1;
  g->io_armed = false;
  weft__loop.waiting_io--;
  weft__fiber_resume(g, 0, err);
}

/* The file behind fd is gone for weft (weft_close, or a new file found
 * behind the number): every operation queued on it fails with err, its
 * epoll interest and private description go, and its generation moves on,
 * so nothing that started on the old file ever touches the number again. */
static void fd_forget(int fd, struct weft__fdw *w, int err) {
  for (int d = 0; d < 2; d++) {
    struct weft__fiber *g;
    while ((g = w->q[d].head) != NULL) {
      q_remove(&w->q[d], g);
      fail_waiter(g, err);
    }
  }
  if (w->registered) weft__backend_set(w->pfd, w->registered, 0, event_data(fd, w));
  if (w->kind == WEFT__FD_PRIVATE) close(w->pfd);
  *w = (struct weft__fdw){.gen = w->gen + 1, .pfd = -1};
}

/* Which character devices may be reopened: ttys and the memory devices
 * (/dev/null, /dev/zero, /dev/urandom...).  Others may clone on open
 * (/dev/ptmx makes a new pseudo-terminal, /dev/net/tun a new interface). */
static bool reopenable_chr(dev_t rdev) {
  unsigned ma = major(rdev), mi = minor(rdev);
  if (ma == 5) return mi == 0 || mi == 1; /* /dev/tty, /dev/console; not /dev/ptmx */
  return ma == 1 || ma == 4 || (ma >= 136 && ma <= 143);
}

/* A private open file description of the same FIFO or tty, non-blocking,
 * through /proc/self/fd (as libuv reopens ttys): its flags are weft's own,
 * so the program's description (shared with dups, children and the shell's
 * other fds) is never changed.  -1 if that cannot be had. */
static int reopen_private(int fd, const struct stat *st) {
  if (!S_ISFIFO(st->st_mode) && !(S_ISCHR(st->st_mode) && reopenable_chr(st->st_rdev))) return -1;
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return -1;
  char path[40];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  int p = open(path, (flags & (O_ACCMODE | O_APPEND)) | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (p < 0) return -1;
  struct stat ps;
  if (fstat(p, &ps) < 0 || ps.st_dev != st->st_dev || ps.st_ino != st->st_ino || ps.st_rdev != st->st_rdev) {
    close(p);
    return -1;
  }
  return p;
}

static void fd_learn(int fd, struct weft__fdw *w, const struct stat *st) {
  w->dev = st->st_dev;
  w->ino = st->st_ino;
  w->pfd = fd;
  w->fifo = S_ISFIFO(st->st_mode);
  w->nowait_refused = false;
  if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode) || S_ISBLK(st->st_mode)) {
    w->kind = WEFT__FD_DIRECT;
  } else if (S_ISSOCK(st->st_mode)) {
    w->kind = WEFT__FD_SOCKET;
  } else if (S_ISFIFO(st->st_mode)) {
    w->kind = WEFT__FD_NOWAIT; /* until the kernel says otherwise */
  } else {
    int p = reopen_private(fd, st);
    w->kind = p >= 0 ? WEFT__FD_PRIVATE : WEFT__FD_GATED;
    if (p >= 0) w->pfd = p;
  }
}

/* RWF_NOWAIT is refused (EOPNOTSUPP) by named FIFOs and by kernels older
 * than the pipe's support of it: such a pipe gets a private description. */
static void nowait_refused(int fd, struct weft__fdw *w) {
  struct stat st;
  int p = fstat(fd, &st) == 0 ? reopen_private(fd, &st) : -1;
  w->kind = p >= 0 ? WEFT__FD_PRIVATE : WEFT__FD_GATED;
  if (p < 0) return;
  if (w->registered) {
    /* The interest was on the program's description: move it. */
    weft__backend_set(fd, w->registered, 0, event_data(fd, w));
    if (weft__backend_set(p, 0, w->registered, event_data(fd, w)) < 0) w->registered = 0;
  }
  w->pfd = p;
}

/* The entry of fd as an operation in direction dir starts on it; NULL with
 * *err set if fd is not open.  A number closed behind weft's back may name
 * a new file by now.  Sockets, pipes and gated fds are called through the
 * number itself, so the call reaches whatever file the number names, and a
 * file of another kind shows in the call's error (io_relearn); the
 * per-operation fcntl of old is gone.  So are reads of files (direct_read):
 * RWF_NOWAIT keeps the call from blocking whatever the number names, and
 * its failure is when the file is looked at again.  IO through weft's own
 * description (FIFOs, ttys), writes of files (a new pipe would block, or
 * raise SIGPIPE) and reads of files that refuse RWF_NOWAIT are checked by
 * one fstat: if the number names another file, what was queued on the old
 * one fails with -EBADF and the new file is learnt. */
static struct weft__fdw *fd_entry(int fd, int dir, int *err) {
  struct stat st;
  if (fd < 0) {
    *err = -EBADF;
    return NULL;
  }
  struct weft__fdw *w = fd_slot(fd);
  if (w->kind == WEFT__FD_SOCKET || w->kind == WEFT__FD_NOWAIT || w->kind == WEFT__FD_GATED) return w;
  if (w->kind == WEFT__FD_DIRECT && dir == WEFT__IO_READ && !w->nowait_refused) return w;
  if (fstat(fd, &st) < 0) {
    *err = -errno;
    return NULL;
  }
  w = fd_slot(fd);
  if (w->kind != WEFT__FD_UNKNOWN && (w->dev != st.st_dev || w->ino != st.st_ino)) fd_forget(fd, w, -EBADF);
  if (w->kind == WEFT__FD_UNKNOWN) fd_learn(fd, w, &st);
  return w;
}

/* The entry learns st, the file the number names now, in place of the file
 * it described: the old file's interest and private description go. */
static void relearn_as(int fd, struct weft__fdw *w, const struct stat *st) {
  if (w->registered) weft__backend_set(w->pfd, w->registered, 0, event_data(fd, w));
  if (w->kind == WEFT__FD_PRIVATE) close(w->pfd);
  w->registered = 0;
  w->ready = w->woken = 0;
  w->drained = w->wrote = w->answer_waits = false;
  fd_retag(w); /* the old file may live on, and its registration (trap b) */
  fd_learn(fd, w, st);
}

/* A call said the number is not the kind of file weft thought (ENOTSOCK,
 * or epoll's EPERM for a file it cannot poll): it was closed behind weft's
 * back and names a new file.  The new file is learnt in place, keeping the
 * queues (their operations are the program's, on this number); false if
 * the number is not open at all. */
static bool io_relearn(int fd, struct weft__fdw *w) {
  struct stat st;
  if (fstat(fd, &st) < 0) return false;
  relearn_as(fd, w, &st);
  return true;
}

/* A queue's head left: the next operation in line starts its turn. */
static void q_leave(struct weft__fiber *f, bool drop_interest) {
  struct weft__loop *L = &weft__loop;
  int fd = f->io_fd;
  struct weft__fdw *w = &L->fds[fd];
  struct weft__fiber_queue *q = &w->q[f->io_dir];
  bool was_head = q->head == f;
  q_remove(q, f);
  f->io_fd = -1;
  f->io_armed = false;
  L->waiting_io--;
  if (!was_head) return;
  w->woken &= ~(1u << f->io_dir);
  if (q->head != NULL) {
    q->head->op_retry = true;
    weft__fiber_enqueue(q->head);
    return;
  }
  uint32_t ev = f->io_dir == WEFT__IO_READ ? EPOLLIN : EPOLLOUT;
  if (drop_interest && (w->registered & ev)) fd_interest(fd, w, w->registered & ~ev);
}

/* A write cancelled half way would leave the peer with half a message, and
 * the next queued write would follow it: the rest is copied (the program
 * may free its buffer once the cancellation is delivered) and finished by
 * a fiber of the runtime's own, which takes the cancelled one's place at
 * the head of the queue.  The loop's close cancels writes too: their rest
 * goes out as far as it can without waiting, and what cannot is reported
 * (loop.c), as for a write cancelled earlier. */
static bool finish_in_background(struct weft__fiber *f) {
  struct weft__node *op = f->op;
  struct weft__loop *L = &weft__loop;
  if (op == NULL || op->kind != WEFT__K_WRITE || f->op_done == 0 || f->op_done >= op->u.write.len)
    return false;
  size_t rest = op->u.write.len - f->op_done;
  char *copy = malloc(rest);
  if (copy == NULL) abort();
  memcpy(copy, op->u.write.buf + f->op_done, rest);
  struct weft__node *n = weft__node_new(WEFT__K_WRITE);
  n->owned = 1;
  n->owns_buf = 1;
  n->u.write.fd = op->u.write.fd;
  n->u.write.buf = copy;
  n->u.write.len = rest;
  struct weft__fiber *g = weft__fiber_new(NULL);
  g->quiet = true;
  g->op = n;
  g->op_retry = true;
  g->io_fd = f->io_fd;
  g->io_gen = f->io_gen;
  g->io_dir = f->io_dir;
  g->io_armed = f->io_armed;
  g->state = f->state;
  struct weft__fiber_queue *q = &L->fds[f->io_fd].q[f->io_dir];
  g->io_next = f->io_next; /* g takes f's place at the head (see q_append) */
  g->io_prev = f->io_prev == f ? g : f->io_prev;
  if (f->io_next) f->io_next->io_prev = g;
  q->head = g;
  f->io_prev = f->io_next = NULL;
  f->io_fd = -1;
  f->io_armed = false;
  if (!g->io_armed) weft__fiber_enqueue(g);
  return true;
}

void weft__io_abandon(struct weft__fiber *f, bool cancelled) {
  if (f->io_fd < 0) return;
  if (cancelled && finish_in_background(f)) return;
  q_leave(f, true); /* a cancelled wait releases its watch now */
}

bool weft__io_ready(uint64_t data, uint32_t events) {
  struct weft__loop *L = &weft__loop;
  int fd = (int)(uint32_t)data;
  if ((size_t)fd >= L->nfds) return true;
  struct weft__fdw *w = &L->fds[fd];
  if (w->gen != (uint32_t)(data >> 32)) return false; /* an event of a file weft has forgotten */
  uint32_t drop = 0;
  for (int d = 0; d < 2; d++) {
    uint32_t ev = d == WEFT__IO_READ ? EPOLLIN : EPOLLOUT;
    if (!(events & (ev | EPOLLERR | EPOLLHUP))) continue;
    struct weft__fiber *h = w->q[d].head;
    w->ready |= 1u << d;
    if (d == WEFT__IO_READ) w->drained = false;
    if (h != NULL && h->io_armed) {
      w->woken |= 1u << d;
      h->io_armed = false;
      h->op_retry = true;
      weft__fiber_enqueue(h); /* the operation is tried again when it runs */
    } else if (h == NULL && (events & ev)) {
      drop |= ev;
    }
  }
  if ((events & (EPOLLERR | EPOLLHUP)) && w->q[0].head == NULL && w->q[1].head == NULL) drop = w->registered;
  if (drop & w->registered) fd_interest(fd, w, w->registered & ~drop);
  return true;
}

/* The epoll instance was made anew (backend_epoll.c, trap k): every
 * registration weft counts on is made again, on the file each number
 * names now.  A number epoll refuses (closed, or a regular file by now)
 * has none: the head of each of its queues is woken, and its own call says
 * what the number is, as a verification does (weft__io_verify). */
void weft__io_rearm(void) {
  struct weft__loop *L = &weft__loop;
  for (size_t fd = 0; fd < L->nfds; fd++) {
    struct weft__fdw *w = &L->fds[fd];
    if (w->registered == 0 || weft__backend_set(w->pfd, 0, w->registered, event_data((int)fd, w)) == 0) continue;
    w->registered = 0;
    for (int d = 0; d < 2; d++) {
      struct weft__fiber *h = w->q[d].head;
      if (h == NULL || !h->io_armed) continue;
      w->woken |= 1u << d;
      h->io_armed = false;
      h->op_retry = true;
      weft__fiber_enqueue(h);
    }
  }
}

void weft__io_close_all(void) {
  struct weft__loop *L = &weft__loop;
  /* weft changed no flags of any fd it was given: there is nothing to put
   * back, only its private descriptions to close. */
  for (size_t fd = 0; fd < L->nfds; fd++)
    if (L->fds[fd].kind == WEFT__FD_PRIVATE) close(L->fds[fd].pfd);
  free(L->fds);
  L->fds = NULL;
  L->nfds = 0;
  free(L->verify);
  L->verify = NULL;
  L->verify_head = L->verify_len = L->verify_cap = 0;
  free(L->scratch);
  L->scratch = NULL;
  L->scratch_cap = 0;
}

/* ---- the primitives --------------------------------------------------- */

/* The entry of the fd an operation works on, with the operation in its
 * queue.  A retry (after a wake) checks only the generation: the fd was
 * looked at when the operation began.  Returns NULL with *st set: -errno to
 * fail, or 1 when the fiber waits for its turn in the queue. */
static struct weft__fdw *op_fd(struct weft__fiber *f, int fd, int dir, int *st) {
  struct weft__loop *L = &weft__loop;
  if (f->op_retry) {
    struct weft__fdw *w = &L->fds[f->io_fd];
    if (w->gen == f->io_gen) return w;
    *st = -EBADF;
    return NULL;
  }
  struct weft__fdw *w = fd_entry(fd, dir, st);
  if (w == NULL) return NULL;
  q_append(&w->q[dir], f);
  f->io_fd = fd;
  f->io_gen = w->gen;
  f->io_dir = (unsigned char)dir;
  f->op_retry = true;
  L->waiting_io++;
  if (w->q[dir].head == f) return w;
  f->state = WEFT__FS_WAIT_IO;
  *st = 1;
  return NULL;
}

/* A wait armed on a kept registration in direction dir of fd, to be
 * verified at due time unless it is over by then: the ring is a FIFO, in
 * order of due time, with one entry at most per fd and direction. */
static void verify_later(int fd, struct weft__fdw *w, int dir) {
  struct weft__loop *L = &weft__loop;
  if (L->verify_len == L->verify_cap) {
    if (L->verify_head >= L->verify_cap / 2 && L->verify_head > 0) {
      L->verify_len -= L->verify_head;
      memmove(L->verify, L->verify + L->verify_head, L->verify_len * sizeof *L->verify);
      L->verify_head = 0;
    } else {
      size_t cap = L->verify_cap ? 2 * L->verify_cap : 64;
      struct weft__verify *grown = realloc(L->verify, cap * sizeof *grown);
      if (grown == NULL) abort();
      L->verify = grown;
      L->verify_cap = cap;
    }
  }
  L->verify[L->verify_len++] = (struct weft__verify){
      .due = weft__turn_now() + (int64_t)VERIFY_MS * 1000000, .fd = fd, .gen = w->gen, .dir = (unsigned char)dir};
  w->verifying |= 1u << dir;
  w->rearmed &= ~(1u << dir);
}

/* The entries due by now.  If their fd and direction have a wait armed,
 * and it is the one armed when the entry was made (no wait was armed
 * since), that wait has lasted VERIFY_MS with no event and makes the
 * epoll_ctl it skipped.  A MOD that succeeds proves the registration is
 * the file's own; one that finds none makes it (and retags the entry,
 * fd_interest), and level-triggered epoll reports at the next poll what
 * the new file already holds.  If epoll refuses the number (a regular
 * file, or nothing open), the head is woken, and its own call says what
 * the number is.  A wait armed since gets the entry again, due VERIFY_MS
 * from now: a busy fd costs one entry per VERIFY_MS, not one per wait,
 * and any wait is verified within VERIFY_MS to twice that. */
void weft__io_verify(int64_t now) {
  struct weft__loop *L = &weft__loop;
  while (L->verify_head < L->verify_len && L->verify[L->verify_head].due <= now) {
    struct weft__verify e = L->verify[L->verify_head++];
    if ((size_t)e.fd >= L->nfds) continue;
    struct weft__fdw *w = &L->fds[e.fd];
    unsigned bit = 1u << e.dir;
    if (w->gen != e.gen || !(w->verifying & bit)) continue; /* an entry of a file forgotten or retagged */
    w->verifying &= ~bit;
    struct weft__fiber *h = w->q[e.dir].head;
    if (h == NULL || !h->io_armed) continue;
    if (w->rearmed & bit) {
      verify_later(e.fd, w, e.dir);
      continue;
    }
    if (fd_interest(e.fd, w, w->registered) == 0) continue;
    w->woken |= 1u << e.dir; /* its retry, if it must wait, asks epoll again */
    h->io_armed = false;
    h->op_retry = true;
    weft__fiber_enqueue(h);
  }
  if (L->verify_head == L->verify_len) {
    L->verify_head = L->verify_len = 0;
    if (L->verify_cap > 1024) { /* a burst of waits is over: give its room back */
      free(L->verify);
      L->verify = NULL;
      L->verify_cap = 0;
    }
  }
}

/* Waits until epoll reports the fd ready in the operation's direction.
 * Interest is registered level-triggered and kept after a wait completes
 * (the next wait usually comes soon); it is dropped when an event finds
 * nobody waiting, or when a wait is cancelled.
 *
 * A wait whose interest is already registered makes no system call at
 * all.  The registration may however have gone with a file the program
 * closed behind weft's back (trap a), or belong to such a file that lives
 * on in a dup (trap b), so such a wait is unverified until proved:
 *  - by an event that wakes it and whose retry does not have to wait
 *    again: the wait is over, whatever armed it;
 *  - or else at its due time, VERIFY_MS later (weft__io_verify), by the
 *    epoll_ctl it skipped.
 * A retry after an event that has to wait again (EAGAIN, a partial write)
 * asks epoll at once, with MOD (ADD if the kernel had none): an event of a
 * stale registration can thus wake a waiter once, never keep it spinning,
 * and the new tag drops that registration's later events.  So a number
 * reused behind weft's back costs at most VERIFY_MS, never a hang. */
static int io_wait(struct weft__fiber *f, struct weft__fdw *w) {
  int dir = f->io_dir;
  uint32_t ev = dir == WEFT__IO_READ ? EPOLLIN : EPOLLOUT;
  bool woken = w->woken & 1u << dir;
  w->woken &= ~(1u << dir);
  if (w->kind == WEFT__FD_DIRECT) {
    /* Not pollable, yet it would block (a lock, a device): try again on
     * the next turn, after the other fibers. */
    weft__fiber_enqueue(f);
    return WEFT__OP_WAIT;
  }
  w->rearmed |= 1u << dir;
  if (!woken && (w->registered & ev)) {
    if (!(w->verifying & 1u << dir)) verify_later(f->io_fd, w, dir);
  } else {
    int r = fd_interest(f->io_fd, w, w->registered | ev);
    if (r == -EPERM && w->kind == WEFT__FD_GATED) {
      /* A device epoll cannot watch never blocks: plain calls from now on. */
      w->kind = WEFT__FD_DIRECT;
      weft__fiber_enqueue(f);
      return WEFT__OP_WAIT;
    }
    if (r == -EPERM && w->kind != WEFT__FD_PRIVATE && io_relearn(f->io_fd, w) && w->kind == WEFT__FD_DIRECT) {
      /* A pipe or socket number that now names a regular file. */
      weft__fiber_enqueue(f);
      return WEFT__OP_WAIT;
    }
    if (r < 0) return weft__op_failed(f, r);
  }
  f->io_armed = true;
  f->state = WEFT__FS_WAIT_IO;
  return WEFT__OP_WAIT;
}

/* A gated fd may block: it is called only once per readiness report. */
static bool gate_closed(struct weft__fdw *w, int dir) {
  if (w->kind != WEFT__FD_GATED) return false;
  if (!(w->ready & 1u << dir)) return true;
  w->ready &= ~(1u << dir);
  return false;
}

/* A read of fd that failed with errno: READ_AGAIN to call it again, or
 * what the operation returns (it waits for readiness, or fails). */
enum { READ_AGAIN = -1 };
static int read_error(struct weft__fiber *f, int fd, struct weft__fdw *w) {
  if (errno == EINTR) return READ_AGAIN;
  if (errno == EAGAIN || errno == EWOULDBLOCK) return io_wait(f, w);
  if (errno == EOPNOTSUPP && w->kind == WEFT__FD_NOWAIT) {
    nowait_refused(fd, w);
    return gate_closed(w, WEFT__IO_READ) ? io_wait(f, w) : READ_AGAIN;
  }
  if (errno == ENOTSOCK && w->kind == WEFT__FD_SOCKET && io_relearn(fd, w) && w->kind != WEFT__FD_SOCKET)
    return gate_closed(w, WEFT__IO_READ) ? io_wait(f, w) : READ_AGAIN;
  return weft__op_failed(f, -errno);
}


/* write(2) to a pipe raises SIGPIPE when the reader has gone.  The signal
 * is blocked in this thread only, for the call, and a SIGPIPE the call
 * left pending is taken back; the process's disposition is never touched,
 * so other threads and children keep the program's own. */
static ssize_t fifo_write(int fd, const char *buf, size_t len, bool nowait) {
  sigset_t pipe_set, old;
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  ssize_t r = nowait ? pwritev2(fd, &iov, 1, -1, RWF_NOWAIT) : write(fd, buf, len);
  int e = errno;
  if (r < 0 && e == EPIPE && !sigismember(&old, SIGPIPE)) {
    const struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  errno = e;
  return r;
}

/* A read of a file weft does not poll (a regular file, a directory, a block
 * device), through the number and with no fstat first: RWF_NOWAIT makes
 * the call fail rather than block, whatever the number names by now (a
 * file that cannot honour it refuses it with EOPNOTSUPP; a pipe or socket
 * says EAGAIN).  Only a failure looks at the file again: if the number
 * names another file, it is learnt in place and the read fails with EAGAIN,
 * so that it waits as the new file waits and is tried again; if not, the
 * data was not in the page cache (EAGAIN) or the file system refuses
 * RWF_NOWAIT (EOPNOTSUPP, remembered: fd_entry checks each later read with
 * an fstat), and the read is made plainly, as it always was. */
static ssize_t direct_read(struct weft__fdw *w, int fd, char *buf, size_t n) {
  struct iovec iov = {.iov_base = buf, .iov_len = n};
  if (w->nowait_refused) return read(fd, buf, n);
  ssize_t r = preadv2(fd, &iov, 1, -1, RWF_NOWAIT);
  if (r >= 0 || errno == EINTR) return r;
  int e = errno;
  struct stat st;
  if (fstat(fd, &st) < 0) return -1;
  if (st.st_dev != w->dev || st.st_ino != w->ino) {
    relearn_as(fd, w, &st);
    errno = EAGAIN;
    return -1;
  }
  if (e == EOPNOTSUPP) w->nowait_refused = true;
  if (e == EAGAIN || e == EOPNOTSUPP) return read(fd, buf, n);
  errno = e;
  return -1;
}

/* Non-blocking for this one call, whatever the description's own flags
 * say: MSG_DONTWAIT for sockets, RWF_NOWAIT for pipes and files, weft's
 * private description for FIFOs and ttys. */
static ssize_t io_read(struct weft__fdw *w, int fd, char *buf, size_t n) {
  struct iovec iov = {.iov_base = buf, .iov_len = n};
  if (w->kind == WEFT__FD_DIRECT) return direct_read(w, fd, buf, n);
  if (w->kind == WEFT__FD_SOCKET) return recv(fd, buf, n, MSG_DONTWAIT);
  if (w->kind == WEFT__FD_NOWAIT) return preadv2(fd, &iov, 1, -1, RWF_NOWAIT);
  return read(w->pfd, buf, n);
}

static ssize_t io_write(const struct weft__fdw *w, int fd, const char *buf, size_t n) {
  if (w->kind == WEFT__FD_SOCKET) return send(fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (w->fifo) return fifo_write(w->pfd, buf, n, w->kind == WEFT__FD_NOWAIT);
  return write(w->pfd, buf, n);
}

static int op_read(struct weft__fiber *f, struct weft__node *op) {
  int fd = op->u.read.fd, st = 0;
  size_t n = op->u.read.n < READ_MAX ? op->u.read.n : READ_MAX;
  if (n == 0) return weft__op_failed(f, -EINVAL);
  struct weft__fdw *w = op_fd(f, fd, WEFT__IO_READ, &st);
  if (w == NULL) return st > 0 ? WEFT__OP_WAIT : weft__op_failed(f, st);
  if (gate_closed(w, WEFT__IO_READ)) return io_wait(f, w);
  /* The last read took everything there was (it got less than it asked
   * for) and epoll has reported no input since: a read now would almost
   * surely fail with EAGAIN, as the first read after the fiber's own write
   * of a request does, so the fiber waits at once.  Waiting is safe even
   * if input did arrive: the interest io_wait registers is level-triggered
   * and is reported at the next poll. */
  bool pollable = w->kind != WEFT__FD_DIRECT && w->kind != WEFT__FD_GATED;
  if (w->drained && pollable) {
    w->drained = false;
    return io_wait(f, w);
  }
  /* The same for the first read after a write on the fd (a request sent,
   * its answer awaited: a ping-pong reads all it asked for, so the drained
   * rule never applies) when the last such read found nothing: the answer
   * cannot be there yet.  Every 16th such read tries anyway, so that a
   * peer whose answers come to be there already (pipelining) is noticed
   * and the prediction dropped; a wrong one costs a turn of the loop, as
   * epoll reports input already there at the next poll. */
  bool answer = w->wrote;
  w->wrote = false;
  if (answer && w->answer_waits && pollable) {
    w->probe = (w->probe + 1) & 15;
    if (w->probe != 0) return io_wait(f, w);
  }
  for (;;) {
    /* A file's read does not wait and gets all it asked for but at the end
     * of the file: it lands in a buffer of its own, shrunk if short, and is
     * spared the copy out of the scratch buffer. */
    struct weft__rbuf *own = w->kind == WEFT__FD_DIRECT ? weft__rbuf_new(n) : NULL;
    if (w->kind == WEFT__FD_DIRECT && own == NULL) abort(); /* as every other allocation of a read */
    char *buf = own != NULL ? own->data : scratch(n);
    ssize_t r = io_read(w, fd, buf, n);
    if (r >= 0) {
      w->drained = r > 0 && (size_t)r < n;
      if (answer) w->answer_waits = false;
      struct weft__rbuf *b = own != NULL ? weft__rbuf_fit(own, n, (size_t)r) : rbuf_of(buf, (size_t)r);
      push_read(f, b);
      return weft__op_done(f, (uintptr_t)b->data);
    }
    if (answer && (errno == EAGAIN || errno == EWOULDBLOCK)) w->answer_waits = true;
    free(own);
    int rs = read_error(f, fd, w);
    if (rs != READ_AGAIN) return rs;
  }
}

static int op_write(struct weft__fiber *f, struct weft__node *op) {
  int fd = op->u.write.fd, st = 0;
  struct weft__fdw *w = op_fd(f, fd, WEFT__IO_WRITE, &st);
  if (w == NULL) return st > 0 ? WEFT__OP_WAIT : weft__op_failed(f, st);
  while (f->op_done < op->u.write.len) {
    size_t chunk = op->u.write.len - f->op_done;
    if (w->kind == WEFT__FD_GATED) {
      /* One readiness report promises room for PIPE_BUF bytes at most. */
      if (gate_closed(w, WEFT__IO_WRITE)) return io_wait(f, w);
      if (chunk > PIPE_BUF) chunk = PIPE_BUF;
    }
    ssize_t r = io_write(w, fd, op->u.write.buf + f->op_done, chunk);
    if (r > 0) {
      f->op_done += (size_t)r;
    } else if (r < 0 && errno == EINTR) {
      continue;
    } else if (r == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
      return io_wait(f, w);
    } else if (errno == EOPNOTSUPP && w->kind == WEFT__FD_NOWAIT) {
      nowait_refused(fd, w);
    } else if (errno == ENOTSOCK && w->kind == WEFT__FD_SOCKET && io_relearn(fd, w) && w->kind != WEFT__FD_SOCKET) {
      continue;
    } else {
      return weft__op_failed(f, -errno);
    }
  }
  w->wrote = true;
  return weft__op_done(f, 0);
}

/* accept4 has no per-call non-blocking flag.  A listening socket that is
 * non-blocking (weft_tcp_listen makes them so) is called at once; one the
 * program made blocking is called only when epoll reports a connection. */
static int op_accept(struct weft__fiber *f, struct weft__node *op) {
  int fd = op->u.read.fd, st = 0;
  if (!f->op_retry) {
    int flags = fcntl(fd, F_GETFL);
    f->op_done = flags >= 0 && !(flags & O_NONBLOCK);
  }
  struct weft__fdw *w = op_fd(f, fd, WEFT__IO_READ, &st);
  if (w == NULL) return st > 0 ? WEFT__OP_WAIT : weft__op_failed(f, st);
  for (;;) {
    if (f->op_done && !(w->ready & 1u << WEFT__IO_READ)) return io_wait(f, w);
    w->ready &= ~(1u << WEFT__IO_READ);
    int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c >= 0) return weft__op_done(f, (uintptr_t)c);
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return io_wait(f, w);
    if (errno == EMFILE || errno == ENFILE) {
      /* The accept pauses (accept.c).  The listening socket stays readable
       * meanwhile, so its interest goes, or epoll would report it on every
       * turn; the retry registers it again if it has to wait. */
      if (w->registered & EPOLLIN) fd_interest(fd, w, w->registered & ~(uint32_t)EPOLLIN);
      return weft__accept_pause(f);
    }
    return weft__op_failed(f, -errno);
  }
}

/* connect(2) has no per-call non-blocking flag either.  A socket being
 * connected is the program's new socket, not yet shared: if it is blocking,
 * it is non-blocking for the one call, and put back at once. */
static int op_connect(struct weft__fiber *f, struct weft__node *op) {
  int fd = op->u.connect.fd, st = 0, err = 0;
  struct weft__fdw *w = op_fd(f, fd, WEFT__IO_WRITE, &st);
  if (w == NULL) return st > 0 ? WEFT__OP_WAIT : weft__op_failed(f, st);
  if (f->op_done == 0) {
    f->op_done = 1;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return weft__op_failed(f, -errno);
    if (!(flags & O_NONBLOCK)) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int rc = connect(fd, (const struct sockaddr *)op->u.connect.addr, op->u.connect.len);
    int e = errno;
    if (!(flags & O_NONBLOCK)) fcntl(fd, F_SETFL, flags);
    if (rc == 0) return weft__op_done(f, 0);
    if (e == EAGAIN) {
      /* An AF_UNIX listener's backlog is full.  There is nothing to poll
       * for (an unconnected socket reports EPOLLHUP at once): the connect
       * is tried again after a pause, where a blocking one would wait. */
      f->op_done = 0;
      f->deadline = weft__clock_now() + (int64_t)CONNECT_RETRY_MS * 1000000;
      weft__timer_add(f);
      return WEFT__OP_WAIT;
    }
    /* After EINTR the connection goes on in the background, as after EINPROGRESS. */
    if (e != EINPROGRESS && e != EINTR) return weft__op_failed(f, -e);
    return io_wait(f, w);
  }
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return weft__op_failed(f, -errno);
  return err ? weft__op_failed(f, -err) : weft__op_done(f, 0);
}

static int op_close(struct weft__fiber *f, struct weft__node *op) {
  struct weft__loop *L = &weft__loop;
  int fd = op->u.read.fd;
  if (fd < 0) return weft__op_failed(f, -EBADF);
  if ((size_t)fd < L->nfds && L->fds[fd].kind != WEFT__FD_UNKNOWN) fd_forget(fd, &L->fds[fd], -EBADF);
  /* On Linux the descriptor is gone even when close reports EINTR. */
  if (close(fd) < 0 && errno != EINTR) return weft__op_failed(f, -errno);
  weft__accept_resume(fd); /* a descriptor is free: a paused accept may take it */
  return weft__op_done(f, 0);
}

/* weft_wait_readable / weft_wait_writable (ready.c): the wait takes its
 * turn in the fd's queue of that direction like a read or a write, so
 * weft_close fails it with -EBADF and a cancelled one gives up its watch;
 * it does no IO itself, and asks poll(2) whether the fd is ready, since
 * a wake-up may also mean only that the wait reached the head. */
static int op_ready(struct weft__fiber *f, struct weft__node *op) {
  int fd = op->u.read.fd, dir = (int)op->u.read.n, st = 0;
  struct weft__fdw *w = op_fd(f, fd, dir, &st);
  if (w == NULL) return st > 0 ? WEFT__OP_WAIT : weft__op_failed(f, st);
  st = weft__ready_now(fd, dir);
  if (st < 0) return weft__op_failed(f, st);
  if (st == 0) return io_wait(f, w);
  /* The readiness goes to the program, whose own call may use it up: a
   * gated fd's next weft call waits for a fresh report (epoll is level-
   * triggered: at once if the fd is still ready) rather than block. */
  w->ready &= ~(1u << dir);
  return weft__op_done(f, 0);
}

void weft__read_push(struct weft__fiber *f, struct weft__rbuf *b) {
  push_read(f, b);
}

void weft__io_forget(int fd) {
  struct weft__loop *L = &weft__loop;
  if (fd >= 0 && (size_t)fd < L->nfds && L->fds[fd].kind != WEFT__FD_UNKNOWN) fd_forget(fd, &L->fds[fd], -EBADF);
}

int weft__op_attempt(struct weft__fiber *f) {
  struct weft__node *op = f->op;
  int r;
  switch (op->kind) {
  case WEFT__K_READ: r = op_read(f, op); break;
  case WEFT__K_WRITE: r = op_write(f, op); break;
  case WEFT__K_SLEEP: return weft__sleep_attempt(f, op); /* timer.c */
  case WEFT__K_ACCEPT: r = op_accept(f, op); break;
  case WEFT__K_CONNECT: r = op_connect(f, op); break;
  case WEFT__K_CLOSE: return op_close(f, op);
  case WEFT__K_SIGNAL: return weft__signal_attempt(f); /* signal.c */
  case WEFT__K_READY: r = op_ready(f, op); break;
  default: weft__misuse("a fiber met %s where a primitive was expected", weft__node_name(op));
  }
  /* A finished operation gives its turn to the next in its fd's queue. */
  if (r == WEFT__OP_DONE && f->io_fd >= 0) q_leave(f, false);
  return r;
}

/* ---- operations of other files on the fd queues (udp.c) ---------------- */

/* The same queue, generation and readiness wait as weft_read and weft_write,
 * for a socket call io.c does not know: call makes one non-blocking attempt
 * (it returns 0 with f->value set, or -errno; -EAGAIN waits for readiness
 * and tries again).  A weft_close of fd fails the operation with -EBADF. */
int weft__io_queued(struct weft__fiber *f, int fd, int dir, weft__io_call call) {
  int st = 0, r;
  struct weft__fdw *w = op_fd(f, fd, dir, &st);
  if (w == NULL) return st > 0 ? WEFT__OP_WAIT : weft__op_failed(f, st);
  do r = call(f, f->op, fd);
  while (r == -EINTR);
  if (r == -EAGAIN || r == -EWOULDBLOCK) return io_wait(f, w);
  if (f->io_fd >= 0) q_leave(f, false);
  return r < 0 ? weft__op_failed(f, r) : WEFT__OP_DONE;
}

char *weft__read_scratch(size_t n) {
  return scratch(n);
}

int weft__read_done(struct weft__fiber *f, const char *bytes, size_t len) {
  struct weft__rbuf *b = rbuf_of(bytes, len);
  push_read(f, b);
  return weft__op_done(f, (uintptr_t)b->data);
}

/* ---- IO steps for the buffered channels (bufio.c) --------------------- */

/* A channel operation is a wait node of bufio.c's own that does its IO
 * through these, in the fd's queues like any read or write: the bytes a
 * read returns are the channel's the moment the call returns, so no
 * cancellation can come between the read and their arrival in the buffer.
 * The fiber keeps its place at the head of the queue across several calls
 * (a line read in pieces is not cut by another fiber's weft_read) until
 * weft__io_leave. */
int weft__io_read_some(struct weft__fiber *f, int fd, char *buf, size_t n, char **landed) {
  int st = 0;
  if (n > READ_MAX) n = READ_MAX;
  struct weft__fdw *w = op_fd(f, fd, WEFT__IO_READ, &st);
  if (w == NULL) return st > 0 ? WEFT__OP_WAIT : weft__op_failed(f, st);
  if (gate_closed(w, WEFT__IO_READ)) return io_wait(f, w);
  if (buf == NULL) buf = scratch(n); /* nothing is held while the read waits */
  for (;;) {
    ssize_t r = io_read(w, fd, buf, n);
    if (r >= 0) {
      if (landed != NULL) *landed = buf;
      return weft__op_done(f, (uintptr_t)r);
    }
    int rs = read_error(f, fd, w);
    if (rs != READ_AGAIN) return rs;
  }
}

/* One write of up to len bytes: WEFT__OP_DONE with f->value the bytes
 * written (at least one) or f->err, or WEFT__OP_WAIT. */
int weft__io_write_some(struct weft__fiber *f, int fd, const char *buf, size_t len) {
  int st = 0;
  struct weft__fdw *w = op_fd(f, fd, WEFT__IO_WRITE, &st);
  if (w == NULL) return st > 0 ? WEFT__OP_WAIT : weft__op_failed(f, st);
  for (;;) {
    size_t chunk = len;
    if (w->kind == WEFT__FD_GATED) {
      if (gate_closed(w, WEFT__IO_WRITE)) return io_wait(f, w);
      if (chunk > PIPE_BUF) chunk = PIPE_BUF;
    }
    ssize_t r = io_write(w, fd, buf, chunk);
    if (r > 0) return weft__op_done(f, (uintptr_t)r);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0 || errno == EAGAIN || errno == EWOULDBLOCK) return io_wait(f, w);
    if (errno == EOPNOTSUPP && w->kind == WEFT__FD_NOWAIT) {
      nowait_refused(fd, w);
      continue;
    }
    if (errno == ENOTSOCK && w->kind == WEFT__FD_SOCKET && io_relearn(fd, w) && w->kind != WEFT__FD_SOCKET)
      continue;
    return weft__op_failed(f, -errno);
  }
}

/* The channel operation is over: its turn in the fd's queue goes to the
 * next in line, and its next IO step queues afresh. */
void weft__io_leave(struct weft__fiber *f) {
  if (f->io_fd >= 0) q_leave(f, false);
  f->op_retry = false;
}

/* ---- TCP helpers ------------------------------------------------------ */

int weft_tcp_listen(const char *host, int port) {
  struct sockaddr_storage ss;
  socklen_t len;
  if (port < 0 || port > 65535) return -EINVAL;
  /* Two names need no resolver (weft_tcp_listen_name takes any name). */
  if (host == NULL || strcmp(host, "localhost") == 0) host = "127.0.0.1";
  else if (host[0] == '\0') host = "0.0.0.0";
  if (!sockaddr_numeric(host, port, &ss, &len)) return -EINVAL;
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
      bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, SOMAXCONN) < 0) {
    int err = -errno;
    close(fd);
    return err;
  }
  return fd;
}

int weft_tcp_port(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return -errno;
  if (ss.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
  return -EAFNOSUPPORT;
}
