/* fd_mode.c: weft never changes the blocking mode of a description it is given, and never blocks on one.
 * Proves: dups, children, ttys, FIFOs, eventfds and blocking sockets keep their flags; another process's fcntl never stalls the loop. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pty.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { BIG = 1 << 20 };

struct fm {
  int p[2];
  int dup_fd;        /* a second fd on the write end's description (2>&1) */
  char *big;
  size_t received;
  int checks;
  bool go_blocking;  /* a child process clears O_NONBLOCK before the reader starts */
};

static async(void) drain_step(struct fm *m, char *s);

static async(void) drain(struct fm *m) { return weft_bind(weft_read(m->p[0], 65536), drain_step, m); }

/* Reads the whole transfer; while the writer waits, the dup keeps its mode. */
static async(void) drain_step(struct fm *m, char *s) {
  size_t n = weft_str_len(s);
  CHECK_TRUE(n > 0);
  CHECK_MEM_EQ(s, m->big + m->received, n);
  m->received += n;
  if (m->dup_fd >= 0) {
    CHECK_TRUE(!test_fd_nonblocking(m->dup_fd));
    m->checks++;
  }
  if (m->received == BIG) return weft_return(void);
  return drain(m);
}

/* "Another process" turns blocking mode back on while the write waits. */
static async(void) other_process(struct fm *m, long slept) {
  (void)slept;
  if (m->go_blocking) {
    pid_t pid = fork();
    CHECK_SYS(pid);
    if (pid == 0) {
      int flags = fcntl(m->p[1], F_GETFL);
      _exit(flags >= 0 && fcntl(m->p[1], F_SETFL, flags & ~O_NONBLOCK) == 0 ? 0 : 1);
    }
    int status;
    CHECK_INT_EQ(waitpid(pid, &status, 0), pid);
    CHECK_TRUE(WIFEXITED(status)); /* its code: under valgrind, the verdict on the loop it inherited */
    CHECK_TRUE(!test_fd_nonblocking(m->p[1]));
  }
  return drain(m);
}

static void transfer(struct fm *m) {
  m->received = 0;
  alarm(20); /* a write blocking in the kernel would stall the reader: the loop would hang */
  CHECK_INT_EQ(weft_run(weft_join(weft_write(m->p[1], m->big, BIG), weft_bind(weft_sleep_ms(10), other_process, m)), NULL),
               0);
  alarm(0);
  CHECK_UINT_EQ(m->received, BIG);
}

static async(void) close_fd(int *fd) { return weft_close(*fd); }

/* 2>&1: two fds on one description.  Writing through one never makes the
 * other non-blocking, during the loop or after; closing one with
 * weft_close leaves the other as it was. */
static void shared_description(struct fm *m) {
  m->dup_fd = dup(m->p[1]);
  CHECK_INT_GE(m->dup_fd, 0);
  transfer(m);
  CHECK_INT_GT(m->checks, 0);
  CHECK_TRUE(!test_fd_nonblocking(m->dup_fd));
  CHECK_TRUE(!test_fd_nonblocking(m->p[1]));

  int extra = dup(m->p[1]);
  CHECK_INT_GE(extra, 0);
  CHECK_INT_EQ(weft_run(weft_then(weft_write(extra, "x", 1), close_fd, &extra), NULL), 0);
  CHECK_TRUE(!test_fd_nonblocking(m->dup_fd));
  char c;
  CHECK_INT_EQ(read(m->p[0], &c, 1), 1);
  CHECK_SYS(close(m->dup_fd));
  m->dup_fd = -1;
}

/* The program made its pipe non-blocking; another process makes it blocking
 * while a write waits: the loop goes on. */
static void mode_changed_by_other_process(struct fm *m) {
  CHECK_SYS(fcntl(m->p[1], F_SETFL, O_NONBLOCK));
  m->go_blocking = true;
  transfer(m);
  m->go_blocking = false;
}

/* A child process runs a loop that writes into a pipe shared with us and
 * ends mid-write: killed by a signal, or by exit() from a continuation.
 * Our copy of the description never saw O_NONBLOCK. */
static async(void) child_exits(void *env, long slept) {
  (void)env;
  (void)slept;
  exit(0);
}

static async(void) child_signals_ready(int *sync, long slept) {
  (void)slept;
  CHECK_INT_EQ(write(*sync, "r", 1), 1);
  return weft_return(void);
}

static void child_case(struct fm *m, bool by_exit) {
  int sync[2];
  test_pipe(sync);
  int before = test_fd_flags(m->p[1]);
  pid_t pid = fork();
  CHECK_SYS(pid);
  if (pid == 0) {
    async(void) side = by_exit ? weft_bind(weft_sleep_ms(20), child_exits, NULL)
                               : weft_bind(weft_sleep_ms(20), child_signals_ready, &sync[1]);
    weft_run(weft_join(weft_write(m->p[1], m->big, BIG), side), NULL);
    _exit(3);
  }
  int status;
  if (!by_exit) {
    char c;
    CHECK_INT_EQ(read(sync[0], &c, 1), 1); /* the child's write waits now */
    CHECK_INT_EQ(test_fd_flags(m->p[1]), before);
    CHECK_SYS(kill(pid, SIGKILL));
  }
  CHECK_INT_EQ(waitpid(pid, &status, 0), pid);
  /* Exited (with 0, or under valgrind with its verdict on the loop the
   * child left running), or killed. */
  CHECK_TRUE(by_exit ? WIFEXITED(status) : WIFSIGNALED(status));
  CHECK_INT_EQ(test_fd_flags(m->p[1]), before);
  /* Empty the pipe for the next case. */
  char *sink = malloc(BIG);
  CHECK_TRUE(sink != NULL);
  CHECK_SYS(fcntl(m->p[0], F_SETFL, O_NONBLOCK));
  while (read(m->p[0], sink, BIG) > 0) {
  }
  CHECK_SYS(fcntl(m->p[0], F_SETFL, 0));
  free(sink);
  CHECK_SYS(close(sync[0]));
  CHECK_SYS(close(sync[1]));
}

