/* fd_reuse_file.c: a regular file's number read in the steady state (reads made with RWF_NOWAIT and no fstat),
 * then closed with close(2) and handed out again: the next read waits for a new empty pipe or socket in epoll
 * (never blocks in read(2): SIGALRM would end the test), reads a new regular file, and fails -EBADF if closed;
 * a short read of a file (its own buffer, shrunk) keeps its length, NULs included, and end of file reads "". */
#include <signal.h>
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum reuse { AS_PIPE, AS_SOCKET, AS_FILE, CLOSED };

struct rf {
  const char *dir; /* where the first file is made: a file system that honours RWF_NOWAIT, or tmpfs, which refuses it */
  enum reuse as;
  int fd;          /* the number under test */
  int peer;        /* the new pipe's or socket's other end, which writes */
  char got[16];
};

/* A file of dir holding text, open for reading at its start; unlinked. */
static int file_with(const char *dir, const char *text) {
  char path[128];
  snprintf(path, sizeof path, "%s/weft-fd-reuse-file-XXXXXX", dir);
  int fd = mkstemp(path);
  CHECK_INT_GE(fd, 0);
  CHECK_SYS(unlink(path));
  CHECK_INT_EQ(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  CHECK_INT_EQ(lseek(fd, 0, SEEK_SET), 0);
  return fd;
}

static async(void) got(struct rf *r, char *s) {
  snprintf(r->got, sizeof r->got, "%s", s);
  return weft_return(void);
}

static async(void) feed_later(struct rf *r, long slept) {
  (void)slept;
  if (r->as == AS_PIPE || r->as == AS_SOCKET) CHECK_INT_EQ(write(r->peer, "fresh", 5), 5);
  return weft_return(void);
}

static async(str) too_late(struct rf *r, long slept) {
  (void)r;
  (void)slept;
  return weft_return(str, "timeout");
}

/* The second read was the steady state's: now the number goes behind
 * weft's back, and (but for CLOSED) names a new file. */
static async(void) swap(struct rf *r, char *s) {
  CHECK_STR_EQ(s, "ld2");
  CHECK_SYS(close(r->fd));
  int fds[2] = {-1, -1};
  if (r->as == AS_PIPE) test_pipe(fds);
  if (r->as == AS_SOCKET) CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
  if (r->as == AS_FILE) fds[0] = file_with(r->dir, "fresh");
  if (r->as == CLOSED) return weft_bind(weft_read(r->fd, 16), got, r);
  CHECK_INT_EQ(fds[0], r->fd);
  r->peer = fds[1];
  async(void) reader = weft_bind(weft_pick(weft_read(r->fd, 16), weft_bind(weft_sleep_ms(5000), too_late, r)), got, r);
  return weft_join(reader, weft_bind(weft_sleep_ms(10), feed_later, r));
}

static async(void) second(struct rf *r, char *s) {
  CHECK_STR_EQ(s, "old1o");
  return weft_bind(weft_read(r->fd, 3), swap, r);
}

static void reuse(const char *dir, enum reuse as) {
  struct rf r = {.dir = dir, .as = as, .peer = -1};
  r.fd = file_with(dir, "old1old2");
  alarm(10); /* a read blocking in the kernel would otherwise hang here */
  int rc = weft_run(weft_bind(weft_read(r.fd, 5), second, &r), NULL);
  alarm(0);
  if (as == CLOSED) {
    CHECK_INT_EQ(rc, -EBADF);
    return;
  }
  CHECK_INT_EQ(rc, 0);
  CHECK_STR_EQ(r.got, "fresh");
  CHECK_SYS(close(r.fd));
  if (r.peer >= 0) CHECK_SYS(close(r.peer));
}

/* ---- a file's read lands in a buffer of its own, shrunk when short ------ */

struct short_read {
  int fd;
  size_t lens[2];
};

static async(void) at_end(struct short_read *sr, char *s) {
  sr->lens[1] = weft_str_len(s);
  return weft_return(void);
}

static async(void) got_short(struct short_read *sr, char *s) {
  sr->lens[0] = weft_str_len(s);
  CHECK_TRUE(memcmp(s, "a\0b", 4) == 0); /* the NUL inside counts, and one ends the bytes */
  return weft_bind(weft_read(sr->fd, 1 << 20), at_end, sr);
}

static void short_reads(const char *dir) {
  struct short_read sr = {.fd = file_with(dir, "")};
  CHECK_INT_EQ(write(sr.fd, "a\0b", 3), 3);
  CHECK_INT_EQ(lseek(sr.fd, 0, SEEK_SET), 0);
  CHECK_INT_EQ(weft_run(weft_bind(weft_read(sr.fd, 1 << 20), got_short, &sr), NULL), 0);
  CHECK_INT_EQ((long)sr.lens[0], 3);
  CHECK_INT_EQ((long)sr.lens[1], 0);
  CHECK_SYS(close(sr.fd));
}

int main(void) {
  /* "." is the build tree (ext4 and the like read page-cached files with
   * RWF_NOWAIT); /dev/shm is tmpfs, which refuses it (each read checked by
   * an fstat instead). */
  const char *dirs[] = {".", "/dev/shm"};
  for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
    if (access(dirs[i], W_OK) != 0) continue;
    reuse(dirs[i], AS_PIPE);
    reuse(dirs[i], AS_SOCKET);
    reuse(dirs[i], AS_FILE);
    reuse(dirs[i], CLOSED);
    short_reads(dirs[i]);
  }
  return 0;
}
