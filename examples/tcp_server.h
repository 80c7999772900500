/* tcp_server.h: the accept loop the example servers share: one fiber per connection, --exit-after, drain, main.
 * Covered by test/examples/echo_server.py and http_hello.py, which drive both servers through it. */
#ifndef WEFT_EXAMPLES_TCP_SERVER_H
#define WEFT_EXAMPLES_TCP_SERVER_H

#include <stddef.h>
#include <weft.h>

struct tcp_server {
  const char *name; /* the program's name, for messages */
  /* The action that serves one accepted connection, in a fiber of its own,
   * given state_size zeroed bytes of its own.  When it ends the server frees
   * them and closes fd; if it failed (a reset, say), the failure is reported
   * on stderr and the server goes on. */
  async(void) (*connection)(void *state, int fd);
  size_t state_size;
  int listen_fd;
  long exit_after;  /* stop accepting after this many connections; 0: never */
  long accepted;
  long active;      /* connections being served */
  weft_cond_t *idle; /* broadcast when active drops to 0 */
};

/* Parses "[port] [--exit-after N]", listens on 127.0.0.1, prints
 * "listening on 127.0.0.1:PORT" and serves until done; returns main's status. */
mayyield int tcp_server_main(struct tcp_server *s, int argc, char **argv);

#endif
