/* file.c: weft_file_open, _read, _write, _fsync, _stat and _close on the worker pool, with their errors and cancellation.
 * Proves: offsets and the file position, bytes with NULs (weft_str_len), end of file as "", appends, the write's copy of its
 * buffer, close-on-exec, -errno failures of each call; a close fails fibers waiting on the fd; an open or read cancelled
 * while it blocks on its worker (a FIFO or pipe with no writer) finishes there and its fd or bytes are freed. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <weft.h>

#include "check.h"
#include "support.h"

struct fc {
  char path[64];
  int fd;
  struct stat st;
  int err;
};

static async(int) zero(void *env) {
  (void)env;
  return weft_return(int, 0);
}

static async(int) keep_err(struct fc *c, int err) {
  c->err = err;
  return weft_return(int, err);
}

/* ---- the calls and their shapes --------------------------------------- */

static async(void) closed(struct fc *c) {
  CHECK_INT_EQ(fcntl(c->fd, F_GETFD), -1); /* weft_file_close closed it */
  return weft_return(void);
}

static async(void) check_appended(struct fc *c) {
  CHECK_INT_EQ(c->st.st_size, 105);
  return weft_then(weft_file_close(c->fd), closed, c);
}

static async(void) stat_again(struct fc *c) {
  return weft_then(weft_file_stat(c->path, &c->st), check_appended, c);
}

static async(void) append(struct fc *c, int fd) {
  c->fd = fd;
  return weft_then(weft_file_write(fd, "!", 1, -1), stat_again, c);
}

static async(void) reopen_append(struct fc *c) {
  return weft_bind(weft_file_open(c->path, O_WRONLY | O_APPEND, 0), append, c);
}

static async(void) check_tail(struct fc *c, char *s) {
  CHECK_UINT_EQ(weft_str_len(s), 0); /* end of file: "" */
  CHECK_STR_EQ(s, "");
  return weft_then(weft_file_close(c->fd), reopen_append, c);
}

static async(void) check_hole(struct fc *c, char *s) {
  /* From the file position (still 0: pwrite does not move it): the text,
   * the hole's NULs, then "tail". */
  CHECK_UINT_EQ(weft_str_len(s), 104);
  CHECK_MEM_EQ(s, "hello world", 11);
  CHECK_INT_EQ(s[50], 0);
  CHECK_MEM_EQ(s + 100, "tail", 4);
  return weft_bind(weft_file_read(c->fd, 10, 104), check_tail, c);
}

static async(void) check_world(struct fc *c, char *s) {
  CHECK_STR_EQ(s, "world");
  CHECK_UINT_EQ(weft_str_len(s), 5);
  return weft_bind(weft_file_read(c->fd, 4096, -1), check_hole, c);
}

static async(void) check_stat(struct fc *c) {
  CHECK_INT_EQ(c->st.st_size, 104);
  CHECK_TRUE(S_ISREG(c->st.st_mode));
  return weft_bind(weft_file_read(c->fd, 5, 6), check_world, c);
}

static async(void) do_stat(struct fc *c) {
  return weft_then(weft_file_stat(c->path, &c->st), check_stat, c);
}

static async(void) do_fsync(struct fc *c) {
  return weft_then(weft_file_fsync(c->fd), do_stat, c);
}

static async(void) write_tail(struct fc *c) {
  return weft_then(weft_file_write(c->fd, "tail", 4, 100), do_fsync, c);
}

static async(void) write_text(struct fc *c, int fd) {
  c->fd = fd;
  CHECK_INT_GE(fd, 0);
  CHECK_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  /* The buffer is copied when the action is built: it is freed at once. */
  char *text = strdup("hello world");
  async(void) w = weft_file_write(fd, text, 11, 0);
  memset(text, 'X', 11);
  free(text);
  return weft_then(w, write_tail, c);
}

static void shapes(struct fc *c) {
  CHECK_INT_EQ(weft_run(weft_bind(weft_file_open(c->path, O_RDWR | O_CREAT | O_TRUNC, 0600), write_text, c), NULL), 0);
  puts("file: open, write at offsets, fsync, stat, read at offsets and at the position, append, close");
}

/* ---- failures ------------------------------------------------------------ */

