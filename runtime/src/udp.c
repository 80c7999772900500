/* udp.c: datagrams (weft_udp_bind, weft_recvfrom, weft_sendto) and weft_shutdown, run through io.c's fd queues.
 * Covered by test/runtime/udp.c (addresses, truncation, empty datagrams, ECONNREFUSED, close) and test/runtime/shutdown.c.
 *
 * Each action is a wait of its own kind (WEFT__K_EVENT) whose attempt hands
 * one socket call to io.c (weft__io_queued): the fd's queue, its generation
 * and the readiness wait are io.c's, so a receive waits its turn behind
 * weft_reads of the same fd and a weft_close fails it with -EBADF, exactly
 * as for the primitives io.c implements itself. */
#include "internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <unistd.h>

/* A receive asks for at most this much (weft_read's limit): larger than any
 * UDP datagram, and a bound on the scratch buffer a huge n would grow. */
#define RECV_MAX ((size_t)1 << 20)

/* What one action needs, in u.ev.obj: freed with the node. */
struct dgram {
  int fd;
  int how;                   /* weft_shutdown */
  int type;                  /* weft_recvfrom: the socket's SO_TYPE, 0 until asked */
  size_t n;                  /* weft_recvfrom: at most this many bytes */
  weft_datagram_t *info;     /* weft_recvfrom: where to tell about the datagram, or NULL */
  const char *buf;           /* weft_sendto */
  size_t len;
  socklen_t addr_len;        /* weft_sendto: 0 for the connected peer */
  struct sockaddr_storage addr;
};

static void dgram_release(struct weft__node *op) {
  free(op->u.ev.obj);
}

static struct weft__node *dgram_node(const struct weft__event_ops *ops, struct dgram **d) {
  *d = calloc(1, sizeof **d);
  if (*d == NULL) abort();
  struct weft__node *n = weft__node_new(WEFT__K_EVENT);
  n->u.ev.ops = ops;
  n->u.ev.obj = *d;
  return n;
}

/* ---- weft_recvfrom ---------------------------------------------------- */

/* MSG_TRUNC makes a datagram socket report the datagram's whole length; a
 * stream socket would instead discard the bytes, so it is asked for only
 * once the socket is known not to be one. */
static int recv_call(struct weft__fiber *f, struct weft__node *op, int fd) {
  struct dgram *d = op->u.ev.obj;
  if (d->type == 0) {
    socklen_t tl = sizeof d->type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &d->type, &tl) < 0) return -errno;
  }
  char *buf = weft__read_scratch(d->n);
  struct sockaddr_storage from;
  socklen_t from_len = sizeof from;
  int flags = MSG_DONTWAIT | (d->type == SOCK_STREAM ? 0 : MSG_TRUNC);
  ssize_t r = recvfrom(fd, buf, d->n, flags, (struct sockaddr *)&from, &from_len);
  if (r < 0) return -errno;
  if (d->info != NULL) {
    memset(&d->info->from, 0, sizeof d->info->from);
    if (from_len > sizeof from) from_len = sizeof from;
    memcpy(&d->info->from, &from, from_len);
    d->info->from_len = from_len;
    d->info->size = (size_t)r;
  }
  return weft__read_done(f, buf, (size_t)r < d->n ? (size_t)r : d->n);
}

static int recv_attempt(struct weft__fiber *f, struct weft__node *op) {
  struct dgram *d = op->u.ev.obj;
  return weft__io_queued(f, d->fd, WEFT__IO_READ, recv_call);
}

static const struct weft__event_ops recv_ops = {"weft_recvfrom", recv_attempt, NULL, dgram_release};

WEFT_BOUNDARY async(str) weft_recvfrom(int fd, size_t n, weft_datagram_t *info) {
  if (n == 0) return weft_fail(str, -EINVAL);
  struct dgram *d;
  struct weft__node *node = dgram_node(&recv_ops, &d);
  d->fd = fd;
  d->n = n < RECV_MAX ? n : RECV_MAX;
  d->info = info;
  return (async(str)){.node_ = node};
}

/* ---- weft_sendto ------------------------------------------------------ */

/* A datagram goes whole in one call; on a stream socket a partial send
 * goes on from where it stopped (f->op_done), as weft_write does. */
static int send_call(struct weft__fiber *f, struct weft__node *op, int fd) {
  struct dgram *d = op->u.ev.obj;
  const struct sockaddr *to = d->addr_len ? (const struct sockaddr *)&d->addr : NULL;
  ssize_t r = sendto(fd, d->buf + f->op_done, d->len - f->op_done, MSG_DONTWAIT | MSG_NOSIGNAL, to, d->addr_len);
  if (r < 0) return -errno;
  f->op_done += (size_t)r;
  if (f->op_done < d->len) return -EAGAIN;
  return weft__op_done(f, 0);
}

static int send_attempt(struct weft__fiber *f, struct weft__node *op) {
  struct dgram *d = op->u.ev.obj;
  return weft__io_queued(f, d->fd, WEFT__IO_WRITE, send_call);
}

static const struct weft__event_ops send_ops = {"weft_sendto", send_attempt, NULL, dgram_release};

WEFT_BOUNDARY async(void) weft_sendto(int fd, const char *buf, size_t len, const struct sockaddr *addr,
                                      socklen_t addr_len) {
  if (addr_len > sizeof(struct sockaddr_storage) || (addr == NULL && addr_len != 0) || (buf == NULL && len != 0))
    return weft_fail(-EINVAL);
  struct dgram *d;
  struct weft__node *node = dgram_node(&send_ops, &d);
  d->fd = fd;
  d->buf = buf;
  d->len = len;
  d->addr_len = addr != NULL ? addr_len : 0;
  if (d->addr_len) memcpy(&d->addr, addr, addr_len);
  return (async(void)){.node_ = node};
}

/* ---- weft_shutdown ---------------------------------------------------- */

static int shutdown_call(struct weft__fiber *f, struct weft__node *op, int fd) {
  struct dgram *d = op->u.ev.obj;
  return shutdown(fd, d->how) < 0 ? -errno : weft__op_done(f, 0);
}

/* SHUT_RD must not wait behind the reads it is meant to end. */
static int shutdown_attempt(struct weft__fiber *f, struct weft__node *op) {
  struct dgram *d = op->u.ev.obj;
  if (d->how == SHUT_RD) return shutdown(d->fd, SHUT_RD) < 0 ? weft__op_failed(f, -errno) : weft__op_done(f, 0);
  return weft__io_queued(f, d->fd, WEFT__IO_WRITE, shutdown_call);
}

static const struct weft__event_ops shutdown_ops = {"weft_shutdown", shutdown_attempt, NULL, dgram_release};

WEFT_BOUNDARY async(void) weft_shutdown(int fd, int how) {
  if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) return weft_fail(-EINVAL);
  struct dgram *d;
  struct weft__node *node = dgram_node(&shutdown_ops, &d);
  d->fd = fd;
  d->how = how;
  return (async(void)){.node_ = node};
}

/* ---- weft_udp_bind ---------------------------------------------------- */

int weft_udp_bind(const char *host, int port) {
  struct sockaddr_storage ss;
  socklen_t len;
  if (port < 0 || port > 65535) return -EINVAL;
  if (host == NULL) host = "127.0.0.1";
  if (!sockaddr_numeric(host, port, &ss, &len)) return -EINVAL;
  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
    int err = -errno;
    close(fd);
    return err;
  }
  return fd;
}
