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
  IN_MAX = 8192,        /* the head of a request (request line and headers, with their line ends) must fit */
  OUT_MAX = 16384,      /* answers buffered before one write */
  ANSWER_MAX = 256,     /* room one answer needs */
  SKIP_MAX = 4096,      /* body bytes skipped at a time */
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

/* ---- Parsing: plain synchronous code on one line of a head ---- */

struct request {
  int status;           /* 200, or the error to answer with */
  bool head;            /* a HEAD request: the answer has no body */
  bool http10;
  bool close;           /* close the connection after answering */
  size_t body;          /* Content-Length */
};

/* One connection.  Requests are read a line at a time from a buffered
 * reader; answers go to a buffered writer, flushed whenever the server
 * would wait for the client, so that pipelined requests get their answers
 * in one write.  Neither channel holds a buffer while it is empty: an idle
 * connection costs this struct and the two channels' own. */
struct conn {
  int fd;
  weft_reader_t *in;
  weft_writer_t *out;
  struct request req;   /* the request whose head is being read */
  bool first;           /* its request line is still to come */
  size_t head_used;     /* bytes of its head so far, line ends counted as two */
  size_t body_left;     /* bytes of the current request's body still to skip */
  bool closing;         /* answer what is queued, then close */
  bool stopping;        /* the server shuts down: answer the request in flight, then close */
  bool idle;            /* waiting for a request with nothing of it received */
  bool answered;        /* a request was answered: the next one may keep the connection idle */
  bool dropped;         /* the client did not take its answers in time */
  bool gone;            /* the client went away, or missed a deadline */
  long long since;      /* when the current wait for a request (idle) or its head began, in ms */
  async(void) (*after_flush)(struct conn *c); /* what goes on once the answers are written */
  char answer[ANSWER_MAX];
};

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

/* The request line: "METHOD TARGET HTTP/1.x". */
static bool parse_request_line(struct request *r, const char *p, size_t len)
{
  const char *sp1 = memchr(p, ' ', len);
  const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - p)) : NULL;
  const char *version = sp2 ? sp2 + 1 : NULL;
  if (!sp2 || sp1 == p || sp2 == sp1 + 1 || (size_t)(p + len - version) != 8 ||
      strncmp(version, "HTTP/1.", 7) != 0 || (version[7] != '0' && version[7] != '1'))
    return false;
  r->head = sp1 - p == 4 && strncmp(p, "HEAD", 4) == 0;
  r->http10 = version[7] == '0';
  r->close = r->http10; /* HTTP/1.0 closes unless it asks to keep alive */
  return true;
}

/* Appends the n bytes of s at *p. */
static void put(char **p, const char *s, size_t n)
{
  memcpy(*p, s, n);
  *p += n;
}

#define PUT_LITERAL(p, s) put(p, s, sizeof s - 1)

/* The answer to r, formatted in c->answer; its length.  Built by copies,
 * not snprintf: formatting was a seventh of the server's instructions. */
static size_t format_answer(struct conn *c, const struct request *r)
{
  static const char body[] = "Hello, world!\n";
  _Static_assert(sizeof body - 1 == 14, "the Content-Length written below");
  const char *reason = r->status == 200   ? "OK"
                       : r->status == 400 ? "Bad Request"
                       : r->status == 431 ? "Request Header Fields Too Large"
                                          : "Not Implemented";
  const char *connection = r->close ? "Connection: close\r\n" : r->http10 ? "Connection: keep-alive\r\n" : "";
  char status[4] = {(char)('0' + r->status / 100 % 10), (char)('0' + r->status / 10 % 10),
                    (char)('0' + r->status % 10), ' '};
  char *p = c->answer;
  PUT_LITERAL(&p, "HTTP/1.1 ");
  put(&p, status, sizeof status);
  put(&p, reason, strlen(reason));
  PUT_LITERAL(&p, "\r\nContent-Type: text/plain\r\nContent-Length: ");
  if (r->status == 200)
    PUT_LITERAL(&p, "14");
  else
    PUT_LITERAL(&p, "0");
  PUT_LITERAL(&p, "\r\n");
  put(&p, connection, strlen(connection));
  PUT_LITERAL(&p, "\r\n");
  if (r->status == 200 && !r->head)
    PUT_LITERAL(&p, body);
  c->answered = true;
  if (r->close)
    c->closing = true;
  return (size_t)(p - c->answer);
}

