/* http_hello: an HTTP/1.1 keep-alive server on 127.0.0.1 answering every request with "Hello, world!\n".
 * Covered by test/examples/http_hello.py, http_hello_timeouts.py, shutdown.py, fd_limit.py (and a wrk run).
 * Usage: http_hello [port] [--exit-after N] [--drain-timeout MS] [--header-timeout MS] [--idle-timeout MS]
 *        [--linger MS] [--send-timeout MS] */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <weft.h>

#include "tcp_server.h"

enum {
  IN_MAX = 8192,        /* the head of a request (request line and headers) must fit */
  OUT_MAX = 16384,      /* answers queued before one write */
  ANSWER_MAX = 256,     /* room one answer needs */
};

/* The deadlines, in milliseconds (nginx's client_header_timeout,
 * keepalive_timeout and lingering_time play the same parts). */
static long header_ms = 10000; /* a request head must arrive whole within this of its first byte */
static long idle_ms = 60000;   /* a keep-alive connection may wait this long for its next request */
static long linger_ms = 2000;  /* after the server's last answer, how long it reads what the client still sends */
static long send_ms = 60000;   /* how long a client may take to accept one write of answers */

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One connection.  Requests may arrive in pieces or several at once
 * (pipelining); bytes not yet parsed wait in in[in_start, in_end).  The
 * buffers are taken when bytes arrive and given back when nothing is left
 * in them, so that an idle connection costs this struct and no buffer (as
 * the runtime takes a read buffer only when data is ready). */
struct conn {
  int fd;
  size_t in_start, in_end;
  size_t body_left;     /* bytes of the current request's body still to skip */
  bool closing;         /* answer what is queued, then close */
  bool stopping;        /* the server shuts down: answer the request in flight, then close */
  bool idle;            /* waiting for a request with nothing of it received */
  bool answered;        /* a request was answered: the next one may keep the connection idle */
  bool dropped;         /* the client did not take its answers in time */
  long long since;      /* when the current wait for a request (idle) or its head began, in ms */
  size_t out_len;
  char *in;             /* IN_MAX bytes, then OUT_MAX for out; NULL while idle */
  char *out;
};

static bool take_buffers(struct conn *c)
{
  c->in = malloc(IN_MAX + OUT_MAX);
  c->out = c->in ? c->in + IN_MAX : NULL;
  return c->in != NULL;
}

static void give_back_buffers(struct conn *c)
{
  free(c->in);
  c->in = c->out = NULL;
}

/* ---- Parsing: plain synchronous code on the bytes received so far ---- */

struct request {
  int status;           /* 200, or the error to answer with */
  bool head;            /* a HEAD request: the answer has no body */
  bool http10;
  bool close;           /* close the connection after answering */
  size_t body;          /* Content-Length */
};

/* The length of the head at p (up to and including its empty line), or 0 if
 * it has not all arrived.  Lines end in CRLF, or in a bare LF. */
static size_t head_length(const char *p, size_t n)
{
  for (size_t i = 0; i + 1 < n; i++) {
    if (p[i] != '\n')
      continue;
    if (p[i + 1] == '\n')
      return i + 2;
    if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')
      return i + 3;
  }
  return 0;
}

static bool is_token(const char *s, size_t n, const char *token)
{
  return n == strlen(token) && strncasecmp(s, token, n) == 0;
}

/* Whether the comma-separated header value v contains token, like
 * "keep-alive, Upgrade" contains "keep-alive". */
static bool has_token(const char *v, size_t n, const char *token)
{
  while (n > 0) {
    size_t len = 0;
    while (len < n && v[len] != ',')
      len++;
    size_t a = 0, b = len;
    while (a < b && (v[a] == ' ' || v[a] == '\t'))
      a++;
    while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t'))
      b--;
    if (is_token(v + a, b - a, token))
      return true;
    v += len < n ? len + 1 : len;
    n -= len < n ? len + 1 : len;
  }
  return false;
}

static bool parse_header(struct request *r, const char *line, size_t n)
{
  const char *colon = memchr(line, ':', n);
  if (!colon || colon == line)
    return false;
  size_t name_len = (size_t)(colon - line);
  const char *v = colon + 1;
  size_t vn = n - name_len - 1;
  while (vn > 0 && (*v == ' ' || *v == '\t'))
    v++, vn--;
  while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
    vn--;
  if (is_token(line, name_len, "Connection")) {
    if (has_token(v, vn, "close"))
      r->close = true;
    else if (has_token(v, vn, "keep-alive"))
      r->close = false;
  } else if (is_token(line, name_len, "Content-Length")) {
    if (vn == 0)
      return false;
    r->body = 0;
    for (size_t i = 0; i < vn; i++) {
      if (v[i] < '0' || v[i] > '9' || r->body > (SIZE_MAX - 9) / 10)
        return false;
      r->body = r->body * 10 + (size_t)(v[i] - '0');
    }
  } else if (is_token(line, name_len, "Transfer-Encoding")) {
    r->status = 501; /* chunked bodies are not supported */
  }
  return true;
}

