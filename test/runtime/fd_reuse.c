/* fd_reuse.c: an fd number weft has seen, closed with plain close() and handed out again, is a new fd.
 * Proves: weft reads the new pipe without blocking (else SIGALRM ends the test) and never changes its flags;
 * a socket number reused by a non-blocking socket (with epoll interest kept), a pipe or a file is served too. */
#include <signal.h>
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

struct ru {
  int first[2];
  int second[2];
  int second_flags_before;
  int flags_during;
  char got[8];
};

static async(str) timer_wins(struct ru *r, long slept) {
  (void)slept;
  r->flags_during = test_fd_flags(r->second[0]);
  return weft_return(str, "timer");
}

/* s is the timer's literal or (wrongly) bytes read: plain C string either way. */
static async(void) keep(struct ru *r, char *s) {
  snprintf(r->got, sizeof r->got, "%s", s);
  return weft_return(void);
}

/* The first pipe is done with: it is closed behind weft's back, and a new
 * pipe gets the same numbers.  Nothing has been written to it, so a read on
 * it must wait in epoll, not in read(2). */
static async(void) swap_pipes(struct ru *r, char *s) {
  CHECK_STR_EQ(s, "a");
  CHECK_SYS(close(r->first[0]));
  CHECK_SYS(close(r->first[1]));
  test_pipe(r->second);
  CHECK_INT_EQ(r->second[0], r->first[0]);
  r->second_flags_before = test_fd_flags(r->second[0]);
  return weft_bind(weft_pick(weft_read(r->second[0], 1), weft_bind(weft_sleep_ms(20), timer_wins, r)), keep, r);
}

/* ---- a number that waited in epoll, reused behind weft's back ---------- */

struct again {
  int fd;          /* the number under test */
  int peer;        /* its peer, which writes */
  int kind;        /* 0: a new non-blocking socket, 1: a pipe, 2: a regular file */
  char got[16];
};

static async(void) got_again(struct again *a, char *s) {
  snprintf(a->got, sizeof a->got, "%s", s);
  return weft_return(void);
}

static async(void) feed_later(struct again *a, long slept) {
  (void)slept;
  if (a->kind != 2) CHECK_INT_EQ(write(a->peer, "fresh", 5), 5);
  return weft_return(void);
}

static async(str) too_late(struct again *a, long slept) {
  (void)a;
  (void)slept;
  return weft_return(str, "timeout");
}

/* The first read waited in epoll, whose interest weft keeps; then the
 * number is closed with close(2) and given to a new file. */
static async(void) swap_file(struct again *a, char *s) {
  CHECK_STR_EQ(s, "old");
  CHECK_SYS(close(a->fd));
  CHECK_SYS(close(a->peer));
  int fds[2];
  if (a->kind == 0) {
    CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds));
  } else if (a->kind == 1) {
    test_pipe(fds);
  } else {
    char path[] = "/tmp/weft-fd-reuse-XXXXXX";
    fds[0] = mkstemp(path);
    CHECK_INT_GE(fds[0], 0);
    CHECK_SYS(unlink(path));
    CHECK_INT_EQ(write(fds[0], "fresh", 5), 5);
    CHECK_INT_EQ(lseek(fds[0], 0, SEEK_SET), 0);
    fds[1] = dup(fds[0]);
  }
  CHECK_INT_EQ(fds[0], a->fd);
  a->peer = fds[1];
  async(void) reader = weft_bind(weft_pick(weft_read(a->fd, 16), weft_bind(weft_sleep_ms(5000), too_late, a)), got_again, a);
  return weft_join(reader, weft_bind(weft_sleep_ms(10), feed_later, a));
}

static async(void) feed_old(struct again *a, long slept) {
  (void)slept;
  CHECK_INT_EQ(write(a->peer, "old", 3), 3);
  return weft_return(void);
}

static void reuse_after_wait(int kind) {
  struct again a = {.kind = kind};
  int sv[2];
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  a.fd = sv[0];
  a.peer = sv[1];
  alarm(10);
  CHECK_INT_EQ(weft_run(weft_join(weft_bind(weft_read(a.fd, 16), swap_file, &a), weft_bind(weft_sleep_ms(5), feed_old, &a)),
                        NULL),
               0);
  alarm(0);
  CHECK_STR_EQ(a.got, "fresh");
  CHECK_SYS(close(a.fd));
  CHECK_SYS(close(a.peer));
}

int main(void) {
  struct ru r = {0};
  test_pipe(r.first);
  /* The first pipe starts non-blocking: restoring its flags onto the new
   * pipe's number at loop end would be wrong. */
  CHECK_SYS(fcntl(r.first[0], F_SETFL, O_NONBLOCK));
  CHECK_INT_EQ(write(r.first[1], "a", 1), 1);

  alarm(3); /* a read blocking in the kernel would otherwise hang here */
  CHECK_INT_EQ(weft_run(weft_bind(weft_read(r.first[0], 1), swap_pipes, &r), NULL), 0);
  alarm(0);

  CHECK_STR_EQ(r.got, "timer");
  CHECK_INT_EQ(r.flags_during, r.second_flags_before);
  CHECK_TRUE(!(r.second_flags_before & O_NONBLOCK));
  CHECK_INT_EQ(test_fd_flags(r.second[0]), r.second_flags_before);

  CHECK_SYS(close(r.second[0]));
  CHECK_SYS(close(r.second[1]));

  reuse_after_wait(0);
  reuse_after_wait(1);
  reuse_after_wait(2);
  return 0;
}
