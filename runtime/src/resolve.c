/* resolve.c: names: weft_getaddrinfo on the worker pool, weft_tcp_connect and weft_tcp_listen_name over it, weft_strerror.
 * Covered by test/runtime/resolve.c (localhost, numeric, /etc/hosts, a name that does not resolve, each address in turn). */
#include "pool.h"

#include <errno.h>
#include <netdb.h>
#include <unistd.h>

const char *weft_strerror(int err) {
  if (err <= WEFT_EAI(0) && err > WEFT_EAI(-1000)) return gai_strerror(err - WEFT_EAI(0));
  return strerror(-err);
}

/* ---- weft_getaddrinfo ------------------------------------------------- */

struct gai_job {
  struct weft__job job;
  char *host, *service;
  bool has_hints;
  struct addrinfo hints;
  struct addrinfo *list;
};

static int eai_failure(int eai) {
  if (eai == EAI_SYSTEM) return errno ? -errno : -EIO;
  if (eai == EAI_MEMORY) return -ENOMEM;
  return WEFT_EAI(eai);
}

static void gai_work(struct weft__job *j) {
  struct gai_job *g = (struct gai_job *)j;
  errno = 0;
  int r = getaddrinfo(g->host, g->service, g->has_hints ? &g->hints : NULL, &g->list);
  if (r != 0) {
    j->err = eai_failure(r);
    g->list = NULL;
  }
}

static void gai_free_inputs(struct gai_job *g) {
  free(g->host);
  free(g->service);
}

static int gai_deliver(struct weft__fiber *f, struct weft__job *j) {
  struct gai_job *g = (struct gai_job *)j;
  gai_free_inputs(g);
  if (j->err) return weft__op_failed(f, j->err);
  return weft__op_done(f, (uintptr_t)g->list); /* the caller's now */
}

static void gai_discard(struct weft__job *j, bool ran) {
  struct gai_job *g = (struct gai_job *)j;
  (void)ran;
  gai_free_inputs(g);
  if (g->list != NULL) freeaddrinfo(g->list);
}

static const struct weft__job_ops gai_ops = WEFT__JOB_OPS("weft_getaddrinfo", gai_work, gai_deliver, gai_discard, NULL);

static char *copy_str(const char *s) {
  if (s == NULL) return NULL;
  char *c = strdup(s);
  if (c == NULL) abort();
  return c;
}

WEFT_BOUNDARY async(ptr) weft_getaddrinfo(const char *host, const char *service, const struct addrinfo *hints) {
  if (host == NULL && service == NULL) return weft_fail(ptr, WEFT_EAI(EAI_NONAME));
  struct gai_job *g = weft__job_new(&gai_ops, sizeof *g);
  g->host = copy_str(host);
  g->service = copy_str(service);
  if (hints != NULL) {
    /* Only these fields of hints mean anything to getaddrinfo. */
    g->has_hints = true;
    g->hints.ai_flags = hints->ai_flags;
    g->hints.ai_family = hints->ai_family;
    g->hints.ai_socktype = hints->ai_socktype;
    g->hints.ai_protocol = hints->ai_protocol;
  }
  return (async(ptr)){.node_ = weft__job_node(&g->job)};
}

/* ---- weft_tcp_connect ------------------------------------------------- */

/* One connect: the resolved list, the address to try next, the socket being
 * connected (-1 when none) and the failure of the last try.  Freed by the
 * finaliser, which also closes a socket a cancellation left behind. */
struct connect_state {
  struct addrinfo *list, *next;
  int fd;
  int last_err;
};

static async(int) try_next(struct connect_state *c);

static async(int) connected(struct connect_state *c) {
  int fd = c->fd;
  c->fd = -1;
  return weft_return(int, fd);
}

static async(void) ignore_failure(void *unused, int err) {
  (void)unused;
  (void)err;
  return weft_return(void);
}

static async(int) connect_failed(struct connect_state *c, int err) {
  int fd = c->fd;
  c->fd = -1;
  c->last_err = err;
  return weft_then(weft_catch(weft_close(fd), ignore_failure, NULL), try_next, c);
}

/* A socket that cannot even be made (a family the host lacks) counts as
 * that address's failure; the next is tried in the same step. */
static async(int) try_next(struct connect_state *c) {
  while (c->next != NULL) {
    struct addrinfo *ai = c->next;
    c->next = ai->ai_next;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      c->last_err = -errno;
      continue;
    }
    c->fd = fd;
    return weft_catch(weft_then(weft_connect(fd, ai->ai_addr, ai->ai_addrlen), connected, c), connect_failed, c);
  }
  return weft_fail(int, c->last_err);
}

static async(int) resolved(struct connect_state *c, void *list) {
  c->list = list;
  c->next = list;
  return try_next(c);
}

static async(void) connect_end(struct connect_state *c) {
  int fd = c->fd;
  if (c->list != NULL) freeaddrinfo(c->list);
  free(c);
  if (fd < 0) return weft_return(void);
  return weft_catch(weft_close(fd), ignore_failure, NULL);
}

static async(ptr) resolve_tcp(const char *host, int port, int flags) {
  char service[8];
  snprintf(service, sizeof service, "%d", port);
  struct addrinfo hints = {.ai_flags = flags | AI_NUMERICSERV, .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  return weft_getaddrinfo(host, service, &hints);
}

WEFT_BOUNDARY async(int) weft_tcp_connect(const char *host, int port) {
  if (port < 0 || port > 65535) return weft_fail(int, -EINVAL);
  struct connect_state *c = calloc(1, sizeof *c);
  if (c == NULL) abort();
  c->fd = -1;
  c->last_err = -EHOSTUNREACH;
  return weft_finally(weft_bind(resolve_tcp(host, port, 0), resolved, c), connect_end, c);
}

/* ---- weft_tcp_listen_name --------------------------------------------- */

static int listen_on(const struct addrinfo *ai) {
  int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return -errno;
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
      listen(fd, SOMAXCONN) < 0) {
    int err = -errno;
    close(fd);
    return err;
  }
  return fd;
}

static async(int) listen_resolved(void *unused, void *list) {
  (void)unused;
  int r = -EADDRNOTAVAIL;
  for (struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next)
    if ((r = listen_on(ai)) >= 0) break;
  freeaddrinfo(list);
  return r >= 0 ? weft_return(int, r) : weft_fail(int, r);
}

WEFT_BOUNDARY async(int) weft_tcp_listen_name(const char *host, int port) {
  if (port < 0 || port > 65535) return weft_fail(int, -EINVAL);
  if (host == NULL) host = "localhost"; /* as weft_tcp_listen */
  else if (host[0] == '\0') host = NULL; /* getaddrinfo's "every local address" */
  return weft_bind(resolve_tcp(host, port, AI_PASSIVE), listen_resolved, NULL);
}
