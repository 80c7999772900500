/* io.c: the primitives (read, write, sleep, accept, connect, close), the per-fd watch table and TCP helpers.
 * Covered by test/runtime/io_*.c (partial writes, EINTR, EOF, EPIPE, bad fds, cancellation) and sleep_*.c. */
#include "internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

/* A read asks for at most this much buffer at once: "up to n bytes" lets a
 * huge n be served in pieces instead of by a huge allocation. */
#define READ_MAX ((size_t)1 << 20)

/* ---- read buffers ----------------------------------------------------- */

void weft__rbuf_free(struct weft__rbuf *b) {
  free(b);
}

/* The length is known for the bytes the running fiber read last (and for
 * weft_run's result); any other string is measured, never trusted. */
size_t weft_str_len(const char *s) {
  const struct weft__loop *L = &weft__loop;
  if (s == NULL) return 0;
  if (L->current != NULL && L->current->rbuf != NULL && s == L->current->rbuf->data)
    return L->current->rbuf->len;
  if (L->current == NULL && L->kept != NULL && s == L->kept->data) return L->kept->len;
  return strlen(s);
}

/* The buffer a read of n bytes fills: the fiber's own if it is big enough,
 * else a spare that replaces it once the read completes, so the bytes of the
 * previous read stay valid until then. */
static struct weft__rbuf *read_buffer(struct weft__fiber *f, size_t n) {
  if (f->rbuf != NULL && f->rbuf->cap > n) return f->rbuf;
  if (f->rspare != NULL && f->rspare->cap > n) return f->rspare;
  weft__rbuf_free(f->rspare);
  size_t cap = 64;
  while (cap <= n) cap *= 2;
  f->rspare = malloc(sizeof *f->rspare + cap);
  if (f->rspare == NULL) abort();
  f->rspare->cap = cap;
  f->rspare->len = 0;
  return f->rspare;
}

/* ---- the fd table ----------------------------------------------------- */

static struct weft__fdw *fd_slot(int fd) {
  struct weft__loop *L = &weft__loop;
  if ((size_t)fd >= L->nfds) {
    size_t n = L->nfds ? L->nfds : 64;
    while (n <= (size_t)fd) n *= 2;
    struct weft__fdw *grown = realloc(L->fds, n * sizeof *grown);
    if (grown == NULL) abort();
    memset(grown + L->nfds, 0, (n - L->nfds) * sizeof *grown);
    for (size_t i = L->nfds; i < n; i++) grown[i].orig_flags = -1;
    L->fds = grown;
    L->nfds = n;
  }
  return &L->fds[fd];
}

/* Forgets what weft knew of the file behind fd: the number was closed, or
 * now names another file. */
static void fd_reset(int fd, struct weft__fdw *w) {
  if (w->registered) weft__backend_set(fd, w->registered, 0);
  *w = (struct weft__fdw){.orig_flags = -1};
}

/* Fills in what weft needs to know of fd, and makes it non-blocking. */
static void fd_learn(struct weft__fdw *w, int fd, int flags) {
  struct stat st;
  *w = (struct weft__fdw){.orig_flags = -1, .known = true};
  bool stat_ok = fstat(fd, &st) == 0;
  w->pollable = !(stat_ok && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)));
  if (stat_ok && w->pollable && !(flags & O_NONBLOCK) && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0) {
    w->orig_flags = flags;
    w->dev = st.st_dev;
    w->ino = st.st_ino;
  }
}

/* The watch entry of fd, switched to non-blocking mode; NULL with *err set
 * if fd is not an open descriptor.  The flags are looked at on every call:
 * an fd closed behind weft's back and handed out again by the kernel comes
 * back blocking, and one blocking read would stall every fiber. */
static struct weft__fdw *fd_entry(int fd, int *err) {
  if (fd < 0) {
    *err = -EBADF;
    return NULL;
  }
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) {
    *err = -errno;
    return NULL;
  }
  struct weft__fdw *w = fd_slot(fd);
  if (!w->known) {
    fd_learn(w, fd, flags);
  } else if (w->pollable && !(flags & O_NONBLOCK) && w->reader == NULL && w->writer == NULL) {
    /* A new file behind a known number: forget the old one first. */
    fd_reset(fd, w);
    fd_learn(w, fd, flags);
  }
  return w;
}

static void fd_update(int fd, struct weft__fdw *w) {
  uint32_t want = (w->reader ? EPOLLIN : 0u) | (w->writer ? EPOLLOUT : 0u);
  if (want != w->registered && weft__backend_set(fd, w->registered, want) == 0)
    w->registered = want;
}

