/* ready.c: weft_wait_readable / weft_wait_writable on sockets, pipes, FIFOs, eventfds and files: when they complete, and how they end otherwise.
 * Proves: a wait completes only once the fd is ready (data, end of file, a connection) and at once if it is; it reads
 * nothing; it takes its turn behind a read; weft_close fails it with -EBADF; weft_timeout, weft_pick and weft_task_cancel
 * end it and drop its epoll watch; a bad fd fails with -EBADF. */
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <weft.h>

#include "check.h"
#include "support.h"

struct rd {
  int s[2];    /* a socketpair */
  int p[2];    /* a pipe */
  int written; /* bytes the writer fiber has written */
  int seen;    /* written, when the wait completed */
  int err;
  weft_task_t *task;
  char got[8];
};

static async(void) unit(void *env) {
  (void)env;
  return weft_return(void);
}

static async(int) zero(void *env) {
  (void)env;
  return weft_return(int, 0);
}

static async(int) keep_err(struct rd *r, int err) {
  r->err = err;
  return weft_return(int, err);
}

/* m's failure, or 0: the outcome of an async(void) as a value. */
static async(int) outcome(struct rd *r, async(void) m) {
  return weft_catch(weft_then(m, zero, NULL), keep_err, r);
}

static async(void) ignore_int(void *env, int v) {
  (void)env;
  (void)v;
  return weft_return(void);
}

static async(void) ignore_long(void *env, long v) {
  (void)env;
  (void)v;
  return weft_return(void);
}

static void fresh(struct rd *r) {
  memset(r, 0, sizeof *r);
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, r->s));
  test_pipe(r->p);
  r->err = 1;
}

static void done(struct rd *r) {
  for (int i = 0; i < 2; i++) {
    if (r->s[i] >= 0) close(r->s[i]);
    close(r->p[i]);
  }
}

/* ---- 1. completes when data arrives, not before; reads nothing ------- */

static async(void) write_one(struct rd *r, long slept) {
  (void)slept;
  r->written++;
  return weft_write(r->s[1], "x", 1);
}

static async(void) note_seen(struct rd *r) {
  r->seen = r->written;
  return weft_return(void);
}

static async(void) check_x(struct rd *r, char *s) {
  (void)r;
  CHECK_STR_EQ(s, "x"); /* still there for the read */
  return weft_return(void);
}

static async(void) read_x(struct rd *r) {
  return weft_bind(weft_read(r->s[0], 8), check_x, r);
}

static async(void) waits_for_data(struct rd *r) {
  weft_spawn(weft_bind(weft_sleep_ms(5), write_one, r));
  return weft_then(weft_then(weft_wait_readable(r->s[0]), note_seen, r), read_x, r);
}

/* ---- 2. at once when ready; end of file and a pipe ------------------- */

static async(void) close_peer(struct rd *r) {
  close(r->s[1]);
  r->s[1] = -1;
  return weft_wait_readable(r->s[0]); /* end of file is readable */
}

static async(void) pipe_readable(struct rd *r) {
  CHECK_SYS(write(r->p[1], "y", 1));
  return weft_then(weft_wait_readable(r->p[0]), close_peer, r);
}

static async(void) at_once(struct rd *r) {
  CHECK_SYS(write(r->s[1], "x", 1));
  async(void) both = weft_join(weft_wait_writable(r->s[0]), weft_wait_readable(r->s[0]));
  return weft_then(weft_then(both, read_x, r), pipe_readable, r);
}

/* ---- 3. its turn behind a read ---------------------------------------- */

/* A read waits first; the wait queues behind it.  The first byte goes to
 * the read, which leaves nothing: the wait, now at the head, must wait for
 * the second byte rather than complete on the first one's readiness. */
static async(void) second_byte(struct rd *r, long slept) {
  (void)slept;
  CHECK_INT_EQ(r->seen, 0);
  r->written++;
  return weft_write(r->s[1], "z", 1);
}

static async(void) first_byte(struct rd *r, long slept) {
  (void)slept;
  r->written++;
  return weft_then(weft_write(r->s[1], "x", 1), unit, NULL);
}

static async(void) keep_read(struct rd *r, char *s) {
  CHECK_STR_EQ(s, "x");
  CHECK_INT_EQ(r->seen, 0);
  return weft_return(void);
}