/* ---- other kinds of fd ------------------------------------------------- */

struct echo {
  int in, out;         /* read from in; what was read is checked */
  const char *expect;
  int flags_in, flags_out;
  int during_in, during_out;
};

static async(void) echo_got(struct echo *e, char *s) {
  CHECK_STR_EQ(s, e->expect);
  e->during_in = test_fd_flags(e->in);
  e->during_out = test_fd_flags(e->out);
  return weft_return(void);
}

static async(void) echo_read(struct echo *e) { return weft_bind(weft_read(e->in, 64), echo_got, e); }

/* Writes expect through out with weft, reads it from in with weft. */
static void round_trip_n(int out, int in, const char *send, size_t len, const char *expect) {
  struct echo e = {.in = in, .out = out, .expect = expect};
  e.flags_in = test_fd_flags(in);
  e.flags_out = test_fd_flags(out);
  CHECK_INT_EQ(weft_run(weft_then(weft_write(out, send, len), echo_read, &e), NULL), 0);
  CHECK_INT_EQ(e.during_in, e.flags_in);
  CHECK_INT_EQ(e.during_out, e.flags_out);
  CHECK_INT_EQ(test_fd_flags(in), e.flags_in);
  CHECK_INT_EQ(test_fd_flags(out), e.flags_out);
}

static void round_trip(int out, int in, const char *send, const char *expect) {
  round_trip_n(out, in, send, strlen(send), expect);
}

static void tty_case(void) {
  int master, slave;
  struct termios raw;
  memset(&raw, 0, sizeof raw);
  cfmakeraw(&raw); /* no echo: what is written comes out only at the other end */
  CHECK_SYS(openpty(&master, &slave, NULL, &raw, NULL));
  round_trip(master, slave, "to the slave\n", "to the slave\n"); /* a tty: a private description */
  round_trip(slave, master, "ok", "ok");                          /* /dev/ptmx: never reopened */
  CHECK_SYS(close(master));
  CHECK_SYS(close(slave));
}

static void fifo_case(void) {
  char path[] = "/tmp/weft-fd-mode-XXXXXX";
  CHECK_TRUE(mkdtemp(path) != NULL);
  char fifo[64];
  snprintf(fifo, sizeof fifo, "%s/fifo", path);
  CHECK_SYS(mkfifo(fifo, 0600));
  int r = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  CHECK_INT_GE(r, 0);
  int w = open(fifo, O_WRONLY | O_CLOEXEC);
  CHECK_INT_GE(w, 0);
  CHECK_SYS(fcntl(r, F_SETFL, 0));
  round_trip(w, r, "through a fifo", "through a fifo");
  CHECK_SYS(close(r));
  CHECK_SYS(close(w));
  CHECK_SYS(unlink(fifo));
  CHECK_SYS(rmdir(path));
}

static void eventfd_case(void) {
  int efd = eventfd(0, EFD_CLOEXEC);
  CHECK_INT_GE(efd, 0);
  uint64_t one = 1; /* an eventfd cannot be reopened: weft calls it only when epoll says it is ready */
  round_trip_n(efd, efd, (const char *)&one, sizeof one, "\x01");
  CHECK_SYS(close(efd));
}

/* A listening socket and a client socket the program made blocking. */
struct sock {
  int lfd, cfd, accepted;
  struct sockaddr_in addr;
};

static async(void) got_conn(struct sock *s, int fd) {
  s->accepted = fd;
  return weft_return(void);
}

static void blocking_sockets_case(void) {
  struct sock s = {.accepted = -1};
  s.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  s.cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_INT_GE(s.lfd, 0);
  CHECK_INT_GE(s.cfd, 0);
  s.addr.sin_family = AF_INET;
  s.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK_SYS(bind(s.lfd, (struct sockaddr *)&s.addr, sizeof s.addr));
  CHECK_SYS(listen(s.lfd, 4));
  s.addr.sin_port = htons((uint16_t)weft_tcp_port(s.lfd));
  int lflags = test_fd_flags(s.lfd), cflags = test_fd_flags(s.cfd);
  alarm(20);
  CHECK_INT_EQ(weft_run(weft_join(weft_bind(weft_accept(s.lfd), got_conn, &s),
                                  weft_connect(s.cfd, (struct sockaddr *)&s.addr, sizeof s.addr)),
                        NULL),
               0);
  alarm(0);
  CHECK_INT_GE(s.accepted, 0);
  CHECK_INT_EQ(test_fd_flags(s.lfd), lflags);
  CHECK_INT_EQ(test_fd_flags(s.cfd), cflags);
  round_trip(s.cfd, s.accepted, "over tcp", "over tcp");
  CHECK_SYS(close(s.accepted));
  CHECK_SYS(close(s.cfd));
  CHECK_SYS(close(s.lfd));
}

int main(void) {
  struct fm m = {.dup_fd = -1};
  test_pipe(m.p);
  m.big = malloc(BIG);
  CHECK_TRUE(m.big != NULL);
  for (size_t i = 0; i < BIG; i++) m.big[i] = (char)(i * 13 + (i >> 11));

  shared_description(&m);
  child_case(&m, false);
  child_case(&m, true);
  mode_changed_by_other_process(&m);
  tty_case();
  fifo_case();
  eventfd_case();
  blocking_sockets_case();

  CHECK_SYS(close(m.p[0]));
  CHECK_SYS(close(m.p[1]));
  free(m.big);
  return 0;
}
