/* echo_server: a TCP echo server on 127.0.0.1, one fiber per client, each echoing until EOF.
 * Covered by test/examples/echo_server.py.  Usage: echo_server [port] [--exit-after N] */
#include <errno.h>
#include <stdlib.h>
#include <weft.h>

#include "tcp_server.h"

struct client {
  int fd;
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

static async(void) client_done(struct client *c)
{
  free(c);
  return weft_return(void);
}

/* One connection: echo fd (the server reports a failure and closes fd) */
static async(void) connection(struct tcp_server *s, int fd)
{
  (void)s;
  struct client *c = malloc(sizeof *c);
  if (!c)
    return weft_fail(-ENOMEM);
  *c = (struct client){.fd = fd};
  return weft_finally(echo(c), client_done, c);
}

int main(int argc, char **argv)
{
  struct tcp_server s = {.name = "echo_server", .connection = connection};
  return tcp_server_main(&s, argc, argv);
}
