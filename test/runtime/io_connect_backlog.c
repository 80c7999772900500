/* io_connect_backlog.c: weft_connect to an AF_UNIX listener whose backlog is full waits for room, as a blocking connect does.
 * Proves: -EAGAIN never reaches the program (non-blocking and blocking sockets), the wait ends by weft_timeout and by weft_close. */
#include <sys/un.h>
#include <weft.h>

#include "check.h"
#include "support.h"

struct bl {
  int listen_fd;
  struct sockaddr_un addr;
  int client;      /* the socket weft_connect connects */
  int held[8];     /* connections that fill the backlog */
  size_t nheld;
  int accepted;
  int connect_err;
  int expect;      /* the connect's failure, or 0: any other fails the test at once */
};

/* A listener with the smallest backlog, filled by connections nobody accepts. */
static void fill(struct bl *b) {
  b->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  CHECK_INT_GE(b->listen_fd, 0);
  b->addr.sun_family = AF_UNIX;
  /* An abstract address: nothing to clean up in the file system. */
  snprintf(b->addr.sun_path + 1, sizeof b->addr.sun_path - 1, "weft-backlog-%d", (int)getpid());
  CHECK_SYS(bind(b->listen_fd, (struct sockaddr *)&b->addr, sizeof b->addr));
  CHECK_SYS(listen(b->listen_fd, 0));
  for (b->nheld = 0; b->nheld < 8; b->nheld++) {
    int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    CHECK_INT_GE(c, 0);
    if (connect(c, (struct sockaddr *)&b->addr, sizeof b->addr) < 0) {
      CHECK_INT_EQ(errno, EAGAIN);
      CHECK_SYS(close(c));
      break;
    }
    b->held[b->nheld] = c;
  }
  CHECK_TRUE(b->nheld < 8); /* the backlog is full */
}

static void unfill(struct bl *b) {
  for (size_t i = 0; i < b->nheld; i++) CHECK_SYS(close(b->held[i]));
  CHECK_SYS(close(b->listen_fd));
}

static async(void) accept_all(struct bl *b);

static async(void) accepted(struct bl *b, int fd) {
  CHECK_SYS(close(fd));
  if (++b->accepted == (int)b->nheld + 1) return weft_return(void);
  return accept_all(b);
}

static async(void) accept_all(struct bl *b) { return weft_bind(weft_accept(b->listen_fd), accepted, b); }

static async(void) accept_later(struct bl *b, long slept) {
  (void)slept;
  return accept_all(b);
}

static async(void) note(struct bl *b, int err) {
  CHECK_INT_EQ(err, b->expect);
  b->connect_err = err;
  return weft_return(void);
}

static async(void) dial(struct bl *b) {
  return weft_catch(weft_connect(b->client, (struct sockaddr *)&b->addr, sizeof b->addr), note, b);
}

/* The connect waits until the listener accepts (20 ms later), then succeeds. */
static void waits_for_room(bool blocking) {
  struct bl b = {0};
  fill(&b);
  b.client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0);
  CHECK_INT_GE(b.client, 0);
  int flags = test_fd_flags(b.client);
  CHECK_INT_EQ(weft_run(weft_join(dial(&b), weft_bind(weft_sleep_ms(20), accept_later, &b)), NULL), 0);
  CHECK_INT_EQ(b.connect_err, 0);
  CHECK_INT_EQ(b.accepted, (int)b.nheld + 1);
  CHECK_INT_EQ(test_fd_flags(b.client), flags); /* weft changed nothing */
  struct sockaddr_un peer;
  socklen_t plen = sizeof peer;
  CHECK_SYS(getpeername(b.client, (struct sockaddr *)&peer, &plen)); /* connected */
  CHECK_SYS(close(b.client));
  unfill(&b);
}

static async(void) close_client(struct bl *b, long slept) {
  (void)slept;
  return weft_close(b->client);
}

/* Nobody accepts: the waiting connect ends with its deadline, or when
 * another fiber closes the socket. */
static void ends(bool by_close) {
  struct bl b = {0};
  fill(&b);
  b.client = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  CHECK_INT_GE(b.client, 0);
  if (by_close) {
    b.expect = -EBADF;
    CHECK_INT_EQ(weft_run(weft_join(dial(&b), weft_bind(weft_sleep_ms(20), close_client, &b)), NULL), 0);
    CHECK_INT_EQ(b.connect_err, -EBADF);
  } else {
    int rc = weft_run(weft_timeout(weft_connect(b.client, (struct sockaddr *)&b.addr, sizeof b.addr), 30), NULL);
    CHECK_INT_EQ(rc, -ETIMEDOUT);
    CHECK_SYS(close(b.client));
  }
  unfill(&b);
}

int main(void) {
  waits_for_room(false);
  waits_for_room(true);
  ends(false);
  ends(true);
  return 0;
}
