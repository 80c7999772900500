/* fd_reuse_kept.c: a number whose epoll registration weft keeps between waits, closed with close(2) and reused.
 * Proves: a wait on the new file (socket, pipe, eventfd) gets its data whether the old file is gone, kept quiet by a
 * dup, or kept by a dup or a fork's child and reporting events (io.c's verification of unverified waits); waits
 * cancelled (weft_timeout, weft_pick, task cancel) or closed (weft_close) while unverified leave the fd usable. */
#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum kind { SOCKET, PIPE, EVENTFD };
enum keeper { GONE, DUP_QUIET, DUP_LOUD, CHILD_LOUD };

struct rk {
  enum kind kind;
  enum keeper keeper;
  int fd, peer;   /* the number under test and where its data comes from */
  int old_peer;   /* LOUD: where the old file's data comes from */
  int kept;       /* DUP_*: the dup keeping the old file alive */
  pid_t child;    /* CHILD_LOUD */
  int hold[2];    /* CHILD_LOUD: the child holds the old file until hold[1] closes */
  int reads_left; /* reads of the old file still to make before the swap */
  char got[16];
};

/* fds[0] is read, fds[1] written (an eventfd is both: fds[1] is a dup). */
static void make_file(enum kind kind, bool nonblock, int fds[2]) {
  if (kind == SOCKET) {
    CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
  } else if (kind == PIPE) {
    test_pipe(fds);
  } else {
    fds[0] = eventfd(0, EFD_CLOEXEC | (nonblock ? EFD_NONBLOCK : 0));
    CHECK_INT_GE(fds[0], 0);
    fds[1] = dup(fds[0]);
    CHECK_INT_GE(fds[1], 0);
  }
}

/* Up to 7 bytes of text, as a write of the kind's file: an eventfd takes
 * them as its 8-byte counter, which a read returns as "text\0...". */
static void put(enum kind kind, int fd, const char *text) {
  if (kind == EVENTFD) {
    uint64_t v = 0;
    memcpy(&v, text, strlen(text));
    CHECK_INT_EQ(write(fd, &v, sizeof v), (long)sizeof v);
  } else {
    CHECK_INT_EQ(write(fd, text, strlen(text)), (long)strlen(text));
  }
}

static async(void) keep_text(struct rk *r, char *s) {
  snprintf(r->got, sizeof r->got, "%s", s);
  return weft_return(void);
}

static async(str) too_late(struct rk *r, long slept) {
  (void)r;
  (void)slept;
  return weft_return(str, "timeout");
}

/* A read of the number, or "timeout" after 5 s: a wait lost in epoll shows
 * as "timeout" instead of a hang. */
static async(void) read_guarded(struct rk *r) {
  return weft_bind(weft_pick(weft_read(r->fd, 16), weft_bind(weft_sleep_ms(5000), too_late, r)), keep_text, r);
}

static async(void) feed_fresh(struct rk *r, long slept) {
  (void)slept;
  put(r->kind, r->peer, "fresh");
  return weft_return(void);
}

/* The old file reports input, from a child that holds it: the parent's
 * registration of the old file lives on in the child's copy (trap b). */
static void fork_loud_child(struct rk *r) {
  test_pipe(r->hold);
  fflush(NULL);
  r->child = fork();
  CHECK_SYS(r->child);
  if (r->child == 0) {
    /* cat holds the old file as its stdout until the parent closes
     * hold[1]; exec leaves the inherited loop (and valgrind) behind. */
    put(r->kind, r->peer, "stale");
    if (dup2(r->hold[0], 0) < 0 || dup2(r->fd, 1) < 0) _exit(3);
    execlp("cat", "cat", (char *)NULL);
    _exit(4);
  }
  CHECK_SYS(close(r->hold[0]));
}

/* The first read has waited in epoll, so weft keeps the registration; the
 * number is then closed behind weft's back and given to a new file. */
static async(void) feed_old(struct rk *r, long slept);

static async(void) swap(struct rk *r, char *s) {
  CHECK_STR_EQ(s, "old");
  if (--r->reads_left > 0) {
    /* One more read of the old file, which waits on the kept registration
     * and is proved by its event: the wait after the swap is then armed
     * while the first one's verification is still due (io.c: rearmed). */
    return weft_join(weft_bind(weft_read(r->fd, 16), swap, r), weft_bind(weft_sleep_ms(5), feed_old, r));
  }
  if (r->keeper == DUP_QUIET || r->keeper == DUP_LOUD) r->kept = dup(r->fd);
  if (r->keeper == CHILD_LOUD) fork_loud_child(r);
  CHECK_SYS(close(r->fd));
  if (r->keeper == DUP_LOUD) r->old_peer = r->peer; /* the parent writes to the old file */
  else CHECK_SYS(close(r->peer));
  int fds[2];
  /* An eventfd is gated: a report of the old one must not lead to a
   * plain read of a blocking new one (weft.h: close with weft_close). */
  make_file(r->kind, r->keeper == DUP_LOUD || r->keeper == CHILD_LOUD, fds);
  CHECK_INT_EQ(fds[0], r->fd);
  r->peer = fds[1];
  if (r->keeper == DUP_LOUD) put(r->kind, r->old_peer, "stale");
  return weft_join(read_guarded(r), weft_bind(weft_sleep_ms(20), feed_fresh, r));
}

static async(void) feed_old(struct rk *r, long slept) {
  (void)slept;
  put(r->kind, r->peer, "old");
  return weft_return(void);
}

