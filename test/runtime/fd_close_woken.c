/* fd_close_woken.c: a fiber whose fd another fiber closes with weft_close fails with -EBADF, whatever state it is in.
 * Proves: a reader or writer already woken by epoll, or waiting its turn, never touches the number again (pipes, socketpairs, TCP). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { BIG = 1 << 20 };

/* The victim waits on fd; the closer waits on q.  The trigger makes q ready,
 * then fd: both are woken by the same epoll_wait, the closer first, and the
 * closer closes fd and puts a new socket at its number before the victim
 * runs.  A victim that retries its syscall would touch the new socket. */
struct cw {
  int fd;             /* the number under test */
  int other;          /* the pipe end that makes fd ready (write end or read end) */
  int q[2];
  int peer;           /* the new socket's other end */
  bool new_blocking;  /* the new socket is blocking */
  bool new_has_data;  /* the new socket has bytes to steal */
  bool victim_writes;
  int listen_fd;      /* TCP: fd and the new socket are accepted connections; -1 otherwise */
  char *big;
  int victim_err;
  int queued_err;
  char victim_got[16];
};

static async(void) victim_read(struct cw *c, char *s) {
  snprintf(c->victim_got, sizeof c->victim_got, "%s", s);
  return weft_return(void);
}

static async(void) note(int *slot, int err) {
  *slot = err;
  return weft_return(void);
}

static async(void) victim(struct cw *c) {
  if (c->victim_writes) return weft_catch(weft_write(c->fd, c->big, BIG), note, &c->victim_err);
  return weft_catch(weft_bind(weft_read(c->fd, 16), victim_read, c), note, &c->victim_err);
}

/* A TCP connection to the listening socket: the client end (never at
 * number avoid), and the accepted end in *server. */
static int tcp_pair(int listen_fd, int *server, int avoid) {
  struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)weft_tcp_port(listen_fd))};
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_INT_GE(client, 0);
  if (client == avoid) {
    int moved = fcntl(client, F_DUPFD_CLOEXEC, avoid + 1);
    CHECK_INT_GE(moved, 0);
    CHECK_SYS(close(client));
    client = moved;
  }
  CHECK_SYS(connect(client, (struct sockaddr *)&sin, sizeof sin));
  int listen_flags = test_fd_flags(listen_fd);
  CHECK_SYS(fcntl(listen_fd, F_SETFL, listen_flags & ~O_NONBLOCK));
  *server = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
  CHECK_INT_GE(*server, 0);
  CHECK_SYS(fcntl(listen_fd, F_SETFL, listen_flags));
  return client;
}

/* The closer: fd is closed, and a new socket takes its number at once. */
static async(void) reuse(struct cw *c) {
  if (c->listen_fd >= 0) {
    /* A server's next connection gets the number of the one just closed. */
    int server;
    c->peer = tcp_pair(c->listen_fd, &server, c->fd);
    if (server != c->fd) {
      CHECK_SYS(dup2(server, c->fd));
      CHECK_SYS(close(server));
    }
    if (c->new_has_data) CHECK_INT_EQ(write(c->peer, "WRONG", 5), 5);
    return weft_return(void);
  }
  int sv[2];
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (c->new_blocking ? 0 : SOCK_NONBLOCK), 0, sv));
  CHECK_TRUE(sv[1] != c->fd);
  if (sv[0] != c->fd) { /* the kernel gives the lowest free number: usually fd itself */
    CHECK_SYS(dup2(sv[0], c->fd));
    CHECK_SYS(close(sv[0]));
  }
  c->peer = sv[1];
  if (c->new_has_data) CHECK_INT_EQ(write(c->peer, "WRONG", 5), 5);
  return weft_return(void);
}

static async(void) closer_woken(struct cw *c, char *s) {
  CHECK_STR_EQ(s, "q");
  return weft_then(weft_close(c->fd), reuse, c);
}

static async(void) closer(struct cw *c) { return weft_bind(weft_read(c->q[0], 1), closer_woken, c); }

