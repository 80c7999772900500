/* accept_emfile.c: weft_accept at the descriptor limit (EMFILE) waits for a free descriptor instead of failing.
 * Proves: a weft_close wakes the paused accept, a close(2) behind weft's back is found by its retry timer, a paused
 * accept is cancelled by weft_timeout, does not watch the listening socket while paused (no busy loop), and fails with
 * -EBADF when its own listening socket is closed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { LIMIT = 32 };

struct t {
  int lfd;
  struct sockaddr_in addr;
  int clients[3];
  int nclients;
  int fillers[LIMIT];
  int nfill;
  int released;   /* descriptors the test freed so far */
  int accepted;   /* the fd the accept produced */
  int released_when_accepted;
  bool watched_while_paused;
  int lfd_closed, lfd2;
};

/* A client whose connection waits in the listen backlog (loopback connects
 * complete before accept). */
static void queue_client(struct t *t) {
  int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_SYS(c);
  CHECK_SYS(connect(c, (struct sockaddr *)&t->addr, sizeof t->addr));
  t->clients[t->nclients++] = c;
}

/* Takes every descriptor left under the limit. */
static void fill(struct t *t) {
  for (;;) {
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      CHECK_INT_EQ(errno, EMFILE);
      return;
    }
    CHECK_INT_LT(t->nfill, LIMIT);
    t->fillers[t->nfill++] = fd;
  }
}

static void unfill(struct t *t) {
  while (t->nfill > 0) CHECK_SYS(close(t->fillers[--t->nfill]));
}

static async(void) got(struct t *t, int fd) {
  CHECK_INT_GE(fd, 0);
  t->accepted = fd;
  t->released_when_accepted = t->released;
  return weft_close(fd);
}

/* 1. A weft_close frees a descriptor. */
static async(void) release_by_weft_close(struct t *t, long slept) {
  (void)slept;
  t->released++;
  return weft_close(t->fillers[--t->nfill]);
}

static async(void) full_then_accept_a(struct t *t) {
  queue_client(t);
  fill(t);
  return weft_join(weft_bind(weft_accept(t->lfd), got, t), weft_bind(weft_sleep_ms(30), release_by_weft_close, t));
}

/* 2. close(2), behind weft's back: only the retry timer can notice. */
static async(void) release_by_close(struct t *t, long slept) {
  (void)slept;
  t->released++;
  CHECK_SYS(close(t->fillers[--t->nfill]));
  return weft_return(void);
}

static async(void) full_then_accept_b(struct t *t) {
  queue_client(t);
  fill(t);
  return weft_join(weft_bind(weft_accept(t->lfd), got, t), weft_bind(weft_sleep_ms(30), release_by_close, t));
}

/* 3. An accept already waiting in epoll when the descriptors run out: the
 * client that wakes it meets EMFILE, and the accept pauses under its
 * timeout: then cancelled, and meanwhile no longer in epoll (a level-triggered
 * registration left behind would report the queued client on every turn).
 * Looking at /proc takes two descriptors: two fillers are lent for it and
 * taken back before anything else runs. */
static async(void) look_while_paused(struct t *t, long slept) {
  (void)slept;
  CHECK_SYS(close(t->fillers[--t->nfill]));
  CHECK_SYS(close(t->fillers[--t->nfill]));
  t->watched_while_paused = test_epoll_watches(t->lfd);
  fill(t);
  return weft_return(void);
}

static async(void) timed_out(struct t *t, int err) {
  CHECK_INT_EQ(err, -ETIMEDOUT);
  t->accepted = -1;
  return weft_return(void);
}

static async(void) fill_then_connect(struct t *t, long slept) {
  (void)slept;
  int c = t->clients[t->nclients - 1];
  fill(t);
  CHECK_SYS(connect(c, (struct sockaddr *)&t->addr, sizeof t->addr));
  return weft_return(void);
}

