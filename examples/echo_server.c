/* echo_server: a TCP echo server on 127.0.0.1, one fiber per client, each echoing until EOF.
 * Covered by test/examples/echo_server.py.  Usage: echo_server [port] [--exit-after N] */
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

/* One connection: echo c (the server reports a failure, closes fd, frees c) */
static async(void) connection(void *state, int fd)
{
  struct client *c = state;
  c->fd = fd;
  return echo(c);
}

int main(int argc, char **argv)
{
  struct tcp_server s = {.name = "echo_server", .connection = connection, .state_size = sizeof(struct client)};
  return tcp_server_main(&s, argc, argv);
}
