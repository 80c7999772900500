/* support.h: what the runtime tests observe: the monotonic clock, the resident set, epoll's registered fds
 * (/proc/self/fdinfo), fd flags, pipes, and a cancellation probe.  Used by test/runtime/ tests; proves nothing itself. */
#ifndef WEFT_TEST_SUPPORT_H
#define WEFT_TEST_SUPPORT_H

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <weft.h>

#include "check.h"

/* Milliseconds on CLOCK_MONOTONIC, the clock weft_sleep promises to honour. */
static inline long long test_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Microseconds, for checks that must not round a short sleep up to "enough". */
static inline long long test_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The resident set in bytes, from /proc/self/statm (second field, in pages). */
static inline long test_rss_bytes(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long size = 0, resident = -1;
  CHECK_TRUE(f != NULL);
  CHECK_INT_EQ(fscanf(f, "%ld %ld", &size, &resident), 2);
  fclose(f);
  return resident * sysconf(_SC_PAGESIZE);
}

/* The constant-memory check of memory_*.c: both measures were taken (a
 * missing end measure, 0, would pass any bound), and the resident set grew by
 * at most max_growth bytes between them.  A macro, so a failure names the test's line. */
#define CHECK_RSS_FLAT(at_10pc, at_end, max_growth)                                  \
  do {                                                                           \
    CHECK_INT_GT(at_10pc, 0);                                                    \
    CHECK_INT_GT(at_end, 0);                                                     \
    printf("rss at 10%%: %ld KiB, at 100%%: %ld KiB\n", (long)(at_10pc) >> 10, (long)(at_end) >> 10); \
    CHECK_INT_LE((at_end) - (at_10pc), max_growth);                              \
  } while (0)

/* Whether any epoll instance of this process has fd registered.  The kernel
 * lists each registered fd of an epoll fd as a "tfd: N" line of
 * /proc/self/fdinfo/<epoll fd>; epoll fds are found by their link text. */
static inline bool test_epoll_watches(int fd) {
  DIR *dir = opendir("/proc/self/fd");
  bool found = false;
  int epolls = 0;
  struct dirent *e;
  CHECK_TRUE(dir != NULL);
  while ((e = readdir(dir)) != NULL) {
    char path[512], link[64], line[256];
    ssize_t n;
    FILE *info;
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
    n = readlink(path, link, sizeof link - 1);
    if (n < 0) continue;
    link[n] = '\0';
    if (strcmp(link, "anon_inode:[eventpoll]") != 0) continue;
    epolls++;
    snprintf(path, sizeof path, "/proc/self/fdinfo/%s", e->d_name);
    info = fopen(path, "r");
    CHECK_TRUE(info != NULL);
    while (fgets(line, sizeof line, info)) {
      int tfd;
      if (sscanf(line, "tfd: %d", &tfd) == 1 && tfd == fd) found = true;
    }
    fclose(info);
  }
  closedir(dir);
  /* Asked while a loop runs, there must be an epoll fd to look at: without
   * one the "not watched" answer would prove nothing. */
  CHECK_INT_GE(epolls, 1);
  return found;
}

static inline int test_fd_flags(int fd) {
  int flags = fcntl(fd, F_GETFL);
  CHECK_INT_GE(flags, 0);
  return flags;
}

static inline bool test_fd_nonblocking(int fd) { return (test_fd_flags(fd) & O_NONBLOCK) != 0; }

/* A pipe with close-on-exec ends, blocking like a fresh pipe(2). */
static inline void test_pipe(int fds[2]) { CHECK_SYS(pipe2(fds, O_CLOEXEC)); }

/* A cancellation probe, embedded in the state of a test that cancels an
 * action (pick.c, timeout.c, join.c, finally.c).  The action to be cancelled
 * is built as weft_finally(weft_bind(<waits>, probe_late, p), probe_final, p),
 * and the whole combinator as weft_finally(<combinator>, probe_settle, p). */
struct cancel_probe {
  int finals;         /* finalisers run so far */
  int finals_in_loop; /* finals as probe_settle saw it, 10 ms after the combinator resolved */
  int late;           /* continuations run after the wait that should have been cancelled */
};

/* The continuation after the wait: a cancelled action never gets here. */
static inline async(long) probe_late(struct cancel_probe *p, long v) {
  p->late++;
  return weft_return(long, v);
}

static inline async(void) probe_final(struct cancel_probe *p) {
  p->finals++;
  return weft_return(void);
}

static inline async(void) probe_note_finals_(struct cancel_probe *p, long slept) {
  (void)slept;
  p->finals_in_loop = p->finals;
  return weft_return(void);
}

/* Runs after the combinator has resolved: give the loop 10 ms, then note
 * how many finalisers have run.  Cancellation must happen while the loop
 * runs, not only when weft_run closes it (which would run them too). */
static inline async(void) probe_settle(struct cancel_probe *p) {
  return weft_bind(weft_sleep_ms(10), probe_note_finals_, p);
}

#endif /* WEFT_TEST_SUPPORT_H */
