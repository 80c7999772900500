/* io_peer_close.c: the peer goes away while a read waits.
 * Proves: a clean close gives the bytes then "" (pipe, socketpair); a TCP reset gives -ECONNRESET; nothing hangs. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

struct pc {
  int r, w;          /* the reader's fd and the peer's fd */
  char got[32];
  int reads;
  bool eof;
  int err;
};

static async(void) read_more(struct pc *p);

static async(void) got(struct pc *p, char *s) {
  size_t n = weft_str_len(s);
  if (n == 0) {
    p->eof = true;
    return weft_return(void);
  }
  strncat(p->got, s, sizeof p->got - strlen(p->got) - 1);
  p->reads++;
  return read_more(p);
}

static async(void) read_more(struct pc *p) { return weft_bind(weft_read(p->r, 16), got, p); }

static async(void) read_failed(struct pc *p, int err) {
  p->err = err;
  return weft_return(void);
}

/* The peer: some bytes, a pause (the reader is waiting then), and close. */
static async(void) peer_close(struct pc *p, long slept) {
  (void)slept;
  CHECK_SYS(close(p->w));
  return weft_return(void);
}

static async(void) peer_pause(struct pc *p) { return weft_bind(weft_sleep_ms(10), peer_close, p); }

static async(void) peer(struct pc *p) { return weft_then(weft_write(p->w, "partial", 7), peer_pause, p); }

static void clean_close_case(int r, int w) {
  struct pc p = {.r = r, .w = w};
  CHECK_INT_EQ(weft_run(weft_join(weft_then(weft_return(void), read_more, &p), weft_then(weft_return(void), peer, &p)),
                        NULL),
               0);
  CHECK_STR_EQ(p.got, "partial");
  CHECK_TRUE(p.eof);
  CHECK_SYS(close(r));
}

/* An abortive close: SO_LINGER with a zero timeout makes close() send RST. */
static async(void) peer_reset(struct pc *p, long slept) {
  (void)slept;
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  CHECK_SYS(setsockopt(p->w, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  CHECK_SYS(close(p->w));
  return weft_return(void);
}

static async(void) accepted(struct pc *p, int fd) {
  p->w = fd;
  return weft_bind(weft_sleep_ms(10), peer_reset, p);
}

static async(void) connected(struct pc *p) { return weft_catch(read_more(p), read_failed, p); }

int main(void) {
  int fds[2];

  test_pipe(fds);
  clean_close_case(fds[0], fds[1]);

  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
  clean_close_case(fds[0], fds[1]);

  /* TCP reset while the client waits in weft_read. */
  struct pc p = {0};
  int lfd = weft_tcp_listen(NULL, 0);
  CHECK_INT_GE(lfd, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  addr.sin_port = htons((unsigned short)weft_tcp_port(lfd));
  p.r = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_INT_GE(p.r, 0);
  CHECK_INT_EQ(weft_run(weft_join(weft_bind(weft_accept(lfd), accepted, &p),
                                  weft_then(weft_connect(p.r, (struct sockaddr *)&addr, sizeof addr), connected, &p)),
                        NULL),
               0);
  CHECK_INT_EQ(p.err, -ECONNRESET);
  CHECK_TRUE(!p.eof);
  CHECK_SYS(close(p.r));
  CHECK_SYS(close(lfd));
  return 0;
}
