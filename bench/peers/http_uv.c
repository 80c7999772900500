/* http_uv.c: the HTTP/1.1 keep-alive "Hello, world!\n" server on libuv, answering with the same bytes as weft's
 * examples/http_hello: a uv_tcp_t and an 8 KiB head buffer per connection; each complete head (pipelined ones
 * too) gets one answer, all answers of one read go out in one uv_try_write (uv_write for what it leaves).  It
 * checks the request line and honours "Connection: close"; requests with a body are not supported (wrk sends
 * none).
 * Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "listen.h"

enum { IN_MAX = 8192 };

struct conn {
  uv_tcp_t tcp;
  size_t in_len;
  char in[IN_MAX];
};

struct write_rest {
  uv_write_t req;
  bool close;
  char bytes[];
};

static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\nHello, world!\n";
static char out[65536];

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
  (void)suggested;
  struct conn *c = (struct conn *)h;
  *b = uv_buf_init(c->in + c->in_len, (unsigned)(IN_MAX - c->in_len));
}

static void on_close(uv_handle_t *h) { free(h); }

static void on_written(uv_write_t *req, int status)
{
  struct write_rest *w = (struct write_rest *)req;
  if (w->close && status == 0 && !uv_is_closing((uv_handle_t *)req->handle))
    uv_close((uv_handle_t *)req->handle, on_close);
  free(w);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
  (void)b;
  struct conn *c = (struct conn *)s;
  if (nread < 0) {
    uv_close((uv_handle_t *)s, on_close);
    return;
  }
  c->in_len += (size_t)nread;
  size_t start = 0, out_len = 0;
  bool close = false;
  for (;;) {
    char *head = c->in + start;
    char *end = memmem(head, c->in_len - start, "\r\n\r\n", 4);
    if (!end)
      break;
    size_t head_len = (size_t)(end - head) + 4;
    char *line_end = memchr(head, '\r', head_len);
    if (line_end - head < 14 || memcmp(line_end - 8, "HTTP/1.", 7) != 0) {
      uv_close((uv_handle_t *)s, on_close);
      return;
    }
    close = memmem(head, head_len, "\r\nConnection: close\r\n", 21) != NULL || line_end[-1] == '0';
    if (out_len + sizeof answer - 1 > sizeof out)
      break;
    memcpy(out + out_len, answer, sizeof answer - 1);
    out_len += sizeof answer - 1;
    start += head_len;
    if (close)
      break;
  }
  memmove(c->in, c->in + start, c->in_len - start);
  c->in_len -= start;
  if (c->in_len == IN_MAX) { /* a head longer than the buffer */
    uv_close((uv_handle_t *)s, on_close);
    return;
  }
  if (out_len == 0)
    return;
  uv_buf_t ob = uv_buf_init(out, (unsigned)out_len);
  int n = uv_try_write(s, &ob, 1);
  if (n == UV_EAGAIN)
    n = 0;
  if (n < 0) {
    uv_close((uv_handle_t *)s, on_close);
    return;
  }
  if ((size_t)n < out_len) {
    size_t rest = out_len - (size_t)n;
    struct write_rest *w = malloc(sizeof *w + rest);
    w->close = close;
    memcpy(w->bytes, out + n, rest);
    uv_buf_t rb = uv_buf_init(w->bytes, (unsigned)rest);
    uv_write(&w->req, s, &rb, 1, on_written);
  } else if (close) {
    uv_close((uv_handle_t *)s, on_close);
  }
}

static void on_connection(uv_stream_t *server, int status)
{
  if (status < 0)
    return;
  struct conn *c = malloc(sizeof *c);
  c->in_len = 0;
  uv_tcp_init(server->loop, &c->tcp);
  if (uv_accept(server, (uv_stream_t *)c) != 0) {
    uv_close((uv_handle_t *)c, on_close);
    return;
  }
  uv_read_start((uv_stream_t *)c, alloc_cb, on_read);
}

int main(int argc, char **argv)
{
  uv_loop_t *loop = uv_default_loop();
  uv_tcp_t server;
  uv_tcp_init(loop, &server);
  uv_tcp_open(&server, bench_listen(argc, argv));
  uv_listen((uv_stream_t *)&server, 4096, on_connection);
  uv_run(loop, UV_RUN_DEFAULT);
  return 0;
}
