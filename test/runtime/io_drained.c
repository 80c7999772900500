/* io_drained.c: after a read that got less than it asked, the next read waits for epoll instead of trying (io.c, w->drained).
 * Proves: input that arrives in the meantime (written by the peer with no poll between, or by the reader's own write),
 * end of file, two readers queued on one fd, a number reused behind weft's back, and an answer already there when the
 * first read after a write waits at once (answer_waits) are all still served; a read that hung ends the test by SIGALRM. */
#include <sys/socket.h>
#include <unistd.h>
#include <weft.h>

#include "check.h"
#include "support.h"

struct rd {
  int fd, peer;
  int step;
  char got[8][16];
};

static async(void) got(struct rd *r, char *s);

static async(void) read_next(struct rd *r) { return weft_bind(weft_read(r->fd, 16), got, r); }

/* Each read asks for 16 bytes and gets fewer, so the fd counts as drained
 * before every next read; what happens in between differs by step. */
static async(void) got(struct rd *r, char *s) {
  snprintf(r->got[r->step], sizeof r->got[r->step], "%s", s);
  r->step++;
  switch (r->step) {
  case 1: /* more input arrives before the next read, with no poll between */
    CHECK_INT_EQ(write(r->peer, "two", 3), 3);
    return read_next(r);
  case 2: /* the reader's own write puts the input there */
    return weft_then(weft_write(r->peer, "three", 5), read_next, r);
  case 3: /* end of file */
    CHECK_SYS(close(r->peer));
    r->peer = -1;
    return read_next(r);
  default:
    return weft_return(void);
  }
}

static void run_steps(int fd, int peer) {
  struct rd r = {.fd = fd, .peer = peer};
  CHECK_INT_EQ(write(peer, "one", 3), 3);
  alarm(10);
  CHECK_INT_EQ(weft_run(read_next(&r), NULL), 0);
  alarm(0);
  CHECK_INT_EQ(r.step, 4);
  CHECK_STR_EQ(r.got[0], "one");
  CHECK_STR_EQ(r.got[1], "two");
  CHECK_STR_EQ(r.got[2], "three");
  CHECK_STR_EQ(r.got[3], "");
  CHECK_SYS(close(fd));
}

/* ---- two readers in one fd's queue ------------------------------------- */

struct pair_rd {
  int fd, peer;
  char a[16], b[16];
};

static async(void) keep_a(struct pair_rd *p, char *s) {
  snprintf(p->a, sizeof p->a, "%s", s);
  /* The first reader drained the fd; the second, next in line, is handed
   * its turn without any event from epoll, and its input is already there. */
  CHECK_INT_EQ(write(p->peer, "second", 6), 6);
  return weft_return(void);
}

static async(void) keep_b(struct pair_rd *p, char *s) {
  snprintf(p->b, sizeof p->b, "%s", s);
  return weft_return(void);
}

static void two_readers(void) {
  int sv[2];
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  struct pair_rd p = {.fd = sv[0], .peer = sv[1]};
  CHECK_INT_EQ(write(p.peer, "first", 5), 5);
  alarm(10);
  CHECK_INT_EQ(weft_run(weft_join(weft_bind(weft_read(p.fd, 16), keep_a, &p), weft_bind(weft_read(p.fd, 16), keep_b, &p)),
                        NULL),
               0);
  alarm(0);
  CHECK_STR_EQ(p.a, "first");
  CHECK_STR_EQ(p.b, "second");
  CHECK_SYS(close(sv[0]));
  CHECK_SYS(close(sv[1]));
}

/* ---- a drained number reused behind weft's back ------------------------ */

static async(void) swap(struct rd *r, char *s) {
  CHECK_STR_EQ(s, "old");
  CHECK_SYS(close(r->fd));
  CHECK_SYS(close(r->peer));
  int sv[2];
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  CHECK_INT_EQ(sv[0], r->fd);
  r->peer = sv[1];
  CHECK_INT_EQ(write(r->peer, "new", 3), 3);
  return weft_bind(weft_read(r->fd, 16), got, r);
}

static async(void) feed_old(struct rd *r, long slept) {
  (void)slept;
  CHECK_INT_EQ(write(r->peer, "old", 3), 3);
  return weft_return(void);
}

/* The first read waits in epoll (its interest stays registered after it),
 * and gets less than it asked; the number is then closed, which drops that
 * interest in the kernel, and reused: the next read must register again. */
static void reused(void) {
  int sv[2];
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  struct rd r = {.fd = sv[0], .peer = sv[1], .step = 3}; /* got() ends after one more read */
  alarm(10);
  CHECK_INT_EQ(weft_run(weft_join(weft_bind(weft_read(r.fd, 16), swap, &r), weft_bind(weft_sleep_ms(5), feed_old, &r)),
                        NULL),
               0);
  alarm(0);
  CHECK_STR_EQ(r.got[3], "new");
  CHECK_SYS(close(r.fd));
  CHECK_SYS(close(r.peer));
}

/* ---- the first read after a write ------------------------------------- */

/* A read of all it asked for after a write on the same fd waits at once
 * once such reads have found nothing (io.c, answer_waits): rounds 0-19
 * are answered by a fiber on the peer after the request; from round 20
 * the answer is in the socket before the request is even written, and
 * must still be read (epoll reports it at the next poll). */
struct pp {
  int fd, peer;
  int round, answers;
};

static async(void) pp_round(struct pp *p);

static async(void) pp_got(struct pp *p, char *s) {
  CHECK_STR_EQ(s, "a");
  p->answers++;
  p->round++;
  return p->round < 40 ? pp_round(p) : weft_return(void);
}

static async(void) pp_read(struct pp *p) { return weft_bind(weft_read(p->fd, 1), pp_got, p); }

static async(void) pp_round(struct pp *p) {
  if (p->round >= 20) CHECK_INT_EQ(write(p->peer, "a", 1), 1);
  return weft_then(weft_write(p->fd, "q", 1), pp_read, p);
}

static async(void) pp_answer(struct pp *p, char *s);

static async(void) pp_serve(struct pp *p) { return weft_bind(weft_read(p->peer, 1), pp_answer, p); }

static async(void) pp_answer(struct pp *p, char *s) {
  CHECK_STR_EQ(s, "q");
  return p->round < 19 ? weft_then(weft_write(p->peer, "a", 1), pp_serve, p) : weft_write(p->peer, "a", 1);
}

static void answered(void) {
  int sv[2];
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  struct pp p = {.fd = sv[0], .peer = sv[1]};
  alarm(10);
  CHECK_INT_EQ(weft_run(weft_join(pp_round(&p), pp_serve(&p)), NULL), 0);
  alarm(0);
  CHECK_INT_EQ(p.answers, 40);
  CHECK_SYS(close(sv[0]));
  CHECK_SYS(close(sv[1]));
}

int main(void) {
  int sv[2], p[2];
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  run_steps(sv[0], sv[1]);
  test_pipe(p);
  run_steps(p[0], p[1]);
  two_readers();
  reused();
  answered();
  return 0;
}
