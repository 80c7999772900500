/* tcp_server.c: the accept loop the example servers share (see tcp_server.h).
 * Covered by test/examples/echo_server.py, http_hello.py, shutdown.py and fd_limit.py. */
#include "tcp_server.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { DRAIN_MS = 10000 };

static async(int) serve(struct tcp_server *s);

/* What the server keeps of one connection. */
struct tcp_conn {
  struct tcp_server *server;
  struct tcp_conn *prev, *next; /* in server->conns */
  int fd;
  _Alignas(max_align_t) unsigned char state[]; /* the server's per-connection state */
};

enum { MSG_MAX = 128 };

static async(void) report_written(char *msg)
{
  free(msg);
  return weft_return(void);
}

/* The report of a failed connection is allocated when it fails, not kept in
 * every tcp_conn: an idle connection would carry its 128 bytes for nothing
 * (issue 13: they were a fifth of an idle connection's memory).  Without
 * memory for the report, the failure goes unreported. */
static async(void) connection_failed(struct tcp_conn *c, int err)
{
  char *msg = malloc(MSG_MAX);
  if (!msg)
    return weft_return(void);
  int n = snprintf(msg, MSG_MAX, "%s: client %d: %s\n", c->server->name, c->fd, strerror(-err));
  return weft_finally(weft_write(STDERR_FILENO, msg, (size_t)n), report_written, msg);
}

static async(void) connection_done(struct tcp_conn *c)
{
  int fd = c->fd;
  struct tcp_server *s = c->server;
  if (--s->active == 0)
    weft_cond_broadcast(s->idle); /* a draining server may finish */
  if (c->prev)
    c->prev->next = c->next;
  else
    s->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  free(c);
  return weft_close(fd);
}

/* accept lfd >>= fun fd -> spawn (finally (catch (connection fd) report) (close fd)); serve () */
static async(int) accepted(struct tcp_server *s, int fd)
{
  s->accepted++;
  struct tcp_conn *c = calloc(1, sizeof *c + s->state_size);
  if (!c) /* no memory for this connection: turn it away, serve the others */
    return weft_then(weft_close(fd), serve, s);
  c->server = s;
  c->fd = fd;
  c->next = s->conns;
  if (s->conns)
    s->conns->prev = c;
  s->conns = c;
  s->active++;
  weft_spawn(weft_finally(weft_catch(s->connection(c->state, fd), connection_failed, c), connection_done, c));
  return serve(s);
}

/* let rec serve () = accept lfd >>= ...; it produces 0 after the last
 * connection --exit-after allows.  weft_accept never fails for want of
 * descriptors: at the limit it waits until one is free (see weft.h). */
static async(int) serve(struct tcp_server *s)
{
  if (s->exit_after > 0 && s->accepted >= s->exit_after)
    return weft_return(int, 0);
  return weft_bind(weft_accept(s->listen_fd), accepted, s);
}

/* The connections still open finish before the server returns: wait until
 * the last one signals that none is left. */
static async(void) drain(struct tcp_server *s)
{
  if (s->active == 0)
    return weft_return(void);
  return weft_then(weft_cond_wait(s->idle), drain, s);
}

static char report[160];

static async(void) drain_late(struct tcp_server *s, int err)
{
  if (err != -ETIMEDOUT)
    return weft_fail(err);
  int n = snprintf(report, sizeof report, "%s: %ld connection(s) cut at the drain deadline\n", s->name, s->active);
  return weft_write(STDERR_FILENO, report, (size_t)n);
}

/* Open connections get drain_ms to finish; those still open then are
 * cancelled when weft_run returns, which closes them. */
static async(void) drain_within(struct tcp_server *s)
{
  return weft_catch(weft_timeout(drain(s), s->drain_ms), drain_late, s);
}

static async(void) close_listener(struct tcp_server *s)
{
  return weft_close(s->listen_fd);
}

static async(void) listener_closed(struct tcp_server *s)
{
  return weft_then(weft_write(STDERR_FILENO, report, strlen(report)), drain_within, s);
}

/* Either the last connection was accepted (why == 0), or a signal came: stop
 * accepting (new clients are refused), ask the open connections to finish,
 * and give them drain_ms. */
static async(void) stopped(struct tcp_server *s, int why)
{
  if (why == 0)
    return weft_then(drain(s), close_listener, s);
  s->stopping = true;
  if (s->stop)
    for (struct tcp_conn *c = s->conns; c != NULL; c = c->next)
      s->stop(c->state, c->fd);
  snprintf(report, sizeof report, "%s: %s: stopping\n", s->name, why == SIGINT ? "SIGINT" : "SIGTERM");
  return weft_then(weft_close(s->listen_fd), listener_closed, s);
}

/* pick (serve ()) (signal SIGINT <?> signal SIGTERM) >>= stopped: the accept
 * loop is cancelled when a signal comes; the connections are fibers of their
 * own and go on. */
static async(void) run_server(struct tcp_server *s)
{
  async(int) signal = weft_pick(weft_signal(SIGINT), weft_signal(SIGTERM));
  return weft_bind(weft_pick(serve(s), signal), stopped, s);
}

static int usage(const struct tcp_server *s)
{
  fprintf(stderr, "usage: %s [port] [--exit-after N] [--drain-timeout MS]", s->name);
  for (const struct tcp_option *o = s->options; o && o->name; o++)
    fprintf(stderr, " [%s %s]", o->name, o->arg);
  fputc('\n', stderr);
  return 2;
}

/* The value of option argv[i] (a whole number >= 0), or -1. */
static long option_value(int argc, char **argv, int i)
{
  if (i + 1 >= argc)
    return -1;
  char *end;
  long v = strtol(argv[i + 1], &end, 10);
  return *argv[i + 1] != '\0' && *end == '\0' && v >= 0 ? v : -1;
}

int tcp_server_main(struct tcp_server *s, int argc, char **argv)
{
  int port = 0;
  s->drain_ms = DRAIN_MS;
  for (int i = 1; i < argc; i++) {
    long *into = NULL;
    if (strcmp(argv[i], "--exit-after") == 0)
      into = &s->exit_after;
    else if (strcmp(argv[i], "--drain-timeout") == 0)
      into = &s->drain_ms;
    for (const struct tcp_option *o = s->options; !into && o && o->name; o++)
      if (strcmp(argv[i], o->name) == 0)
        into = o->value;
    if (into) {
      long v = option_value(argc, argv, i++);
      if (v < 0)
        return usage(s);
      *into = v;
    } else if (argv[i][0] != '-') {
      port = atoi(argv[i]);
    } else {
      return usage(s);
    }
  }
  /* Blocked from here on, a SIGINT or SIGTERM that comes before the loop
   * waits for it stays pending, and weft_signal finds it there: a client that
   * sees the server listening may stop it at once. */
  sigset_t stops;
  sigemptyset(&stops);
  sigaddset(&stops, SIGINT);
  sigaddset(&stops, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stops, NULL);
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
  int rc = weft_run(run_server(s), NULL);
  weft_cond_free(s->idle);
  if (rc < 0) {
    fprintf(stderr, "%s: %s\n", s->name, strerror(-rc));
    return 1;
  }
  return 0;
}