static void reuse(enum kind kind, enum keeper keeper, int reads) {
  struct rk r = {.kind = kind, .keeper = keeper, .kept = -1, .old_peer = -1, .child = -1, .reads_left = reads};
  int fds[2];
  make_file(kind, false, fds);
  r.fd = fds[0];
  r.peer = fds[1];
  alarm(20);
  CHECK_INT_EQ(weft_run(weft_join(weft_bind(weft_read(r.fd, 16), swap, &r), weft_bind(weft_sleep_ms(5), feed_old, &r)),
                        NULL),
               0);
  alarm(0);
  printf("kind %d keeper %d reads %d: %s\n", kind, keeper, reads, r.got);
  CHECK_STR_EQ(r.got, "fresh");
  CHECK_SYS(close(r.fd));
  CHECK_SYS(close(r.peer));
  if (r.kept >= 0) CHECK_SYS(close(r.kept));
  if (r.old_peer >= 0) CHECK_SYS(close(r.old_peer));
  if (r.child > 0) {
    int status;
    CHECK_SYS(close(r.hold[1]));
    CHECK_INT_EQ(waitpid(r.child, &status, 0), r.child);
    CHECK_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
}

/* ---- waits cancelled or closed while unverified ------------------------ */

struct cw {
  int fd, peer;
  int how;      /* 0 weft_timeout, 1 weft_pick, 2 task cancel, 3 weft_close */
  int err;      /* the cancelled or closed read's failure */
  weft_task_t *task;
  char got[16];
};

static async(void) cw_keep(struct cw *c, char *s) {
  snprintf(c->got, sizeof c->got, "%s", s);
  return weft_return(void);
}

static async(str) cw_caught(struct cw *c, int err) {
  c->err = err;
  return weft_return(str, "failed");
}

static async(str) cw_slept(struct cw *c, long slept) {
  (void)slept;
  c->err = -ECANCELED; /* the pick's other branch won: the read was cancelled */
  return weft_return(str, "slept");
}

static async(void) cw_feed(struct cw *c, long slept) {
  (void)slept;
  CHECK_INT_EQ(write(c->peer, "again", 5), 5);
  return weft_return(void);
}

static async(str) cw_never(struct cw *c, long slept) {
  (void)c;
  (void)slept;
  return weft_return(str, "timeout");
}

/* After the cancelled or closed wait, and after its verification was due,
 * the number still works: a new read gets what the peer writes. */
static async(void) cw_again(struct cw *c, long slept) {
  (void)slept;
  if (c->how == 3) {
    /* weft_close took the number: a new pipe gets it. */
    int p[2];
    test_pipe(p);
    CHECK_INT_EQ(p[0], c->fd);
    CHECK_SYS(close(c->peer));
    c->peer = p[1];
  }
  return weft_join(weft_bind(weft_pick(weft_read(c->fd, 16), weft_bind(weft_sleep_ms(5000), cw_never, c)), cw_keep, c),
                   weft_bind(weft_sleep_ms(30), cw_feed, c));
}

static async(void) cw_after(struct cw *c, char *s) {
  (void)s;
  return weft_bind(weft_sleep_ms(30), cw_again, c); /* past the wait's due time */
}

static async(void) cw_close(struct cw *c, long slept) {
  (void)slept;
  return weft_close(c->fd);
}

static async(void) cw_cancel(struct cw *c, long slept) {
  (void)slept;
  weft_task_cancel(c->task);
  return weft_return(void);
}

static async(void) cw_task_done(struct cw *c) {
  return weft_bind(weft_catch(weft_task_join(str, c->task), cw_caught, c), cw_after, c);
}

/* The read that waits unverified: the first read waited and got "old", so
 * the registration is kept and this second read arms without epoll_ctl. */
static async(void) cw_second(struct cw *c, char *s) {
  CHECK_STR_EQ(s, "old");
  async(str) rd = weft_catch(weft_read(c->fd, 16), cw_caught, c);
  switch (c->how) {
  case 0: return weft_bind(weft_catch(weft_timeout(rd, 3), cw_caught, c), cw_after, c);
  case 1: return weft_bind(weft_pick(rd, weft_bind(weft_sleep_ms(3), cw_slept, c)), cw_after, c);
  case 2:
    c->task = weft_spawn_task(rd);
    return weft_then(weft_bind(weft_sleep_ms(3), cw_cancel, c), cw_task_done, c);
  default: return weft_join(weft_bind(rd, cw_after, c), weft_bind(weft_sleep_ms(3), cw_close, c));
  }
}

static async(void) cw_feed_old(struct cw *c, long slept) {
  (void)slept;
  CHECK_INT_EQ(write(c->peer, "old", 3), 3);
  return weft_return(void);
}

static void cancelled(int how) {
  int sv[2];
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  struct cw c = {.fd = sv[0], .peer = sv[1], .how = how};
  alarm(20);
  CHECK_INT_EQ(weft_run(weft_join(weft_bind(weft_read(c.fd, 16), cw_second, &c), weft_bind(weft_sleep_ms(5), cw_feed_old, &c)),
                        NULL),
               0);
  alarm(0);
  printf("how %d: err %d, then %s\n", how, c.err, c.got);
  CHECK_INT_EQ(c.err, how == 0 ? -ETIMEDOUT : how == 3 ? -EBADF : -ECANCELED);
  CHECK_STR_EQ(c.got, "again");
  CHECK_SYS(close(c.fd));
  CHECK_SYS(close(c.peer));
}

int main(void) {
  for (int kind = SOCKET; kind <= EVENTFD; kind++)
    for (int keeper = GONE; keeper <= CHILD_LOUD; keeper++)
      for (int reads = 1; reads <= 2; reads++) reuse((enum kind)kind, (enum keeper)keeper, reads);
  for (int how = 0; how < 4; how++) cancelled(how);
  return 0;
}