/* ---- The conversation with one client, in the monadic style ---- */

static async(void) converse(struct conn *c);
static async(void) next_request(struct conn *c);
static async(void) read_head_line(struct conn *c);
static async(void) skip_body(struct conn *c);

/* A client that sends requests but does not read the answers would hold
 * its connection for ever once the socket's buffers are full (a "slow
 * read" attack; nginx's send_timeout): it is dropped.  What the writer
 * had not sent is dropped with it. */
static async(void) not_taken(struct conn *c, int err)
{
  if (err != -ETIMEDOUT)
    return weft_fail(err);
  c->dropped = true;
  return weft_return(void);
}

static async(void) written(struct conn *c)
{
  return c->dropped ? weft_return(void) : c->after_flush(c);
}

/*   timeout (flush out) >>= fun () -> next c */
static async(void) flush_then(struct conn *c, async(void) (*next)(struct conn *c))
{
  c->after_flush = next;
  return weft_then(weft_catch(weft_timeout(weft_flush(c->out), send_ms), not_taken, c), written, c);
}

/* Whether answers wait in the writer while the next step would wait for
 * the client: they go out first, or a client that waits for them before
 * it sends more would never get them. */
static bool must_flush(struct conn *c, bool would_wait)
{
  return would_wait && weft_writer_buffered(c->out) > 0;
}

/* The answer to the request whose head is complete (or refused), written
 * into the writer, which sends it when its buffer is full or at the next
 * wait; then the body, if any, is skipped. */
static async(void) answer(struct conn *c, struct request r)
{
  if (c->stopping || r.status != 200)
    r.close = true;
  size_t n = format_answer(c, &r);
  c->body_left = r.close ? 0 : r.body;
  c->since = 0; /* the next request's head has its own deadline */
  c->after_flush = converse;
  /* An answer with room in the writer is copied there and the write ends
   * at once, with no IO: it has nothing to time out (a pick of two fibers
   * and a timer cost as much as the rest of the request). */
  if (weft_writer_buffered(c->out) + n <= OUT_MAX)
    return weft_then(weft_writer_write(c->out, c->answer, n), written, c);
  return weft_then(weft_catch(weft_timeout(weft_writer_write(c->out, c->answer, n), send_ms), not_taken, c),
                   written, c);
}

/* A deadline passed or the client closed: it is dropped without an
 * answer, as nginx does.  A head line too long for what is left of IN_MAX
 * gets its 431. */
static async(str) read_failed(struct conn *c, int err)
{
  if (err == -EMSGSIZE) {
    c->req.status = 431;
    return weft_return(str, NULL);
  }
  if (err != -ETIMEDOUT && err != -EPIPE)
    return weft_fail(str, err);
  c->gone = true;
  return weft_return(str, NULL);
}

/*   read_line in room >>= fun line -> parse it, then the next line or the answer */
static async(void) head_line(struct conn *c, char *line)
{
  if (line == NULL)
    return c->gone ? weft_return(void) : answer(c, c->req);
  size_t len = weft_reader_last_len(c->in);
  c->head_used += len + 2;
  /* A NUL is never valid in a head (RFC 9112, section 2.2): it would cut
   * the method, target or a field short for any C code that sees it. */
  if (memchr(line, '\0', len) != NULL)
    return answer(c, (struct request){.status = 400});
  if (c->first) {
    c->first = false;
    if (!parse_request_line(&c->req, line, len))
      return answer(c, (struct request){.status = 400});
    return read_head_line(c);
  }
  if (len == 0)
    return answer(c, c->req); /* the empty line: the head is complete */
  if (!parse_header(&c->req, line, len))
    return answer(c, (struct request){.status = 400});
  return read_head_line(c);
}

/* The next line of the head, within what is left of IN_MAX and of the
 * head's deadline. */
static async(void) read_head_line(struct conn *c)
{
  size_t buffered = 0;
  const char *bytes = weft_reader_buffer(c->in, &buffered);
  bool whole = memchr(bytes, '\n', buffered) != NULL;
  if (must_flush(c, !whole))
    return flush_then(c, read_head_line);
  if (c->head_used + 2 > IN_MAX)
    return answer(c, (struct request){.status = 431});
  long long now = now_ms();
  long wait = c->since + header_ms > now ? (long)(c->since + header_ms - now) : 0;
  async(str) line = weft_read_line(c->in, IN_MAX - c->head_used - 2);
  /* A line the reader holds whole is taken without IO or waiting, so the
   * deadline cannot pass meanwhile: no timeout for it (one that has passed
   * already still ends the request, as it would have). */
  if (!whole || wait == 0)
    line = weft_timeout(line, wait);
  return weft_bind(weft_catch(line, read_failed, c), head_line, c);
}