static async(void) turn(struct rd *r) {
  async(void) reader = weft_bind(weft_read(r->s[0], 1), keep_read, r);
  async(void) waiter = weft_then(weft_wait_readable(r->s[0]), note_seen, r);
  async(void) writer = weft_then(weft_bind(weft_sleep_ms(2), first_byte, r), unit, NULL);
  async(void) later = weft_bind(weft_sleep_ms(20), second_byte, r);
  return weft_join(weft_join(reader, waiter), weft_join(writer, later));
}

/* ---- 4. weft_close fails it ------------------------------------------- */

static async(void) close_it(struct rd *r, long slept) {
  (void)slept;
  int fd = r->s[0];
  r->s[0] = -1;
  return weft_close(fd);
}

static async(void) closed_while_waiting(struct rd *r) {
  async(void) waiting = weft_bind(outcome(r, weft_wait_readable(r->s[0])), ignore_int, NULL);
  return weft_join(waiting, weft_bind(weft_sleep_ms(2), close_it, r));
}

/* ---- 5. cancellation: timeout, pick, task cancel ---------------------- */

static async(void) check_watched(struct rd *r, long slept) {
  (void)slept;
  CHECK_TRUE(test_epoll_watches(r->s[0]));
  return weft_return(void);
}

static async(void) check_unwatched(struct rd *r) {
  CHECK_TRUE(!test_epoll_watches(r->s[0]));
  return weft_return(void);
}

static async(void) timed_out(struct rd *r) {
  async(void) look = weft_bind(weft_sleep_ms(1), check_watched, r);
  async(void) timed = weft_bind(outcome(r, weft_timeout(weft_wait_readable(r->s[0]), 10)), ignore_int, NULL);
  return weft_then(weft_join(look, timed), check_unwatched, r);
}

static async(void) picked(struct rd *r) {
  async(void) lose = weft_wait_readable(r->s[0]);
  async(void) win = weft_bind(weft_sleep_ms(2), ignore_long, NULL);
  return weft_then(weft_pick(lose, win), check_unwatched, r);
}

static async(void) cancel_task(struct rd *r, long slept) {
  (void)slept;
  weft_task_cancel(r->task);
  return weft_return(void);
}

static async(void) task_cancelled(struct rd *r) {
  r->task = weft_spawn_task(weft_wait_readable(r->s[0]));
  async(void) joined = weft_bind(outcome(r, weft_task_join(void, r->task)), ignore_int, NULL);
  return weft_then(weft_join(joined, weft_bind(weft_sleep_ms(2), cancel_task, r)), check_unwatched, r);
}

/* ---- 6. other kinds of fd: a FIFO (weft reads it through a description
 * of its own), an eventfd (which weft cannot reopen), a listening socket -- */

struct kinds {
  int fifo, efd, listener, client;
  int woken;
};

static async(void) woke(struct kinds *k) {
  k->woken++;
  return weft_return(void);
}

static async(void) poke(struct kinds *k, long slept) {
  (void)slept;
  CHECK_INT_EQ(k->woken, 0); /* nothing was ready before */
  CHECK_INT_EQ(write(k->fifo, "f", 1), 1);
  uint64_t one = 1;
  CHECK_INT_EQ(write(k->efd, &one, sizeof one), (ssize_t)sizeof one);
  k->client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_SYS(k->client);
  return weft_then(weft_connect(k->client, (struct sockaddr *)&(struct sockaddr_in){.sin_family = AF_INET,
                                            .sin_port = htons((uint16_t)weft_tcp_port(k->listener)),
                                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)},
                                sizeof(struct sockaddr_in)),
                   unit, NULL);
}

static async(void) kinds(struct kinds *k) {
  async(void) waits = weft_join(weft_then(weft_wait_readable(k->fifo), woke, k),
                                weft_join(weft_then(weft_wait_readable(k->efd), woke, k),
                                          weft_then(weft_wait_readable(k->listener), woke, k)));
  return weft_join(waits, weft_bind(weft_sleep_ms(5), poke, k));
}

