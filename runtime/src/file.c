/* file.c: regular-file IO on the worker pool: weft_file_open, _read, _write, _fsync, _stat, _close (libuv's uv_fs_*).
 * Covered by test/runtime/file.c (each call, its errors, offsets, cancellation) and pool_detach.c for the pool itself.
 *
 * Each call is a job of pool.c's: its inputs are copied into the job when
 * the action is built, and its outputs stay in the job until the loop
 * delivers them, so a job cancelled while its system call runs never
 * touches the program's memory; discard frees or closes what it made. */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

static char *copy_str(const char *s) {
  if (s == NULL) return NULL;
  char *c = strdup(s);
  if (c == NULL) abort();
  return c;
}

static void no_discard(struct weft__job *j, bool ran) {
  (void)j;
  (void)ran;
}

static int deliver_value(struct weft__fiber *f, struct weft__job *j) {
  return j->err ? weft__op_failed(f, j->err) : weft__op_done(f, j->value);
}

/* ---- open ------------------------------------------------------------- */

struct open_job {
  struct weft__job job;
  char *path;
  int flags;
  mode_t mode;
};

static void open_work(struct weft__job *j) {
  struct open_job *o = (struct open_job *)j;
  int fd;
  while ((fd = open(o->path, o->flags | O_CLOEXEC, o->mode)) < 0 && errno == EINTR) {
  }
  if (fd < 0) j->err = -errno;
  else j->value = (uintptr_t)fd;
}

static int open_deliver(struct weft__fiber *f, struct weft__job *j) {
  free(((struct open_job *)j)->path);
  return deliver_value(f, j);
}

static void open_discard(struct weft__job *j, bool ran) {
  free(((struct open_job *)j)->path);
  if (ran && j->err == 0) close((int)j->value); /* nobody will see this fd */
}

static const struct weft__job_ops open_ops = WEFT__JOB_OPS("weft_file_open", open_work, open_deliver, open_discard, NULL);

WEFT_BOUNDARY async(int) weft_file_open(const char *path, int flags, mode_t mode) {
  if (path == NULL) return weft_fail(int, -EFAULT);
  struct open_job *o = weft__job_new(&open_ops, sizeof *o);
  o->path = copy_str(path);
  o->flags = flags;
  o->mode = mode;
  return (async(int)){.node_ = weft__job_node(&o->job)};
}

/* ---- read ------------------------------------------------------------- */

struct read_job {
  struct weft__job job;
  int fd;
  size_t n;
  off_t offset;
  struct weft__rbuf *buf;
};

/* The buffer is allocated on the worker, at the size asked, then shrunk to
 * what was read: a short read (the end of the file) keeps no more. */
static void read_work(struct weft__job *j) {
  struct read_job *r = (struct read_job *)j;
  struct weft__rbuf *b = weft__rbuf_new(r->n);
  if (b == NULL) {
    j->err = -ENOMEM;
    return;
  }
  ssize_t got;
  do {
    got = r->offset < 0 ? read(r->fd, b->data, r->n) : pread(r->fd, b->data, r->n, r->offset);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    j->err = -errno;
    free(b);
    return;
  }
  r->buf = weft__rbuf_fit(b, r->n, (size_t)got);
}

static int read_deliver(struct weft__fiber *f, struct weft__job *j) {
  struct read_job *r = (struct read_job *)j;
  if (j->err) return weft__op_failed(f, j->err);
  weft__read_push(f, r->buf); /* the fiber's latest read, as weft_read's */
  return weft__op_done(f, (uintptr_t)r->buf->data);
}

static void read_discard(struct weft__job *j, bool ran) {
  (void)ran;
  weft__rbuf_free(((struct read_job *)j)->buf);
}

static const struct weft__job_ops read_ops = WEFT__JOB_OPS("weft_file_read", read_work, read_deliver, read_discard, NULL);

WEFT_BOUNDARY async(str) weft_file_read(int fd, size_t n, off_t offset) {
  if (n == 0 || n > (size_t)SSIZE_MAX - sizeof(struct weft__rbuf) - 1) return weft_fail(str, -EINVAL);
  struct read_job *r = weft__job_new(&read_ops, sizeof *r);
  r->fd = fd;
  r->n = n;
  r->offset = offset;
  return (async(str)){.node_ = weft__job_node(&r->job)};
}

/* ---- write ------------------------------------------------------------ */

struct write_job {
  struct weft__job job;
  int fd;
  char *buf;
  size_t len;
  off_t offset;
};