/* The trigger, once both wait: q first, then fd (bytes to read, or room to write). */
static async(void) trigger(struct cw *c, long slept) {
  (void)slept;
  CHECK_INT_EQ(write(c->q[1], "q", 1), 1);
  if (c->victim_writes) {
    char *sink = malloc(BIG);
    CHECK_TRUE(sink != NULL);
    CHECK_TRUE(read(c->other, sink, BIG) > 0);
    free(sink);
  } else {
    CHECK_INT_EQ(write(c->other, "data", 4), 4);
  }
  return weft_return(void);
}

static void woken_case_on(int listen_fd, bool victim_writes, bool new_blocking, bool new_has_data) {
  struct cw c = {.victim_writes = victim_writes, .new_blocking = new_blocking, .new_has_data = new_has_data,
                 .victim_err = 1, .listen_fd = listen_fd};
  int p[2];
  if (listen_fd >= 0) p[1] = tcp_pair(listen_fd, &p[0], -1); /* the victim reads the accepted end */
  else test_pipe(p);
  test_pipe(c.q);
  c.fd = victim_writes ? p[1] : p[0];
  c.other = victim_writes ? p[0] : p[1];
  c.big = malloc(BIG);
  CHECK_TRUE(c.big != NULL);
  memset(c.big, 'B', BIG);

  alarm(10); /* a victim blocking in the new socket's read(2) would hang here */
  CHECK_INT_EQ(weft_run(weft_join(weft_join(victim(&c), weft_then(weft_return(void), closer, &c)),
                                  weft_bind(weft_sleep_ms(20), trigger, &c)),
                        NULL),
               0);
  alarm(0);
  CHECK_INT_EQ(c.victim_err, -EBADF);
  CHECK_STR_EQ(c.victim_got, "");

  /* Nothing crossed into the new socket, and nothing was taken from it. */
  char buf[8];
  if (new_has_data) {
    CHECK_INT_EQ(recv(c.fd, buf, sizeof buf, MSG_DONTWAIT), 5);
    CHECK_MEM_EQ(buf, "WRONG", 5);
  }
  CHECK_INT_EQ(recv(c.peer, buf, sizeof buf, MSG_DONTWAIT), -1);
  CHECK_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);

  CHECK_SYS(close(c.fd));
  CHECK_SYS(close(c.other));
  CHECK_SYS(close(c.peer));
  CHECK_SYS(close(c.q[0]));
  CHECK_SYS(close(c.q[1]));
  free(c.big);
}

static void woken_case(bool victim_writes, bool new_blocking, bool new_has_data) {
  woken_case_on(-1, victim_writes, new_blocking, new_has_data);
}

/* Operations waiting their turn (a second reader behind the first, a
 * second writer behind a big one) fail with the head when fd is closed. */
static async(void) close_now(struct cw *c, long slept) {
  (void)slept;
  return weft_close(c->fd);
}

static void queued_case(bool writers) {
  struct cw c = {.victim_writes = writers, .victim_err = 1, .queued_err = 1};
  int p[2];
  test_pipe(p);
  c.fd = writers ? p[1] : p[0];
  c.other = writers ? p[0] : p[1];
  c.big = malloc(BIG);
  CHECK_TRUE(c.big != NULL);
  memset(c.big, 'B', BIG);
  async(void) second = writers ? weft_catch(weft_write(c.fd, "queued", 6), note, &c.queued_err)
                               : weft_catch(weft_bind(weft_read(c.fd, 16), victim_read, &c), note, &c.queued_err);
  CHECK_INT_EQ(weft_run(weft_join(weft_join(victim(&c), second), weft_bind(weft_sleep_ms(10), close_now, &c)), NULL), 0);
  CHECK_INT_EQ(c.victim_err, -EBADF);
  CHECK_INT_EQ(c.queued_err, -EBADF);
  CHECK_SYS(close(c.other));
  free(c.big);
}

int main(void) {
  woken_case(false, false, true); /* a woken reader: the new socket's bytes stay */
  woken_case(false, true, false); /* a woken reader: the new socket is blocking */
  woken_case(true, false, false); /* a woken writer: nothing reaches the new socket */
  woken_case(true, true, false);
  /* A TCP server: the woken reader's connection is closed and the next
   * accepted connection has its number, with bytes of its own. */
  int lfd = weft_tcp_listen(NULL, 0);
  CHECK_INT_GE(lfd, 0);
  woken_case_on(lfd, false, true, true);
  CHECK_SYS(close(lfd));
  queued_case(false);
  queued_case(true);
  return 0;
}
