/* conn_table.c: an echo server whose fibers share one connection table, updated
 * without locks inside noyield helpers; a demo client load runs against it.
 * Checked clean by test/plugin/conn-table.c, which also rejects a one-line refactor of it. */
#include <weft.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Messages for the operator go to stderr through the loop, like any write. */
static async(void) say(const char *msg) {
  return weft_write(STDERR_FILENO, msg, strlen(msg));
}

/* Tells the operator, from a fiber of its own, that a client was turned away.
 * It spawns, so the checker infers it mayyield: the noyield table helpers
 * below must never call it. */
static void warn_full(void) {
  weft_spawn(say("conn_table: table full, connection refused\n"));
}

/* ------------------------------------------------------------------------
 * The table.  Every fiber of the server reads and writes it, and there is no
 * lock: a fiber only loses the thread when it yields, so a function that
 * cannot yield runs as one atomic step.  The helpers below are marked
 * noyield, and the checker proves it, so a later edit that makes one of them
 * yield (and so opens a window for another fiber to see a half-updated slot)
 * fails to compile instead of corrupting the table under load.
 * ---------------------------------------------------------------------- */

enum { TABLE_SIZE = 64, CLIENTS = 16 };

struct conn {
  int fd;
  long bytes;
  bool used;
};

struct conn_table {
  struct conn slots[TABLE_SIZE];
  int live;       /* slots in use now */
  int peak;       /* the most slots ever in use at once */
  long accepted;  /* connections ever admitted */
  long refused;   /* connections turned away because the table was full */
  long bytes;     /* bytes echoed, all connections together */
};

static struct conn_table table;

/* Takes a free slot for fd, or returns NULL when the table is full. */
static noyield struct conn *conn_open(int fd) {
  for (int i = 0; i < TABLE_SIZE; i++) {
    struct conn *c = &table.slots[i];
    if (c->used)
      continue;
    *c = (struct conn){.fd = fd, .used = true};
    table.accepted++;
    if (++table.live > table.peak)
      table.peak = table.live;
    return c;
  }
  table.refused++;
  return NULL;
}

static noyield void conn_count(struct conn *c, size_t n) {
  c->bytes += (long)n;
  table.bytes += (long)n;
}

/* Frees c's slot and hands back its descriptor for the caller to close. */
static noyield int conn_close(struct conn *c) {
  int fd = c->fd;
  c->used = false;
  table.live--;
  return fd;
}

/* ------------------------------------------------------------------------
 * The server: an accept loop that gives each connection a fiber of its own.
 * ---------------------------------------------------------------------- */

struct demo {
  int listen_fd;
  struct sockaddr_in addr;
};

static async(void) serve(struct conn *c);

static async(void) echo(struct conn *c, char *data) {
  size_t n = weft_str_len(data);
  if (n == 0)
    return weft_return(void); /* the peer closed its end */
  conn_count(c, n);
  return weft_then(weft_write(c->fd, data, n), serve, c);
}

static async(void) serve(struct conn *c) {
  return weft_bind(weft_read(c->fd, 512), echo, c);
}

static async(void) conn_release(struct conn *c) {
  return weft_close(conn_close(c));
}

static async(void) accept_loop(struct demo *d);

static async(void) on_client(struct demo *d, int fd) {
  struct conn *c = conn_open(fd);
  if (c == NULL) {
    warn_full();
    return weft_then(weft_close(fd), accept_loop, d);
  }
  async(void) session = weft_finally(serve(c), conn_release, c);
  weft_spawn(session);
  return accept_loop(d);
}

static async(void) accept_loop(struct demo *d) {
  return weft_bind(weft_accept(d->listen_fd), on_client, d);
}

/* ------------------------------------------------------------------------
 * The load: CLIENTS clients at once, each sending one line and waiting for
 * its echo.
 * ---------------------------------------------------------------------- */

static const char ping[] = "ping over a shared table\n";

struct client {
  int fd;
  size_t got;
  char reply[sizeof ping];
};

static async(void) client_recv(struct client *cl);

static async(void) client_check(struct client *cl, char *data) {
  size_t n = weft_str_len(data);
  if (n == 0 || cl->got + n > sizeof ping - 1)
    return weft_fail(-EPROTO);
  memcpy(cl->reply + cl->got, data, n);
  cl->got += n;
  if (cl->got < sizeof ping - 1)
    return client_recv(cl);
  return memcmp(cl->reply, ping, sizeof ping - 1) == 0 ? weft_return(void) : weft_fail(-EPROTO);
}

static async(void) client_recv(struct client *cl) {
  return weft_bind(weft_read(cl->fd, sizeof ping), client_check, cl);
}

static async(void) client_send(struct client *cl) {
  return weft_then(weft_write(cl->fd, ping, sizeof ping - 1), client_recv, cl);
}

static async(void) client_done(struct client *cl) {
  int fd = cl->fd;
  free(cl);
  return weft_close(fd);
}

static async(void) client(struct demo *d) {
  struct client *cl = calloc(1, sizeof *cl);
  if (cl == NULL)
    return weft_fail(-ENOMEM);
  cl->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (cl->fd < 0) {
    int err = -errno;
    free(cl);
    return weft_fail(err);
  }
  async(void) session = weft_then(
      weft_connect(cl->fd, (const struct sockaddr *)&d->addr, sizeof d->addr), client_send, cl);
  return weft_finally(session, client_done, cl);
}

static async(void) clients(struct demo *d, int n) {
  if (n == 1)
    return client(d);
  return weft_join(client(d), clients(d, n - 1));
}

static async(void) demo(struct demo *d) {
  weft_spawn(accept_loop(d));
  return clients(d, CLIENTS);
}

int main(void) {
  struct demo d = {.listen_fd = weft_tcp_listen(NULL, 0)};
  if (d.listen_fd < 0) {
    fprintf(stderr, "conn_table: cannot listen: %s\n", strerror(-d.listen_fd));
    return 1;
  }
  int port = weft_tcp_port(d.listen_fd);
  if (port < 0) {
    fprintf(stderr, "conn_table: cannot read the port: %s\n", strerror(-port));
    close(d.listen_fd);
    return 1;
  }
  d.addr = (struct sockaddr_in){
      .sin_family = AF_INET,
      .sin_port = htons((uint16_t)port),
      .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
  };

  int rc = weft_run(demo(&d), NULL);
  close(d.listen_fd);
  if (rc < 0) {
    fprintf(stderr, "conn_table: %s\n", strerror(-rc));
    return 1;
  }
  printf("conn_table: %ld connections, %ld refused, %ld bytes echoed, at most %d open at once\n",
         table.accepted, table.refused, table.bytes, table.peak);
  return table.bytes == (long)CLIENTS * (long)(sizeof ping - 1) ? 0 : 1;
}
