/* tcp.c: weft_tcp_listen, weft_tcp_port, weft_accept, weft_connect and weft_close over real loopback TCP.
 * Proves: bytes both ways, accepted fds non-blocking and close-on-exec, EOF on close, refused and invalid connects. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <weft.h>

#include "check.h"
#include "support.h"

struct net {
  int listen_fd;
  int client_fd;
  int conn_fd;
  struct sockaddr_in addr;
  char server_got[16];
  char client_got[16];
  bool client_saw_eof;
};

static async(void) server_close(struct net *n) { return weft_close(n->conn_fd); }

static async(void) server_reply(struct net *n, char *s) {
  memcpy(n->server_got, s, weft_str_len(s) + 1);
  return weft_then(weft_write(n->conn_fd, "world", 5), server_close, n);
}

static async(void) server_got_conn(struct net *n, int fd) {
  CHECK_INT_GE(fd, 0);
  CHECK_TRUE(test_fd_nonblocking(fd));
  CHECK_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  n->conn_fd = fd;
  return weft_bind(weft_read(fd, 5), server_reply, n);
}

static async(void) client_eof(struct net *n, char *s) {
  n->client_saw_eof = weft_str_len(s) == 0;
  return weft_close(n->client_fd);
}

static async(void) client_got(struct net *n, char *s) {
  memcpy(n->client_got, s, weft_str_len(s) + 1);
  /* The server closes after its reply: the next read is end of input. */
  return weft_bind(weft_read(n->client_fd, 16), client_eof, n);
}

static async(str) client_read(struct net *n) { return weft_read(n->client_fd, 5); }

static async(void) client_send(struct net *n) {
  return weft_bind(weft_then(weft_write(n->client_fd, "hello", 5), client_read, n), client_got, n);
}

int main(void) {
  struct net n = {0};

  n.listen_fd = weft_tcp_listen(NULL, 0);
  CHECK_INT_GE(n.listen_fd, 0);
  int port = weft_tcp_port(n.listen_fd);
  CHECK_INT_GT(port, 0);
  CHECK_INT_LE(port, 65535);

  n.client_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_INT_GE(n.client_fd, 0);
  n.addr.sin_family = AF_INET;
  n.addr.sin_port = htons((unsigned short)port);
  n.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  CHECK_INT_EQ(weft_run(weft_join(weft_bind(weft_accept(n.listen_fd), server_got_conn, &n),
                                  weft_then(weft_connect(n.client_fd, (struct sockaddr *)&n.addr, sizeof n.addr),
                                            client_send, &n)),
                        NULL),
               0);
  CHECK_STR_EQ(n.server_got, "hello");
  CHECK_STR_EQ(n.client_got, "world");
  CHECK_TRUE(n.client_saw_eof);
  /* weft_close really closed both ends. */
  CHECK_INT_EQ(fcntl(n.conn_fd, F_GETFD), -1);
  CHECK_INT_EQ(fcntl(n.client_fd, F_GETFD), -1);

  /* An accepted fd is weft's creation: it stays non-blocking after the loop. */
  int c2 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), accepted = -1;
  CHECK_INT_GE(c2, 0);
  CHECK_SYS(connect(c2, (struct sockaddr *)&n.addr, sizeof n.addr));
  CHECK_INT_EQ(weft_run(weft_accept(n.listen_fd), &accepted), 0);
  CHECK_INT_GE(accepted, 0);
  CHECK_TRUE(test_fd_nonblocking(accepted));
  CHECK_SYS(close(accepted));
  CHECK_SYS(close(c2));

  /* Nothing listens on the port once the listener is closed. */
  CHECK_SYS(close(n.listen_fd));
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_INT_GE(fd, 0);
  CHECK_INT_EQ(weft_run(weft_connect(fd, (struct sockaddr *)&n.addr, sizeof n.addr), NULL), -ECONNREFUSED);
  CHECK_SYS(close(fd));

  /* The address is copied when the action is built: changing it before
   * the loop runs does not matter. */
  int l4 = weft_tcp_listen(NULL, 0);
  CHECK_INT_GE(l4, 0);
  struct sockaddr_in to = n.addr;
  to.sin_port = htons((unsigned short)weft_tcp_port(l4));
  fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_INT_GE(fd, 0);
  async(void) dial = weft_connect(fd, (struct sockaddr *)&to, sizeof to);
  memset(&to, 0, sizeof to);
  CHECK_INT_EQ(weft_run(dial, NULL), 0);
  CHECK_SYS(close(fd));
  CHECK_SYS(close(l4));

  /* A missing or oversized address is refused. */
  fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_INT_GE(fd, 0);
  CHECK_INT_EQ(weft_run(weft_connect(fd, NULL, sizeof n.addr), NULL), -EINVAL);
  CHECK_INT_EQ(weft_run(weft_connect(fd, (struct sockaddr *)&n.addr, 0), NULL), -EINVAL);
  CHECK_SYS(close(fd));

  /* The helpers report bad input as negative codes. */
  CHECK_INT_LT(weft_tcp_listen("not-an-address", 0), 0);
  CHECK_INT_LT(weft_tcp_port(-1), 0);

  /* An explicit IPv4 host and port: the port asked for is the port bound. */
  /* A free port is found by binding port 0 and closing; someone else may
   * take it meanwhile, so a few ports are tried, but one must work: the
   * check is never skipped. */
  int l3 = -1, p2 = 0;
  for (int attempt = 0; attempt < 5 && l3 < 0; attempt++) {
    int l2 = weft_tcp_listen("127.0.0.1", 0);
    CHECK_INT_GE(l2, 0);
    p2 = weft_tcp_port(l2);
    CHECK_SYS(close(l2));
    l3 = weft_tcp_listen("127.0.0.1", p2);
  }
  CHECK_INT_GE(l3, 0);
  CHECK_INT_EQ(weft_tcp_port(l3), p2);
  CHECK_SYS(close(l3));
  return 0;
}
