/* tcp_server.h: the accept loop the example servers share: one fiber per connection, --exit-after, shutdown on
 * SIGINT/SIGTERM with a drain deadline, main.  Covered by test/examples/echo_server.py, http_hello.py, shutdown.py
 * and fd_limit.py, which drive both servers through it. */
#ifndef WEFT_EXAMPLES_TCP_SERVER_H
#define WEFT_EXAMPLES_TCP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <weft.h>

/* A program's own option "NAME N" (N a whole number, such as milliseconds). */
struct tcp_option {
  const char *name;     /* "--header-timeout" */
  const char *arg;      /* what N is, for the usage line: "MS" */
  long *value;          /* where N goes; it keeps its default if the option is not given */
};

struct tcp_conn;

struct tcp_server {
  const char *name; /* the program's name, for messages */
  /* The action that serves one accepted connection, in a fiber of its own,
   * given state_size zeroed bytes of its own.  When it ends the server frees
   * them and closes fd; if it failed (a reset, say), the failure is reported
   * on stderr and the server goes on. */
  async(void) (*connection)(void *state, int fd);
  /* Called for every open connection when the server begins to shut down:
   * finish what is in flight, then end (an idle keep-alive connection may
   * end at once).  NULL: connections run until they end by themselves or
   * the drain deadline passes. */
  void (*stop)(void *state, int fd);
  size_t state_size;
  const struct tcp_option *options; /* the program's own options, up to one with name NULL; or NULL */
  int listen_fd;
  long exit_after;  /* stop accepting after this many connections; 0: never */
  long drain_ms;    /* at SIGINT/SIGTERM, how long open connections may take to finish */
  long accepted;
  long active;      /* connections being served */
  bool stopping;    /* a shutdown has begun */
  struct tcp_conn *conns; /* the connections being served */
  weft_cond_t *idle; /* broadcast when active drops to 0 */
};

/* Parses "[port] [--exit-after N] [--drain-timeout MS]" and the program's own
 * options, listens on 127.0.0.1, prints "listening on 127.0.0.1:PORT" and
 * serves until done: after N connections, or at SIGINT or SIGTERM, when it
 * stops accepting, asks every connection to stop, waits up to the drain
 * timeout (10 s by default) for them to finish and returns 0.  SIGINT and
 * SIGTERM stay blocked in the calling thread (a second one during the drain
 * changes nothing).  Returns main's status. */
mayyield int tcp_server_main(struct tcp_server *s, int argc, char **argv);

#endif