static int wait_fd(struct weft__fiber *f, struct weft__fdw *w, int fd, uint32_t ev) {
  struct weft__fiber **slot = ev == EPOLLIN ? &w->reader : &w->writer;
  if (!w->pollable) return -EAGAIN;
  if (*slot != NULL && *slot != f) return -EBUSY; /* one reader and one writer per fd */
  *slot = f;
  /* Interest already registered is kept after a wait completes (the next
   * wait usually comes soon); it is dropped when an event finds nobody. */
  uint32_t want = w->registered | ev;
  if (want != w->registered) {
    int r = weft__backend_set(fd, w->registered, want);
    if (r < 0) {
      *slot = NULL;
      return r;
    }
    w->registered = want;
  }
  f->state = WEFT__FS_WAIT_IO;
  f->io_fd = fd;
  f->io_events = ev;
  weft__loop.waiting_io++;
  return 0;
}

void weft__io_unwatch(struct weft__fiber *f) {
  struct weft__loop *L = &weft__loop;
  if (f->io_fd < 0) return;
  struct weft__fdw *w = &L->fds[f->io_fd];
  if (w->reader == f) w->reader = NULL;
  if (w->writer == f) w->writer = NULL;
  fd_update(f->io_fd, w); /* a cancelled wait releases its watch now */
  f->io_fd = -1;
  L->waiting_io--;
}

static void wake(struct weft__fiber *f) {
  f->io_fd = -1;
  f->op_retry = true;
  weft__loop.waiting_io--;
  weft__fiber_enqueue(f); /* f->op is tried again when it runs */
}

void weft__io_ready(int fd, uint32_t events) {
  struct weft__loop *L = &weft__loop;
  if (fd < 0 || (size_t)fd >= L->nfds) return;
  struct weft__fdw *w = &L->fds[fd];
  struct weft__fiber *r = w->reader, *wr = w->writer;
  uint32_t drop = 0;
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
    if (r) {
      w->reader = NULL;
      wake(r);
    } else if (events & EPOLLIN) {
      drop |= EPOLLIN;
    }
  }
  if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
    if (wr) {
      w->writer = NULL;
      wake(wr);
    } else if (events & EPOLLOUT) {
      drop |= EPOLLOUT;
    }
  }
  if ((events & (EPOLLERR | EPOLLHUP)) && r == NULL && wr == NULL) drop = w->registered;
  if (drop & w->registered) {
    uint32_t want = w->registered & ~drop;
    if (weft__backend_set(fd, w->registered, want) == 0) w->registered = want;
  }
}

void weft__io_close_all(void) {
  struct weft__loop *L = &weft__loop;
  /* The number may name another file by now (closed behind weft's back and
   * handed out again, non-blocking already): only the same file gets its
   * flags back. */
  for (size_t fd = 0; fd < L->nfds; fd++) {
    struct weft__fdw *w = &L->fds[fd];
    struct stat st;
    if (w->orig_flags >= 0 && fstat((int)fd, &st) == 0 && st.st_dev == w->dev && st.st_ino == w->ino)
      fcntl((int)fd, F_SETFL, w->orig_flags);
  }
  free(L->fds);
  L->fds = NULL;
  L->nfds = 0;
}

/* ---- the primitives --------------------------------------------------- */

static int done(struct weft__fiber *f, uintptr_t value) {
  f->value = value;
  f->err = 0;
  return WEFT__OP_DONE;
}

static int failed(struct weft__fiber *f, int err) {
  f->value = 0;
  f->err = err;
  return WEFT__OP_DONE;
}

/* The watch entry of the fd an operation works on.  A retry after a wake
 * skips the check of fd_entry: the fd was looked at when the operation
 * began, and has been in epoll since. */
static struct weft__fdw *op_fd(struct weft__fiber *f, int fd, int *err) {
  if (f->op_retry) return &weft__loop.fds[fd];
  return fd_entry(fd, err);
}

static int wait_or_fail(struct weft__fiber *f, struct weft__fdw *w, int fd, uint32_t ev) {
  int r = wait_fd(f, w, fd, ev);
  return r < 0 ? failed(f, r) : WEFT__OP_WAIT;
}