static async(void) accept_then_full(struct t *t) {
  int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_SYS(c);
  t->clients[t->nclients++] = c;
  async(void) accept_within = weft_catch(weft_bind(weft_timeout(weft_accept(t->lfd), 300), got, t), timed_out, t);
  async(void) meanwhile = weft_join(weft_bind(weft_sleep_ms(20), fill_then_connect, t),
                                    weft_bind(weft_sleep_ms(150), look_while_paused, t));
  return weft_join(accept_within, meanwhile);
}

/* 4. A weft_close of the listening socket fails its paused accept with
 * -EBADF at once: the number, the only free one, goes to the next socket
 * opened, which the old accept must never use. */
static async(void) closed_under_it(struct t *t, int err) {
  CHECK_INT_EQ(err, -EBADF);
  t->accepted = -3;
  return weft_return(void);
}

static async(void) reopen(struct t *t) {
  t->lfd2 = weft_tcp_listen(NULL, 0);
  CHECK_INT_EQ(t->lfd2, t->lfd_closed);
  return weft_return(void);
}

static async(void) close_listener(struct t *t, long slept) {
  (void)slept;
  return weft_then(weft_close(t->lfd_closed), reopen, t);
}

static async(void) full_then_close_listener(struct t *t) {
  t->lfd_closed = weft_tcp_listen(NULL, 0);
  CHECK_INT_GE(t->lfd_closed, 0);
  fill(t);
  async(void) accept = weft_catch(weft_bind(weft_timeout(weft_accept(t->lfd_closed), 1000), got, t), closed_under_it, t);
  return weft_join(accept, weft_bind(weft_sleep_ms(20), close_listener, t));
}

int main(void) {
  struct t t = {.accepted = -2};
  int rc;
  struct rlimit old, low;
  CHECK_SYS(getrlimit(RLIMIT_NOFILE, &old));
  low = old;
  low.rlim_cur = LIMIT;
  CHECK_SYS(setrlimit(RLIMIT_NOFILE, &low));

  t.lfd = weft_tcp_listen(NULL, 0);
  CHECK_INT_GE(t.lfd, 0);
  t.addr.sin_family = AF_INET;
  t.addr.sin_port = htons((uint16_t)weft_tcp_port(t.lfd));
  t.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  long long start = test_now_ms();
  rc = weft_run(weft_then(weft_return(void), full_then_accept_a, &t), NULL);
  CHECK_INT_EQ(rc, 0);
  printf("after a weft_close: accepted in %lld ms\n", test_now_ms() - start);
  CHECK_INT_GE(t.accepted, 0);
  CHECK_INT_EQ(t.released_when_accepted, 1);
  unfill(&t);

  t.accepted = -2;
  start = test_now_ms();
  rc = weft_run(weft_then(weft_return(void), full_then_accept_b, &t), NULL);
  CHECK_INT_EQ(rc, 0);
  printf("after a close(2): accepted in %lld ms\n", test_now_ms() - start);
  CHECK_INT_GE(t.accepted, 0);
  CHECK_INT_EQ(t.released_when_accepted, 2);
  unfill(&t);

  t.accepted = -2;
  rc = weft_run(weft_then(weft_return(void), accept_then_full, &t), NULL);
  CHECK_INT_EQ(rc, 0);
  CHECK_INT_EQ(t.accepted, -1);
  CHECK_TRUE(!t.watched_while_paused);
  unfill(&t);

  t.accepted = -2;
  rc = weft_run(weft_then(weft_return(void), full_then_close_listener, &t), NULL);
  CHECK_INT_EQ(rc, 0);
  CHECK_INT_EQ(t.accepted, -3);
  unfill(&t);
  CHECK_SYS(close(t.lfd2));

  /* The client the cancelled accept left in the backlog is still there. */
  t.accepted = -2;
  rc = weft_run(weft_bind(weft_accept(t.lfd), got, &t), NULL);
  CHECK_INT_EQ(rc, 0);
  CHECK_INT_GE(t.accepted, 0);

  for (int i = 0; i < t.nclients; i++) CHECK_SYS(close(t.clients[i]));
  CHECK_SYS(close(t.lfd));
  CHECK_SYS(setrlimit(RLIMIT_NOFILE, &old));
  return 0;
}