static void failures(struct fc *c) {
  int fd = -1;
  struct stat st;
  CHECK_INT_EQ(weft_run(weft_file_open("/nonexistent/weft", O_RDONLY, 0), &fd), -ENOENT);
  CHECK_INT_EQ(weft_run(weft_file_read(-1, 4, 0), NULL), -EBADF);
  CHECK_INT_EQ(weft_run(weft_file_stat("/nonexistent/weft", &st), NULL), -ENOENT);
  CHECK_INT_EQ(weft_run(weft_file_fsync(-1), NULL), -EBADF);
  CHECK_INT_EQ(weft_run(weft_file_close(-1), NULL), -EBADF);
  fd = open(c->path, O_RDONLY | O_CLOEXEC);
  CHECK_SYS(fd);
  CHECK_INT_EQ(weft_run(weft_file_read(fd, 0, 0), NULL), -EINVAL);
  CHECK_INT_EQ(weft_run(weft_file_write(fd, "x", 1, 0), NULL), -EBADF); /* opened read-only */
  int dir = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  CHECK_SYS(dir);
  CHECK_INT_EQ(weft_run(weft_file_read(dir, 4, 0), NULL), -EISDIR);
  close(dir);
  close(fd);
  puts("file: each call fails with its system call's -errno");
}

/* ---- a close fails the fibers waiting on the fd --------------------------- */

static async(void) close_read_end(int *p, long slept) {
  (void)slept;
  return weft_file_close(p[0]);
}

static async(void) ignore_int(void *env, int v) {
  (void)env;
  (void)v;
  return weft_return(void);
}

static void close_fails_waiters(struct fc *c) {
  int p[2];
  test_pipe(p);
  c->err = 1;
  async(int) waiting = weft_catch(weft_then(weft_wait_readable(p[0]), zero, NULL), keep_err, c);
  async(void) closer = weft_bind(weft_sleep_ms(2), close_read_end, p);
  CHECK_INT_EQ(weft_run(weft_join(weft_bind(waiting, ignore_int, NULL), closer), NULL), 0);
  CHECK_INT_EQ(c->err, -EBADF);
  CHECK_INT_EQ(fcntl(p[0], F_GETFD), -1);
  close(p[1]);
  puts("file: weft_file_close fails a readiness wait on the fd with -EBADF");
}

/* ---- cancelled while blocked on the worker ---------------------------- */

static int count_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  CHECK_TRUE(d != NULL);
  int n = 0;
  while (readdir(d) != NULL) n++;
  closedir(d);
  return n;
}

static void *nothing(void *arg) {
  return arg;
}

/* With a pool of one thread, a job runs only once the one before it,
 * discard included, is done. */
static void pool_drained(void) {
  void *r = NULL;
  CHECK_INT_EQ(weft_run(weft_detach(nothing, (void *)7), &r), 0);
  CHECK_PTR_EQ(r, (void *)7);
}

static void cancelled_while_blocked(void) {
  CHECK_INT_EQ(weft_pool_set_size(1), 0);
  char fifo[64];
  snprintf(fifo, sizeof fifo, "/tmp/weft-file-fifo-%d", (int)getpid());
  CHECK_SYS(mkfifo(fifo, 0600));
  int before = count_fds();
  /* Opening a FIFO for reading blocks until a writer comes: the open
   * blocks on its worker, and the timeout cancels it there. */
  int fd = -2;
  CHECK_INT_EQ(weft_run(weft_timeout(weft_file_open(fifo, O_RDONLY, 0), 20), &fd), -ETIMEDOUT);
  CHECK_INT_EQ(fd, -2);
  int w = open(fifo, O_WRONLY | O_CLOEXEC); /* lets the worker's open finish */
  CHECK_SYS(w);
  close(w);
  pool_drained();
  CHECK_INT_EQ(count_fds(), before); /* the fd the cancelled open got was closed */
  unlink(fifo);

  /* A read of an empty pipe blocks on its worker the same way; its bytes,
   * read after the cancellation, are freed there (valgrind and ASan see). */
  int p[2];
  test_pipe(p);
  CHECK_INT_EQ(weft_run(weft_timeout(weft_file_read(p[0], 16, -1), 20), NULL), -ETIMEDOUT);
  CHECK_SYS(write(p[1], "late", 4));
  pool_drained();
  int left = -1;
  CHECK_SYS(ioctl(p[0], FIONREAD, &left));
  CHECK_INT_EQ(left, 0); /* the cancelled read took them */
  close(p[0]);
  close(p[1]);
  puts("file: an open or read cancelled while blocked finishes on its worker and leaks nothing");
}

int main(void) {
  struct fc c = {.fd = -1};
  snprintf(c.path, sizeof c.path, "/tmp/weft-file-%d", (int)getpid());
  shapes(&c);
  failures(&c);
  close_fails_waiters(&c);
  cancelled_while_blocked();
  unlink(c.path);
  puts("file: ok");
  return 0;
}
