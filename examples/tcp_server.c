/* tcp_server.c: the accept loop the example servers share (see tcp_server.h).
 * Covered by test/examples/echo_server.py and http_hello.py. */
#include "tcp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static async(void) serve(struct tcp_server *s);

/* What the server keeps of one connection. */
struct tcp_conn {
  struct tcp_server *server;
  int fd;
  char msg[128]; /* a failure report, written to stderr */
  _Alignas(max_align_t) unsigned char state[]; /* the server's per-connection state */
};

static async(void) connection_failed(struct tcp_conn *c, int err)
{
  int n = snprintf(c->msg, sizeof c->msg, "%s: client %d: %s\n", c->server->name, c->fd, strerror(-err));
  return weft_write(STDERR_FILENO, c->msg, (size_t)n);
}

static async(void) connection_done(struct tcp_conn *c)
{
  int fd = c->fd;
  if (--c->server->active == 0)
    weft_cond_broadcast(c->server->idle); /* a draining server may finish */
  free(c);
  return weft_close(fd);
}

/* accept lfd >>= fun fd -> spawn (finally (catch (connection fd) report) (close fd)); serve () */
static async(void) accepted(struct tcp_server *s, int fd)
{
  s->accepted++;
  struct tcp_conn *c = calloc(1, sizeof *c + s->state_size);
  if (!c) /* no memory for this connection: turn it away, serve the others */
    return weft_then(weft_close(fd), serve, s);
  c->server = s;
  c->fd = fd;
  s->active++;
  weft_spawn(weft_finally(weft_catch(s->connection(c->state, fd), connection_failed, c), connection_done, c));
  return serve(s);
}

/* After the last accepted connection, the ones still open finish before the
 * server returns: wait until the last one signals that none is left. */
static async(void) drain(struct tcp_server *s)
{
  if (s->active == 0)
    return weft_close(s->listen_fd);
  return weft_then(weft_cond_wait(s->idle), drain, s);
}

/* let rec serve () = accept lfd >>= ... */
static async(void) serve(struct tcp_server *s)
{
  if (s->exit_after > 0 && s->accepted >= s->exit_after)
    return drain(s);
  return weft_bind(weft_accept(s->listen_fd), accepted, s);
}

int tcp_server_main(struct tcp_server *s, int argc, char **argv)
{
  int port = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--exit-after") == 0 && i + 1 < argc)
      s->exit_after = atol(argv[++i]);
    else if (argv[i][0] != '-')
      port = atoi(argv[i]);
    else {
      fprintf(stderr, "usage: %s [port] [--exit-after N]\n", s->name);
      return 2;
    }
  }
  s->listen_fd = weft_tcp_listen(NULL, port);
  if (s->listen_fd < 0) {
    fprintf(stderr, "%s: listen: %s\n", s->name, strerror(-s->listen_fd));
    return 1;
  }
  printf("listening on 127.0.0.1:%d\n", weft_tcp_port(s->listen_fd));
  fflush(stdout);
  s->idle = weft_cond_new();
  if (!s->idle) {
    fprintf(stderr, "%s: out of memory\n", s->name);
    return 1;
  }
  int rc = weft_run(serve(s), NULL);
  weft_cond_free(s->idle);
  if (rc < 0) {
    fprintf(stderr, "%s: %s\n", s->name, strerror(-rc));
    return 1;
  }
  return 0;
}