static void other_kinds(void) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/weft-ready-fifo-%d", (int)getpid());
  CHECK_SYS(mkfifo(path, 0600));
  struct kinds k = {.client = -1};
  k.fifo = open(path, O_RDWR | O_CLOEXEC); /* both ends: it never blocks to open */
  CHECK_SYS(k.fifo);
  k.efd = eventfd(0, EFD_CLOEXEC);
  CHECK_SYS(k.efd);
  k.listener = weft_tcp_listen("127.0.0.1", 0);
  CHECK_INT_GE(k.listener, 0);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), kinds, &k), NULL), 0);
  CHECK_INT_EQ(k.woken, 3);
  char c;
  CHECK_INT_EQ(read(k.fifo, &c, 1), 1); /* the wait read nothing */
  CHECK_INT_EQ(c, 'f');
  int conn = accept4(k.listener, NULL, NULL, SOCK_CLOEXEC);
  CHECK_SYS(conn);
  close(conn);
  close(k.client);
  close(k.listener);
  close(k.efd);
  close(k.fifo);
  unlink(path);
  puts("ready: a FIFO, an eventfd and a listening socket");
}

/* ---- 7. the readiness is the program's ------------------------------ */

/* An eventfd is gated (weft cannot make it non-blocking per call, so it
 * reads it only after epoll reported it ready).  A wait hands the report to
 * the program; once the program has read the eventfd itself, a weft_read
 * must wait for a new report, not call read(2) on an empty, blocking fd. */
struct gated {
  int efd;
  int err;
};

static async(void) ring(struct gated *g, long slept) {
  (void)slept;
  uint64_t one = 1;
  CHECK_INT_EQ(write(g->efd, &one, sizeof one), (ssize_t)sizeof one);
  return weft_return(void);
}

static async(str) read_timed_out(struct gated *g, int err) {
  g->err = err;
  return weft_return(str, "");
}

static async(void) ignore_str(void *env, char *s) {
  (void)env;
  (void)s;
  return weft_return(void);
}

static async(void) program_reads(struct gated *g) {
  uint64_t count;
  CHECK_INT_EQ(read(g->efd, &count, sizeof count), (ssize_t)sizeof count); /* the library's own read */
  return weft_bind(weft_catch(weft_timeout(weft_read(g->efd, 8), 20), read_timed_out, g), ignore_str, NULL);
}

static void gated_readiness(void) {
  struct gated g = {.err = 1};
  g.efd = eventfd(0, EFD_CLOEXEC);
  CHECK_SYS(g.efd);
  alarm(10); /* a read that blocked the loop would never end */
  async(void) waited = weft_then(weft_wait_readable(g.efd), program_reads, &g);
  CHECK_INT_EQ(weft_run(weft_join(waited, weft_bind(weft_sleep_ms(5), ring, &g)), NULL), 0);
  alarm(0);
  CHECK_INT_EQ(g.err, -ETIMEDOUT);
  close(g.efd);
  puts("ready: after a wait, a gated fd is read by weft only on a new readiness report");
}

int main(void) {
  struct rd r;

  fresh(&r);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), waits_for_data, &r), NULL), 0);
  CHECK_INT_EQ(r.seen, 1);
  done(&r);

  fresh(&r);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), at_once, &r), NULL), 0);
  done(&r);

  fresh(&r);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), turn, &r), NULL), 0);
  CHECK_INT_EQ(r.seen, 2);
  done(&r);
  puts("ready: completes on readiness only, reads nothing, takes its turn");

  fresh(&r);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), closed_while_waiting, &r), NULL), 0);
  CHECK_INT_EQ(r.err, -EBADF);
  done(&r);

  fresh(&r);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), timed_out, &r), NULL), 0);
  CHECK_INT_EQ(r.err, -ETIMEDOUT);
  done(&r);

  fresh(&r);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), picked, &r), NULL), 0);
  done(&r);

  fresh(&r);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), task_cancelled, &r), NULL), 0);
  CHECK_INT_EQ(r.err, -ECANCELED);
  done(&r);
  puts("ready: weft_close, weft_timeout, weft_pick and weft_task_cancel end a wait and drop its watch");

  other_kinds();
  gated_readiness();

  /* A regular file is always ready; a bad fd fails. */
  int f = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  CHECK_SYS(f);
  CHECK_INT_EQ(weft_run(weft_join(weft_wait_readable(f), weft_wait_writable(f)), NULL), 0);
  close(f);
  CHECK_INT_EQ(weft_run(weft_wait_readable(-1), NULL), -EBADF);
  CHECK_INT_EQ(weft_run(weft_wait_writable(1000), NULL), -EBADF);
  puts("ready: ok");
  return 0;
}