static void write_work(struct weft__job *j) {
  struct write_job *w = (struct write_job *)j;
  size_t done = 0;
  while (done < w->len) {
    ssize_t r = w->offset < 0 ? write(w->fd, w->buf + done, w->len - done)
                              : pwrite(w->fd, w->buf + done, w->len - done, w->offset + (off_t)done);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      j->err = -errno;
      return;
    }
    if (r == 0) {
      j->err = -EIO; /* a write that makes no progress would loop forever */
      return;
    }
    done += (size_t)r;
  }
}

static void write_discard(struct weft__job *j, bool ran) {
  (void)ran;
  free(((struct write_job *)j)->buf);
}

static int write_deliver(struct weft__fiber *f, struct weft__job *j) {
  write_discard(j, true);
  return j->err ? weft__op_failed(f, j->err) : weft__op_done(f, 0);
}

static const struct weft__job_ops write_ops = WEFT__JOB_OPS("weft_file_write", write_work, write_deliver, write_discard, NULL);

WEFT_BOUNDARY async(void) weft_file_write(int fd, const char *buf, size_t len, off_t offset) {
  if (buf == NULL && len > 0) return weft_fail(-EFAULT);
  struct write_job *w = weft__job_new(&write_ops, sizeof *w);
  w->fd = fd;
  w->len = len;
  w->offset = offset;
  w->buf = malloc(len ? len : 1);
  if (w->buf == NULL) abort();
  if (len) memcpy(w->buf, buf, len);
  return (async(void)){.node_ = weft__job_node(&w->job)};
}

/* ---- fsync, close ----------------------------------------------------- */

struct fd_job {
  struct weft__job job;
  int fd;
};

static void fsync_work(struct weft__job *j) {
  if (fsync(((struct fd_job *)j)->fd) < 0) j->err = -errno;
}

static const struct weft__job_ops fsync_ops = WEFT__JOB_OPS("weft_file_fsync", fsync_work, deliver_value, no_discard, NULL);

WEFT_BOUNDARY async(void) weft_file_fsync(int fd) {
  struct fd_job *s = weft__job_new(&fsync_ops, sizeof *s);
  s->fd = fd;
  return (async(void)){.node_ = weft__job_node(&s->job)};
}

/* On Linux the descriptor is gone even when close reports EINTR. */
static void close_work(struct weft__job *j) {
  if (close(((struct fd_job *)j)->fd) < 0 && errno != EINTR) j->err = -errno;
}

static int close_deliver(struct weft__fiber *f, struct weft__job *j) {
  if (j->err == 0) weft__accept_resume(((struct fd_job *)j)->fd); /* a paused accept may take it */
  return deliver_value(f, j);
}

/* Fibers waiting on fd through weft fail as the close starts, as
 * weft_close makes them, before the number goes back to the kernel. */
static void close_start(struct weft__job *j) {
  weft__io_forget(((struct fd_job *)j)->fd);
}

static const struct weft__job_ops close_ops = WEFT__JOB_OPS("weft_file_close", close_work, close_deliver, no_discard, close_start);

WEFT_BOUNDARY async(void) weft_file_close(int fd) {
  struct fd_job *s = weft__job_new(&close_ops, sizeof *s);
  s->fd = fd;
  return (async(void)){.node_ = weft__job_node(&s->job)};
}

/* ---- stat ------------------------------------------------------------- */

struct stat_job {
  struct weft__job job;
  char *path;
  struct stat st;
  struct stat *out;
};

static void stat_work(struct weft__job *j) {
  struct stat_job *s = (struct stat_job *)j;
  if (stat(s->path, &s->st) < 0) j->err = -errno;
}

static int stat_deliver(struct weft__fiber *f, struct weft__job *j) {
  struct stat_job *s = (struct stat_job *)j;
  free(s->path);
  if (j->err) return weft__op_failed(f, j->err);
  *s->out = s->st; /* on the loop's thread: the program's memory is touched only here */
  return weft__op_done(f, 0);
}

static void stat_discard(struct weft__job *j, bool ran) {
  (void)ran;
  free(((struct stat_job *)j)->path);
}

static const struct weft__job_ops stat_ops = WEFT__JOB_OPS("weft_file_stat", stat_work, stat_deliver, stat_discard, NULL);

WEFT_BOUNDARY async(void) weft_file_stat(const char *path, struct stat *out) {
  if (path == NULL || out == NULL) return weft_fail(-EFAULT);
  struct stat_job *s = weft__job_new(&stat_ops, sizeof *s);
  s->path = copy_str(path);
  s->out = out;
  return (async(void)){.node_ = weft__job_node(&s->job)};
}