static int op_read(struct weft__fiber *f, struct weft__node *op) {
  int fd = op->u.read.fd, err = 0;
  size_t n = op->u.read.n < READ_MAX ? op->u.read.n : READ_MAX;
  if (n == 0) return failed(f, -EINVAL);
  struct weft__fdw *w = op_fd(f, fd, &err);
  if (w == NULL) return failed(f, err);
  struct weft__rbuf *b = read_buffer(f, n);
  for (;;) {
    ssize_t r = read(fd, b->data, n);
    if (r >= 0) {
      b->len = (size_t)r;
      b->data[r] = '\0';
      if (b == f->rspare) {
        weft__rbuf_free(f->rbuf);
        f->rbuf = b;
        f->rspare = NULL;
      }
      return done(f, (uintptr_t)b->data);
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return wait_or_fail(f, w, fd, EPOLLIN);
    return failed(f, -errno);
  }
}

static int op_write(struct weft__fiber *f, struct weft__node *op) {
  int fd = op->u.write.fd, err = 0;
  struct weft__fdw *w = op_fd(f, fd, &err);
  if (w == NULL) return failed(f, err);
  while (f->op_done < op->u.write.len) {
    ssize_t r = write(fd, op->u.write.buf + f->op_done, op->u.write.len - f->op_done);
    if (r > 0) {
      f->op_done += (size_t)r;
    } else if (r < 0 && errno == EINTR) {
      continue;
    } else if (r == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
      return wait_or_fail(f, w, fd, EPOLLOUT);
    } else {
      return failed(f, -errno);
    }
  }
  return done(f, 0);
}

static int op_sleep(struct weft__fiber *f, struct weft__node *op) {
  int64_t now = weft__clock_now();
  if (f->op_done == 0) {
    f->op_done = 1;
    f->started = now;
    f->deadline = now + (int64_t)op->u.sleep.ms * 1000000;
  }
  if (now < f->deadline) {
    weft__timer_add(f);
    return WEFT__OP_WAIT;
  }
  if (op->u.sleep.fail) return failed(f, op->u.sleep.fail);
  int64_t slept = now - f->started;
  return done(f, op->u.sleep.seconds ? (uintptr_t)(slept / 1000000000) : (uintptr_t)(slept / 1000000));
}

static int op_accept(struct weft__fiber *f, struct weft__node *op) {
  int fd = op->u.read.fd, err = 0;
  struct weft__fdw *w = op_fd(f, fd, &err);
  if (w == NULL) return failed(f, err);
  for (;;) {
    int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c >= 0) {
      /* The number may be one weft knew under another file. */
      struct weft__fdw *cw = fd_slot(c);
      if (cw->reader == NULL && cw->writer == NULL) fd_reset(c, cw);
      return done(f, (uintptr_t)c);
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return wait_or_fail(f, w, fd, EPOLLIN);
    if (errno == EMFILE || errno == ENFILE) return weft__accept_pause(f); /* see accept.c */
    return failed(f, -errno);
  }
}

static int op_connect(struct weft__fiber *f, struct weft__node *op) {
  int fd = op->u.connect.fd, err = 0;
  struct weft__fdw *w = op_fd(f, fd, &err);
  if (w == NULL) return failed(f, err);
  if (f->op_done == 0) {
    f->op_done = 1;
    if (connect(fd, (const struct sockaddr *)op->u.connect.addr, op->u.connect.len) == 0)
      return done(f, 0);
    /* After EINTR the connection goes on in the background, as after EINPROGRESS. */
    if (errno != EINPROGRESS && errno != EINTR) return failed(f, -errno);
    return wait_or_fail(f, w, fd, EPOLLOUT);
  }
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return failed(f, -errno);
  return err ? failed(f, -err) : done(f, 0);
}

static void fail_waiter(struct weft__fiber *g, int err) {
  weft__io_unwatch(g);
  weft__node_release(g->op);
  g->op = NULL;
  weft__fiber_resume(g, 0, err);
}

static int op_close(struct weft__fiber *f, struct weft__node *op) {
  struct weft__loop *L = &weft__loop;
  int fd = op->u.read.fd;
  if (fd < 0) return failed(f, -EBADF);
  if ((size_t)fd < L->nfds) {
    struct weft__fdw *w = &L->fds[fd];
    if (w->reader && w->reader != f) fail_waiter(w->reader, -EBADF);
    if (w->writer && w->writer != f) fail_waiter(w->writer, -EBADF);
    fd_reset(fd, w);
  }
  /* On Linux the descriptor is gone even when close reports EINTR. */
  if (close(fd) < 0 && errno != EINTR) return failed(f, -errno);
  weft__accept_resume(fd); /* a descriptor is free: a paused accept may take it */
  return done(f, 0);
}

int weft__op_attempt(struct weft__fiber *f) {
  struct weft__node *op = f->op;
  switch (op->kind) {
  case WEFT__K_READ: return op_read(f, op);
  case WEFT__K_WRITE: return op_write(f, op);
  case WEFT__K_SLEEP: return op_sleep(f, op);
  case WEFT__K_ACCEPT: return op_accept(f, op);
  case WEFT__K_CONNECT: return op_connect(f, op);
  case WEFT__K_CLOSE: return op_close(f, op);
  case WEFT__K_SIGNAL: return weft__signal_attempt(f); /* signal.c */
  default: weft__misuse("a fiber met %s where a primitive was expected", weft__node_name(op));
  }
}

/* ---- TCP helpers ------------------------------------------------------ */

int weft_tcp_listen(const char *host, int port) {
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  if (port < 0 || port > 65535) return -EINVAL;
  if (host == NULL) host = "127.0.0.1";
  struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    len = sizeof *v6;
  } else {
    return -EINVAL;
  }
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
