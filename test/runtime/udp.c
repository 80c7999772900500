/* udp.c: weft_udp_bind, weft_recvfrom and weft_sendto over real loopback UDP sockets.
 * Proves: the sender's address, truncation reported by size, empty datagrams, FIFO receives, ECONNREFUSED, close fails a receive. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <weft.h>

#include "check.h"
#include "support.h"

struct ctx {
  int a, b;                     /* two bound sockets */
  struct sockaddr_in a_addr, b_addr;
  weft_datagram_t info[2];
  char got[2][32];
  size_t got_len[2];
  int err;
};

static struct sockaddr_in local_addr(int fd) {
  struct sockaddr_in sin;
  socklen_t len = sizeof sin;
  CHECK_INT_EQ(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
  return sin;
}

static async(void) keep0(struct ctx *c, char *s) {
  c->got_len[0] = weft_str_len(s);
  memcpy(c->got[0], s, c->got_len[0] + 1);
  return weft_return(void);
}

static async(void) keep1(struct ctx *c, char *s) {
  c->got_len[1] = weft_str_len(s);
  memcpy(c->got[1], s, c->got_len[1] + 1);
  return weft_return(void);
}

static async(void) caught(struct ctx *c, int err) {
  c->err = err;
  return weft_return(void);
}

/* b receives what a sends: bytes, a's address and the size. */
static void one_datagram(struct ctx *c) {
  CHECK_INT_EQ(weft_run(weft_join(weft_bind(weft_recvfrom(c->b, 32, &c->info[0]), keep0, c),
                                  weft_sendto(c->a, "hello", 5, (struct sockaddr *)&c->b_addr, sizeof c->b_addr)),
                        NULL),
               0);
  CHECK_STR_EQ(c->got[0], "hello");
  CHECK_UINT_EQ(c->got_len[0], 5);
  CHECK_UINT_EQ(c->info[0].size, 5);
  CHECK_UINT_EQ(c->info[0].from_len, sizeof(struct sockaddr_in));
  const struct sockaddr_in *from = (const struct sockaddr_in *)&c->info[0].from;
  CHECK_INT_EQ(from->sin_family, AF_INET);
  CHECK_INT_EQ(from->sin_port, c->a_addr.sin_port);
  CHECK_INT_EQ(from->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
}

/* A datagram longer than n is cut to n bytes; info->size says how long it
 * was.  The bytes may hold NULs. */
static void truncated(struct ctx *c) {
  static const char ten[10] = {'a', 'b', 0, 'd', 'e', 'f', 'g', 'h', 'i', 'j'};
  CHECK_INT_EQ(weft_run(weft_join(weft_sendto(c->a, ten, 10, (struct sockaddr *)&c->b_addr, sizeof c->b_addr),
                                  weft_bind(weft_recvfrom(c->b, 4, &c->info[0]), keep0, c)),
                        NULL),
               0);
  CHECK_UINT_EQ(c->got_len[0], 4);
  CHECK_TRUE(memcmp(c->got[0], ten, 4) == 0);
  CHECK_UINT_EQ(c->info[0].size, 10);
  /* The rest was dropped: the next datagram is the next one sent. */
  CHECK_INT_EQ(weft_run(weft_join(weft_sendto(c->a, "next", 4, (struct sockaddr *)&c->b_addr, sizeof c->b_addr),
                                  weft_bind(weft_recvfrom(c->b, 32, &c->info[0]), keep0, c)),
                        NULL),
               0);
  CHECK_STR_EQ(c->got[0], "next");
  CHECK_UINT_EQ(c->info[0].size, 4);
}

/* An empty datagram arrives as "" with size 0, from its sender; the socket
 * goes on (it is not an end of input). */
static void empty(struct ctx *c) {
  c->info[0].size = 99;
  CHECK_INT_EQ(weft_run(weft_join(weft_sendto(c->a, "", 0, (struct sockaddr *)&c->b_addr, sizeof c->b_addr),
                                  weft_bind(weft_recvfrom(c->b, 32, &c->info[0]), keep0, c)),
                        NULL),
               0);
  CHECK_UINT_EQ(c->got_len[0], 0);
  CHECK_UINT_EQ(c->info[0].size, 0);
  CHECK_INT_EQ(((const struct sockaddr_in *)&c->info[0].from)->sin_port, c->a_addr.sin_port);
}

/* Two receives waiting on one socket are served in the order they began. */
static async(void) send_second(struct ctx *c) {
  return weft_sendto(c->a, "second", 6, (struct sockaddr *)&c->b_addr, sizeof c->b_addr);
}

static async(void) send_two(struct ctx *c) {
  return weft_then(weft_sendto(c->a, "first", 5, (struct sockaddr *)&c->b_addr, sizeof c->b_addr), send_second, c);
}

static async(void) send_two_later(struct ctx *c, long slept) {
  (void)slept;
  return send_two(c);
}

static void fifo(struct ctx *c) {
  CHECK_INT_EQ(weft_run(weft_join(weft_join(weft_bind(weft_recvfrom(c->b, 32, &c->info[0]), keep0, c),
                                            weft_bind(weft_recvfrom(c->b, 32, &c->info[1]), keep1, c)),
                                  weft_bind(weft_sleep_ms(5), send_two_later, c)),
                        NULL),
               0);
  CHECK_STR_EQ(c->got[0], "first");
  CHECK_STR_EQ(c->got[1], "second");
}

/* A connected UDP socket whose datagram met a closed port: the kernel's
 * ICMP answer fails the next receive with -ECONNREFUSED, once. */
static async(void) recv_after_send(struct ctx *c, int fd) {
  return weft_catch(weft_bind(weft_recvfrom(fd, 32, NULL), keep0, c), caught, c);
}

static async(void) refused_then(struct ctx *c) {
  return recv_after_send(c, c->a);
}

static void refused(struct ctx *c) {
  int gone = weft_udp_bind(NULL, 0);
  CHECK_INT_GE(gone, 0);
  struct sockaddr_in gone_addr = local_addr(gone);
  close(gone);
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); /* blocking: weft's calls are non-blocking anyway */
  CHECK_INT_GE(s, 0);
  CHECK_INT_EQ(connect(s, (struct sockaddr *)&gone_addr, sizeof gone_addr), 0);
  int saved = c->a;
  c->a = s;
  c->err = 0;
  CHECK_INT_EQ(weft_run(weft_then(weft_sendto(s, "x", 1, NULL, 0), refused_then, c), NULL), 0);
  CHECK_INT_EQ(c->err, -ECONNREFUSED);
  close(s);
  c->a = saved;
}

/* weft_close of the socket fails a receive waiting on it with -EBADF. */
static async(void) close_b(struct ctx *c, long slept) {
  (void)slept;
  return weft_close(c->b);
}

static void closed(struct ctx *c) {
  c->err = 0;
  CHECK_INT_EQ(weft_run(weft_join(weft_catch(weft_bind(weft_recvfrom(c->b, 32, NULL), keep0, c), caught, c),
                                  weft_bind(weft_sleep_ms(5), close_b, c)),
                        NULL),
               0);
  CHECK_INT_EQ(c->err, -EBADF);
}

int main(void) {
  struct ctx c = {0};
  c.a = weft_udp_bind(NULL, 0);
  c.b = weft_udp_bind("127.0.0.1", 0);
  CHECK_INT_GE(c.a, 0);
  CHECK_INT_GE(c.b, 0);
  CHECK_TRUE(test_fd_nonblocking(c.a));
  CHECK_TRUE(fcntl(c.a, F_GETFD) & FD_CLOEXEC);
  CHECK_INT_GT(weft_tcp_port(c.b), 0);
  c.a_addr = local_addr(c.a);
  c.b_addr = local_addr(c.b);
  CHECK_INT_EQ(weft_udp_bind("localhost", 0), -EINVAL); /* numeric only */
  CHECK_INT_EQ(weft_udp_bind(NULL, 70000), -EINVAL);

  one_datagram(&c);
  truncated(&c);
  empty(&c);
  fifo(&c);
  refused(&c);
  CHECK_INT_EQ(weft_run(weft_recvfrom(c.b, 0, NULL), NULL), -EINVAL);
  CHECK_INT_EQ(weft_run(weft_sendto(c.a, "x", 1, NULL, sizeof(struct sockaddr_storage) + 1), NULL), -EINVAL);
  int p[2];
  CHECK_INT_EQ(pipe2(p, O_CLOEXEC), 0);
  CHECK_INT_EQ(weft_run(weft_recvfrom(p[0], 8, NULL), NULL), -ENOTSOCK);
  CHECK_INT_EQ(weft_run(weft_sendto(p[1], "x", 1, NULL, 0), NULL), -ENOTSOCK);
  close(p[0]);
  close(p[1]);
  closed(&c);
  CHECK_INT_EQ(weft_run(weft_close(c.a), NULL), 0);
  return 0;
}