/* Parses the complete head p[0, n): "METHOD TARGET HTTP/1.x", then headers. */
static struct request parse_request(const char *p, size_t n)
{
  struct request r = {.status = 200};
  bool first = true;
  /* A NUL is never valid in a head (RFC 9112, section 2.2): it would cut
   * the method, target or a field short for any C code that sees it. */
  if (memchr(p, '\0', n))
    return (struct request){.status = 400, .close = true};
  while (n > 0) {
    const char *nl = memchr(p, '\n', n);
    if (!nl)
      break;
    size_t line_len = (size_t)(nl - p), len = line_len;
    if (len > 0 && p[len - 1] == '\r')
      len--;
    if (len == 0)
      break;
    if (first) {
      const char *sp1 = memchr(p, ' ', len);
      const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - p)) : NULL;
      const char *version = sp2 ? sp2 + 1 : NULL;
      if (!sp2 || sp1 == p || sp2 == sp1 + 1 || (size_t)(p + len - version) != 8 ||
          strncmp(version, "HTTP/1.", 7) != 0 || (version[7] != '0' && version[7] != '1'))
        return (struct request){.status = 400, .close = true};
      r.head = sp1 - p == 4 && strncmp(p, "HEAD", 4) == 0;
      r.http10 = version[7] == '0';
      r.close = r.http10; /* HTTP/1.0 closes unless it asks to keep alive */
      first = false;
    } else if (!parse_header(&r, p, len)) {
      return (struct request){.status = 400, .close = true};
    }
    p += line_len + 1;
    n -= line_len + 1;
  }
  if (r.status != 200)
    r.close = true;
  return r;
}

static void queue_answer(struct conn *c, const struct request *r)
{
  static const char body[] = "Hello, world!\n";
  const char *reason = r->status == 200   ? "OK"
                       : r->status == 400 ? "Bad Request"
                       : r->status == 431 ? "Request Header Fields Too Large"
                                          : "Not Implemented";
  size_t body_len = r->status == 200 ? sizeof body - 1 : 0;
  const char *connection = r->close ? "Connection: close\r\n" : r->http10 ? "Connection: keep-alive\r\n" : "";
  int n = snprintf(c->out + c->out_len, OUT_MAX - c->out_len,
                   "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n%s\r\n%s",
                   r->status, reason, body_len, connection, r->head ? "" : body_len ? body : "");
  c->out_len += (size_t)n;
  c->answered = true;
  if (r->close)
    c->closing = true;
}

/* Answers every complete request received so far, while there is room for
 * the answers: it skips bodies and the blank lines allowed between requests. */
static void answer_requests(struct conn *c)
{
  while (c->in != NULL && !c->closing && OUT_MAX - c->out_len >= ANSWER_MAX) {
    const char *p = c->in + c->in_start;
    size_t n = c->in_end - c->in_start;
    if (c->body_left > 0) {
      size_t skip = c->body_left < n ? c->body_left : n;
      if (skip == 0)
        return;
      c->body_left -= skip;
      c->in_start += skip;
      continue;
    }
    if (n > 0 && (p[0] == '\r' || p[0] == '\n')) {
      c->in_start++;
      continue;
    }
    size_t len = head_length(p, n);
    if (len == 0) {
      if (n == IN_MAX)
        queue_answer(c, &(struct request){.status = 431, .close = true});
      return;
    }
    struct request r = parse_request(p, len);
    if (c->stopping)
      r.close = true;
    c->in_start += len;
    c->body_left = r.body;
    c->since = 0; /* the next request's head has its own deadline */
    queue_answer(c, &r);
  }
}

/* ---- The conversation with one client, in the monadic style ---- */

static async(void) converse(struct conn *c);

/*   write fd answers >>= fun () -> converse c */
static async(void) written(struct conn *c)
{
  if (c->dropped)
    return weft_return(void);
  c->out_len = 0;
  return converse(c);
}

/* A client that sends requests but does not read the answers would hold
 * its connection for ever once the socket's buffers are full (a "slow
 * read" attack; nginx's send_timeout): it is dropped.  The runtime still
 * sends the rest of a write cut half way, until the connection closes. */
static async(void) not_taken(struct conn *c, int err)
{
  if (err != -ETIMEDOUT)
    return weft_fail(err);
  c->dropped = true;
  return weft_return(void);
}

/*   read fd room >>= fun data -> if data = "" then return () else converse c
 * The runtime's bytes are copied at once: they would not outlive the next read. */
