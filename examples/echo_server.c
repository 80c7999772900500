/* echo_server: a TCP echo server on 127.0.0.1, one fiber per client, each echoing until EOF.
 * Covered by test/examples/echo_server.py.  Usage: echo_server [port] [--exit-after N] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

#include "tcp_server.h"

struct client {
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
  free(c);
  return weft_close(fd);
}

/* One connection: spawn (finally (catch (echo fd) report) (close fd)) */
static async(void) connection(struct tcp_server *s, int fd)
{
  (void)s;
  struct client *c = malloc(sizeof *c);
  if (!c) /* no memory for this client: turn it away, serve the others */
    return weft_close(fd);
  *c = (struct client){.fd = fd};
  return weft_finally(weft_catch(echo(c), client_failed, c), client_done, c);
}

int main(int argc, char **argv)
{
  struct tcp_server s = {.name = "echo_server", .connection = connection};
  return tcp_server_main(&s, argc, argv);
}
