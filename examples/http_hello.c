/* http_hello: an HTTP/1.1 keep-alive server on 127.0.0.1 answering every request with "Hello, world!\n".
 * Covered by test/examples/http_hello.py (and a wrk run).  Usage: http_hello [port] [--exit-after N] */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <weft.h>

#include "tcp_server.h"

enum {
  IN_MAX = 8192,        /* the head of a request (request line and headers) must fit */
  OUT_MAX = 16384,      /* answers queued before one write */
  ANSWER_MAX = 256,     /* room one answer needs */
};

/* One connection.  Requests may arrive in pieces or several at once
 * (pipelining); bytes not yet parsed wait in in[in_start, in_end). */
struct conn {
  int fd;
  size_t in_start, in_end;
  size_t body_left;     /* bytes of the current request's body still to skip */
  bool closing;         /* answer what is queued, then close */
  size_t out_len;
  char in[IN_MAX];
  char out[OUT_MAX];
};

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
  if (r->close)
    c->closing = true;
}

/* Answers every complete request received so far, while there is room for
 * the answers: it skips bodies and the blank lines allowed between requests. */
static void answer_requests(struct conn *c)
{
  while (!c->closing && OUT_MAX - c->out_len >= ANSWER_MAX) {
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
    c->in_start += len;
    c->body_left = r.body;
    queue_answer(c, &r);
  }
}

/* ---- The conversation with one client, in the monadic style ---- */

static async(void) converse(struct conn *c);

/*   write fd answers >>= fun () -> converse c */
static async(void) written(struct conn *c)
{
  c->out_len = 0;
  return converse(c);
}

/*   read fd room >>= fun data -> if data = "" then return () else converse c
 * The runtime's bytes are copied at once: they would not outlive the next read. */
static async(void) received(struct conn *c, char *data)
{
  size_t len = weft_str_len(data);
  if (len == 0)
    return weft_return(void); /* the client is done; a partial request is dropped */
  memcpy(c->in + c->in_end, data, len);
  c->in_end += len;
  return converse(c);
}

/* let rec converse c = answer what has arrived, or read more. */
static async(void) converse(struct conn *c)
{
  answer_requests(c);
  if (c->out_len > 0)
    return weft_then(weft_write(c->fd, c->out, c->out_len), written, c);
  if (c->closing)
    return weft_return(void);
  memmove(c->in, c->in + c->in_start, c->in_end - c->in_start);
  c->in_end -= c->in_start;
  c->in_start = 0;
  return weft_bind(weft_read(c->fd, IN_MAX - c->in_end), received, c);
}

/* One connection: converse c (the server reports a failure, closes fd, frees c) */
static async(void) connection(void *state, int fd)
{
  struct conn *c = state;
  c->fd = fd;
  return converse(c);
}

int main(int argc, char **argv)
{
  struct tcp_server s = {.name = "http_hello", .connection = connection, .state_size = sizeof(struct conn)};
  return tcp_server_main(&s, argc, argv);
}
