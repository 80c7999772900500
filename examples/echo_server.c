/* echo_server: a TCP echo server on 127.0.0.1, one fiber per client, each echoing until EOF.
 * Covered by test/examples/echo_server.py.  Usage: echo_server [port] [--exit-after N] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

struct server {
  int listen_fd;
  long exit_after;  /* stop accepting after this many connections; 0: never */
  long accepted;
  long active;      /* clients being served */
};

struct client {
  struct server *server;
  int fd;
  char msg[96];     /* an error report, written to stderr */
};

static async(void) echo(struct client *c);

/*   fun data -> if data = "" then return () else write fd data >>= fun () -> echo fd */
static async(void) echo_data(struct client *c, char *data)
{
  size_t len = weft_str_len(data);
  if (len == 0)
    return weft_return(void);
  return weft_then(weft_write(c->fd, data, len), echo, c);
}

/* let rec echo fd = read fd 4096 >>= ... */
static async(void) echo(struct client *c) { return weft_bind(weft_read(c->fd, 4096), echo_data, c); }

/* A failed client (a reset, say) is reported and forgotten: the server goes on. */
static async(void) client_failed(struct client *c, int err)
{
  int n = snprintf(c->msg, sizeof c->msg, "echo_server: client %d: %s\n", c->fd, strerror(-err));
  return weft_write(STDERR_FILENO, c->msg, (size_t)n);
}

static async(void) client_done(struct client *c)
{
  int fd = c->fd;
  c->server->active--;
  free(c);
  return weft_close(fd);
}

static async(void) serve(struct server *s);

/* accept lfd >>= fun fd -> spawn (finally (catch (echo fd) report) (close fd)); serve () */
static async(void) accepted(struct server *s, int fd)
{
  s->accepted++;
  struct client *c = malloc(sizeof *c);
  if (!c) /* no memory for this client: turn it away, serve the others */
    return weft_then(weft_close(fd), serve, s);
  *c = (struct client){.server = s, .fd = fd};
  s->active++;
  weft_spawn(weft_finally(weft_catch(echo(c), client_failed, c), client_done, c));
  return serve(s);
}

/* After the last accepted connection, the clients still being served finish
 * before the server returns: the runtime has no condition variable, so poll
 * every 10 ms. */
static async(void) drain(struct server *s);
static async(void) drain_tick(struct server *s, long ms)
{
  (void)ms;
  return drain(s);
}
static async(void) drain(struct server *s)
{
  if (s->active == 0)
    return weft_close(s->listen_fd);
  return weft_bind(weft_sleep_ms(10), drain_tick, s);
}

/* let rec serve () = accept lfd >>= ... */
static async(void) serve(struct server *s)
{
  if (s->exit_after > 0 && s->accepted >= s->exit_after)
    return drain(s);
  return weft_bind(weft_accept(s->listen_fd), accepted, s);
}

int main(int argc, char **argv)
{
  struct server s = {0};
  int port = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--exit-after") == 0 && i + 1 < argc)
      s.exit_after = atol(argv[++i]);
    else if (argv[i][0] != '-')
      port = atoi(argv[i]);
    else {
      fprintf(stderr, "usage: echo_server [port] [--exit-after N]\n");
      return 2;
    }
  }
  s.listen_fd = weft_tcp_listen(NULL, port);
  if (s.listen_fd < 0) {
    fprintf(stderr, "echo_server: listen: %s\n", strerror(-s.listen_fd));
    return 1;
  }
  printf("listening on 127.0.0.1:%d\n", weft_tcp_port(s.listen_fd));
  fflush(stdout);
  int rc = weft_run(serve(&s), NULL);
  if (rc < 0) {
    fprintf(stderr, "echo_server: %s\n", strerror(-rc));
    return 1;
  }
  return 0;
}