static async(void) blank_skipped(struct conn *c, char *byte)
{
  (void)byte;
  return next_request(c);
}

/*   peek in 1 >>= fun first -> the start of a request, or a blank line before one */
static async(void) first_byte(struct conn *c, char *s)
{
  c->idle = false;
  if (s == NULL || weft_reader_buffered(c->in) == 0)
    return weft_return(void); /* the client is done, or too slow */
  /* The empty lines allowed before a request are not its start, or a
   * client sending one now and then would hold the connection for ever. */
  if (s[0] == '\r' || s[0] == '\n')
    return weft_bind(weft_read_exactly(c->in, 1), blank_skipped, c);
  /* A new request: its head's deadline counts from its first byte. */
  c->since = now_ms();
  c->req = (struct request){.status = 200};
  c->first = true;
  c->head_used = 0;
  return read_head_line(c);
}

static async(str) idle_over(struct conn *c, int err)
{
  (void)c;
  return err == -ETIMEDOUT ? weft_return(str, NULL) : weft_fail(str, err);
}

/* Waits for the first byte of the next request: the first request of a
 * connection gets the header deadline, a later one the keep-alive timeout. */
static async(void) next_request(struct conn *c)
{
  bool nothing = weft_reader_buffered(c->in) == 0;
  if (must_flush(c, nothing))
    return flush_then(c, next_request);
  if (nothing && c->stopping)
    return weft_return(void); /* shutting down: nothing is in flight */
  long long now = now_ms();
  if (c->since == 0)
    c->since = now;
  long long limit = c->answered ? idle_ms : header_ms;
  long wait = c->since + limit > now ? (long)(c->since + limit - now) : 0;
  c->idle = nothing;
  return weft_bind(weft_catch(weft_timeout(weft_peek(c->in, 1), wait), idle_over, c), first_byte, c);
}

static async(void) body_skipped(struct conn *c, char *bytes)
{
  if (bytes == NULL)
    return weft_return(void); /* the body stopped coming */
  c->body_left -= weft_reader_last_len(c->in);
  return converse(c);
}

static async(str) body_failed(struct conn *c, int err)
{
  (void)c;
  return err == -ETIMEDOUT || err == -EPIPE ? weft_return(str, NULL) : weft_fail(str, err);
}

/* Skips the body: what is buffered at once, otherwise the next piece,
 * which must keep coming within the header deadline. */
static async(void) skip_body(struct conn *c)
{
  size_t buffered = weft_reader_buffered(c->in);
  if (must_flush(c, buffered == 0))
    return flush_then(c, skip_body);
  size_t n = c->body_left < SKIP_MAX ? c->body_left : SKIP_MAX;
  if (buffered > 0 && buffered < n)
    n = buffered;
  async(str) skip = weft_timeout(weft_read_exactly(c->in, n), header_ms);
  return weft_bind(weft_catch(skip, body_failed, c), body_skipped, c);
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

static async(void) linger_after_flush(struct conn *c) { return linger(c); }

/* let rec converse c = skip the body, or read the next request; once the
 * connection is closing, send the last answers and linger. */
static async(void) converse(struct conn *c)
{
  if (c->closing)
    return weft_writer_buffered(c->out) > 0 ? flush_then(c, linger_after_flush) : linger(c);
  if (c->body_left > 0)
    return skip_body(c);
  return next_request(c);
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
  weft_reader_free(c->in); /* answers not sent are dropped: the client is gone or too slow */
  weft_writer_free(c->out);
  return weft_return(void);
}

/* One connection: finally (converse c) (give its buffers back); the server
 * reports a failure, closes fd and frees c */
static async(void) connection(void *state, int fd)
{
  struct conn *c = state;
  c->fd = fd;
  c->in = weft_reader_new(fd, 0);
  c->out = weft_writer_new(fd, OUT_MAX);
  if (c->in == NULL || c->out == NULL) {
    weft_reader_free(c->in);
    weft_writer_free(c->out);
    return weft_fail(-ENOMEM);
  }
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