static async(void) received(struct conn *c, char *data)
{
  size_t len = weft_str_len(data);
  /* A new request: its head's deadline counts from its first byte.  The
   * empty lines allowed before a request are not its start, or a client
   * sending one now and then would hold the connection for ever. */
  if (c->idle && strspn(data, "\r\n") < len)
    c->since = 0;
  c->idle = false;
  if (len == 0)
    return weft_return(void); /* the client is done, or too slow; a partial request is dropped */
  if (c->in == NULL && !take_buffers(c))
    return weft_fail(-ENOMEM);
  memcpy(c->in + c->in_end, data, len);
  c->in_end += len;
  return converse(c);
}

/* A deadline passed: the client is dropped without an answer, as nginx does. */
static async(str) too_slow(struct conn *c, int err)
{
  (void)c;
  return err == -ETIMEDOUT ? weft_return(str, "") : weft_fail(str, err);
}

/* ---- Lingering close ----
 * Closing a socket whose receive queue holds unread bytes makes the kernel
 * send a reset, and a reset can destroy the answer still on its way to the
 * client.  So after its last answer the server shuts its own side (the
 * client sees the answer, then EOF) and reads what the client still sends,
 * until the client closes or linger_ms have passed (Apache's lingering close;
 * RFC 9112, section 9.6). */
static async(void) discard(struct conn *c);

static async(void) discarded(struct conn *c, char *data)
{
  if (weft_str_len(data) == 0)
    return weft_return(void);
  return discard(c);
}

static async(void) discard(struct conn *c) { return weft_bind(weft_read(c->fd, IN_MAX), discarded, c); }

static async(void) linger_over(struct conn *c, int err)
{
  (void)c;
  (void)err; /* the deadline, or a reset: the connection is closed either way */
  return weft_return(void);
}

static async(void) linger(struct conn *c)
{
  shutdown(c->fd, SHUT_WR);
  return weft_catch(weft_timeout(discard(c), linger_ms), linger_over, c);
}

/* let rec converse c = answer what has arrived, or read more (within the
 * deadline of what is awaited: a request head, more of it, the next request
 * on a kept-alive connection, or more of a body). */
static async(void) converse(struct conn *c)
{
  answer_requests(c);
  if (c->out_len > 0)
    return weft_then(weft_catch(weft_timeout(weft_write(c->fd, c->out, c->out_len), send_ms), not_taken, c), written, c);
  if (c->closing)
    return linger(c);
  if (c->in != NULL) {
    memmove(c->in, c->in + c->in_start, c->in_end - c->in_start);
    c->in_end -= c->in_start;
    c->in_start = 0;
    if (c->in_end == 0)
      give_back_buffers(c); /* nothing waits in them (out_len is 0 here) */
  }
  bool nothing = c->in_end == 0 && c->body_left == 0;
  if (nothing && c->stopping)
    return weft_return(void); /* shutting down: nothing is in flight */
  long long now = now_ms();
  long wait;
  if (c->body_left > 0) {
    wait = header_ms; /* a body must keep coming */
  } else {
    if (c->since == 0)
      c->since = now;
    /* The first request of a connection gets the header deadline, a later
     * one the keep-alive timeout until its first byte arrives. */
    long long limit = nothing && c->answered ? idle_ms : header_ms;
    wait = c->since + limit > now ? (long)(c->since + limit - now) : 0;
  }
  c->idle = nothing;
  async(str) more = weft_timeout(weft_read(c->fd, IN_MAX - c->in_end), wait);
  return weft_bind(weft_catch(more, too_slow, c), received, c);
}

/* At shutdown: a connection waiting for a request with nothing of it
 * received ends now (its pending read sees end of input); one in the middle
 * of a request answers it, with Connection: close. */
static void stop(void *state, int fd)
{
  struct conn *c = state;
  c->stopping = true;
  if (c->idle)
    shutdown(fd, SHUT_RD);
}

static async(void) release(struct conn *c)
{
  give_back_buffers(c); /* a write cut by cancellation has its rest copied by the runtime */
  return weft_return(void);
}

/* One connection: finally (converse c) (give its buffers back); the server
 * reports a failure, closes fd and frees c */
static async(void) connection(void *state, int fd)
{
  struct conn *c = state;
  c->fd = fd;
  return weft_finally(converse(c), release, c);
}

int main(int argc, char **argv)
{
  static const struct tcp_option options[] = {
      {"--header-timeout", "MS", &header_ms},
      {"--idle-timeout", "MS", &idle_ms},
      {"--linger", "MS", &linger_ms},
      {"--send-timeout", "MS", &send_ms},
      {NULL, NULL, NULL},
  };
  struct tcp_server s = {.name = "http_hello", .connection = connection, .stop = stop,
                         .state_size = sizeof(struct conn), .options = options};
  return tcp_server_main(&s, argc, argv);
}
